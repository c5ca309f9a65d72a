#pragma once
// Built-in agent and provider catalogs, plus user additions from
// $CLOWN_HOME/providers.d/*.toml and agents.d/*.toml (a user file with the
// same id replaces the built-in entry).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/paths.hpp"
#include "profiles/agent_definition.hpp"

namespace clown::profiles {

// anthropic / openai / gemini: the vendor's own API with your key;
// *-compatible: a third party serving that API (Claude Code's model aliases
// are routed there too); self: the agent's own login, nothing injected.
enum class ProviderType { anthropic, anthropic_compatible, openai, openai_compatible, gemini, self };
const char* to_string(ProviderType type);

// Which variable carries an Anthropic-API key: ANTHROPIC_API_KEY (sent as
// x-api-key) or ANTHROPIC_AUTH_TOKEN (sent as "Authorization: Bearer").
enum class KeyVar { api_key, auth_token };

// An API a provider serves and its base URL ("" = the agent's own default
// endpoint for that API).
struct ProviderEndpoint {
  ProviderApi api = ProviderApi::anthropic;
  std::string url;
};

struct Provider {
  std::string id;
  std::string name;
  ProviderType type = ProviderType::anthropic_compatible;
  std::vector<ProviderEndpoint> endpoints;  // the APIs it serves
  bool any_api = false;                     // self, custom: whatever API the agent speaks
  std::string key_env;                      // env var the user normally keeps this provider's key in
  KeyVar key_var = KeyVar::auth_token;
  std::string default_model;       // used when the profile names no model
  std::string haiku_model;         // small/fast model; empty: same as the main model
  bool requires_endpoint = false;  // "custom": the profile must give --endpoint
  bool requires_model = false;     // no default model clown can price: the profile must give --model
  bool builtin = true;
  std::string source;  // "built-in" or the TOML file it came from

  // The endpoint of `api`, or nullptr when the provider does not serve it
  // (any_api providers serve everything, at the agent's default endpoint).
  std::optional<ProviderEndpoint> endpoint_for(ProviderApi api) const;
  // A third party serving a vendor's API (not self).
  bool compatible() const;
};

// For compatibility with code written before agent definitions.
using AgentManifest = AgentDefinition;

struct Catalog {
  std::vector<AgentDefinition> agents;
  std::vector<Provider> providers;
  std::vector<std::string> warnings;  // unreadable user catalog files (file:line:col: reason)

  const AgentDefinition* find_agent(const std::string& id) const;
  const Provider* find_provider(const std::string& id) const;
  // Providers that serve an API the agent speaks ("self" included), for messages.
  std::vector<std::string> providers_for(const AgentDefinition& agent) const;
  std::vector<std::string> agent_ids() const;
  std::vector<std::string> provider_ids() const;
  // "unknown provider 'x'; did you mean 'y'?" (else "… (see: clown providers list)").
  std::string unknown_provider_message(const std::string& id) const;
  std::string unknown_agent_message(const std::string& id) const;
};

// The JSON of `clown providers list|show --json`.
nlohmann::json to_json(const Provider& provider);
// "anthropic, openai-chat", "any (--endpoint)" or "the agent's own", for tables.
std::string describe_apis(const Provider& provider);
std::string describe_apis(const AgentDefinition& agent);

// The keys the loaders read from providers.d/*.toml and agents.d/*.toml
// (`clown doctor` warns about others).
const std::vector<std::string>& provider_file_keys();
const std::vector<std::string>& agent_file_keys();

Catalog builtin_catalog();
// Built-ins plus user files. Never fails: a broken user file becomes a warning.
Catalog load_catalog(const Paths& paths);
// The same with only the built-in agent `agent_id` (and those user files
// extend) parsed: what `clown run` needs, without the cost of reading every
// definition on each launch.
Catalog load_catalog_for(const Paths& paths, const std::string& agent_id);

}  // namespace clown::profiles
