#pragma once
// Built-in agent and provider catalogs, plus user additions from
// $CLOWN_HOME/providers.d/*.toml and agents.d/*.toml (a user file with the
// same id replaces the built-in entry).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/paths.hpp"

namespace clown::profiles {

enum class ProviderType { anthropic, anthropic_compatible, openai_compatible, self };
const char* to_string(ProviderType type);

// Which variable carries the key: ANTHROPIC_API_KEY (sent as x-api-key) or
// ANTHROPIC_AUTH_TOKEN (sent as "Authorization: Bearer").
enum class KeyVar { api_key, auth_token };

struct Provider {
  std::string id;
  std::string name;
  ProviderType type = ProviderType::anthropic_compatible;
  std::string endpoint;  // ANTHROPIC_BASE_URL; empty: the agent's default
  std::string key_env;   // env var the user normally keeps this provider's key in
  KeyVar key_var = KeyVar::auth_token;
  std::string default_model;       // used when the profile names no model
  std::string haiku_model;         // small/fast model; empty: same as the main model
  bool requires_endpoint = false;  // "custom": the profile must give --endpoint
  bool builtin = true;
  std::string source;  // "built-in" or the TOML file it came from
};

struct AgentManifest {
  std::string id;
  std::string name;
  std::string binary;  // looked up on PATH
  std::string settings_flag = "--settings";
  std::string config_dir_env = "CLAUDE_CONFIG_DIR";
  // First arguments that are not sessions (no --settings, no hooks).
  std::vector<std::string> non_session_commands;
  std::vector<std::string> non_session_flags;
  // Claude Code's OpenTelemetry export: one api_request event per API
  // request, background ones included (docs/accuracy.md#otel).
  bool otel = false;
  bool builtin = true;
  std::string source;
};

struct Catalog {
  std::vector<AgentManifest> agents;
  std::vector<Provider> providers;
  std::vector<std::string> warnings;  // unreadable user catalog files (file:line:col: reason)

  const AgentManifest* find_agent(const std::string& id) const;
  const Provider* find_provider(const std::string& id) const;
  std::vector<std::string> agent_ids() const;
  std::vector<std::string> provider_ids() const;
  // "unknown provider 'x'; did you mean 'y'?" (else "… (see: clown providers list)").
  std::string unknown_provider_message(const std::string& id) const;
  std::string unknown_agent_message(const std::string& id) const;
};

// The JSON of `clown agents list --json` / `clown providers list|show --json`.
void to_json(nlohmann::json& j, const AgentManifest& agent);
nlohmann::json to_json(const Provider& provider);

// The keys the loaders read from providers.d/*.toml and agents.d/*.toml
// (`clown doctor` warns about others).
const std::vector<std::string>& provider_file_keys();
const std::vector<std::string>& agent_file_keys();

Catalog builtin_catalog();
// Built-ins plus user files. Never fails: a broken user file becomes a warning.
Catalog load_catalog(const Paths& paths);

}  // namespace clown::profiles
