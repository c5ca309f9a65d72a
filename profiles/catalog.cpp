#include "profiles/catalog.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <system_error>

#include "common/suggest.hpp"

namespace clown::profiles {

const char* to_string(ProviderType type) {
  switch (type) {
    case ProviderType::anthropic: return "anthropic";
    case ProviderType::anthropic_compatible: return "anthropic-compatible";
    case ProviderType::openai_compatible: return "openai-compatible";
    case ProviderType::self: return "self";
  }
  return "?";
}

namespace {

Provider provider(std::string id, std::string name, ProviderType type, std::string endpoint, std::string key_env,
                  KeyVar key_var, std::string model = "", std::string haiku = "") {
  Provider p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.type = type;
  p.endpoint = std::move(endpoint);
  p.key_env = std::move(key_env);
  p.key_var = key_var;
  p.default_model = std::move(model);
  p.haiku_model = std::move(haiku);
  p.source = "built-in";
  return p;
}

template <class T>
const T* find_by_id(const std::vector<T>& items, const std::string& id) {
  for (const auto& item : items)
    if (item.id == id) return &item;
  return nullptr;
}

template <class T>
void upsert(std::vector<T>& items, T item) {
  for (auto& existing : items) {
    if (existing.id == item.id) {
      existing = std::move(item);
      return;
    }
  }
  items.push_back(std::move(item));
}

std::vector<std::string> string_array(const toml::node_view<const toml::node>& node) {
  std::vector<std::string> out;
  if (auto* arr = node.as_array())
    for (const auto& el : *arr)
      if (auto s = el.value<std::string>()) out.push_back(*s);
  return out;
}

std::string location(const std::filesystem::path& file, const toml::source_region& src) {
  return file.string() + ":" + std::to_string(src.begin.line) + ":" + std::to_string(src.begin.column);
}

// Calls fn(file, table) for each *.toml in dir that parses, sorted by name so
// the result does not depend on readdir order; a broken file becomes a warning.
template <class Fn>
void for_each_toml(const std::filesystem::path& dir, std::vector<std::string>& warnings, Fn fn) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".toml") files.push_back(it->path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    try {
      fn(file, toml::parse_file(file.string()));
    } catch (const toml::parse_error& e) {
      warnings.push_back(location(file, e.source()) + ": " + std::string(e.description()));
    }
  }
}

void load_providers(const Paths& paths, Catalog& catalog) {
  for_each_toml(paths.providers_dir(), catalog.warnings, [&](const std::filesystem::path& file, const toml::table& t) {
    Provider p;
    p.id = t["id"].value_or(file.stem().string());
    p.name = t["name"].value_or(p.id);
    const std::string type = t["type"].value_or(std::string("anthropic-compatible"));
    if (type == "anthropic")
      p.type = ProviderType::anthropic;
    else if (type == "anthropic-compatible")
      p.type = ProviderType::anthropic_compatible;
    else if (type == "openai-compatible")
      p.type = ProviderType::openai_compatible;
    else if (type == "self")
      p.type = ProviderType::self;
    else {
      catalog.warnings.push_back(file.string() + ": unknown provider type '" + type +
                                 "' (use anthropic, anthropic-compatible, openai-compatible or self)");
      return;
    }
    p.endpoint = t["endpoint"].value_or(std::string());
    p.key_env = t["key_env"].value_or(std::string());
    p.key_var = t["key_var"].value_or(std::string("auth_token")) == "api_key" ? KeyVar::api_key : KeyVar::auth_token;
    p.default_model = t["default_model"].value_or(std::string());
    p.haiku_model = t["haiku_model"].value_or(std::string());
    p.requires_endpoint = t["requires_endpoint"].value_or(false);
    p.builtin = false;
    p.source = file.string();
    upsert(catalog.providers, std::move(p));
  });
}

void load_agents(const Paths& paths, Catalog& catalog) {
  for_each_toml(paths.agents_dir(), catalog.warnings, [&](const std::filesystem::path& file, const toml::table& t) {
    AgentManifest a;
    a.id = t["id"].value_or(file.stem().string());
    a.name = t["name"].value_or(a.id);
    a.binary = t["binary"].value_or(a.id);
    a.settings_flag = t["settings_flag"].value_or(std::string("--settings"));
    a.config_dir_env = t["config_dir_env"].value_or(std::string("CLAUDE_CONFIG_DIR"));
    a.non_session_commands = string_array(t["non_session_commands"]);
    a.non_session_flags = string_array(t["non_session_flags"]);
    a.otel = t["otel"].value_or(false);
    a.builtin = false;
    a.source = file.string();
    upsert(catalog.agents, std::move(a));
  });
}

}  // namespace

const AgentManifest* Catalog::find_agent(const std::string& id) const { return find_by_id(agents, id); }
const Provider* Catalog::find_provider(const std::string& id) const { return find_by_id(providers, id); }

std::vector<std::string> Catalog::agent_ids() const {
  std::vector<std::string> ids;
  for (const auto& a : agents) ids.push_back(a.id);
  return ids;
}

std::vector<std::string> Catalog::provider_ids() const {
  std::vector<std::string> ids;
  for (const auto& p : providers) ids.push_back(p.id);
  return ids;
}

std::string Catalog::unknown_provider_message(const std::string& id) const {
  const auto hint = did_you_mean(id, provider_ids());
  return "unknown provider '" + id + "'" + (hint.empty() ? " (see: clown providers list)" : hint);
}

std::string Catalog::unknown_agent_message(const std::string& id) const {
  const auto hint = did_you_mean(id, agent_ids());
  return "unknown agent '" + id + "'" + (hint.empty() ? " (see: clown agents list)" : hint);
}

void to_json(nlohmann::json& j, const AgentManifest& a) {
  j = {{"id", a.id}, {"name", a.name}, {"binary", a.binary}, {"source", a.source}};
}

nlohmann::json to_json(const Provider& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"type", to_string(p.type)},
          {"endpoint", p.endpoint},
          {"key_env", p.key_env},
          {"key_var", p.key_var == KeyVar::api_key ? "ANTHROPIC_API_KEY" : "ANTHROPIC_AUTH_TOKEN"},
          {"default_model", p.default_model},
          {"haiku_model", p.haiku_model},
          {"requires_endpoint", p.requires_endpoint},
          {"source", p.source}};
}

const std::vector<std::string>& provider_file_keys() {
  static const std::vector<std::string> keys = {
      "id", "name", "type", "endpoint", "key_env", "key_var", "default_model", "haiku_model", "requires_endpoint"};
  return keys;
}

const std::vector<std::string>& agent_file_keys() {
  static const std::vector<std::string> keys = {
      "id", "name", "binary", "settings_flag", "config_dir_env", "non_session_commands", "non_session_flags"};
  return keys;
}

Catalog builtin_catalog() {
  Catalog c;
  AgentManifest claude;
  claude.id = "claude";
  claude.name = "Claude Code";
  claude.binary = "claude";
  // Claude Code subcommands that start no session: they take no --settings.
  claude.non_session_commands = {"mcp",         "config", "update", "doctor", "install", "migrate-installer",
                                 "setup-token", "plugin"};
  claude.non_session_flags = {"--version", "-v", "--help", "-h"};
  claude.otel = true;
  claude.source = "built-in";
  c.agents.push_back(claude);

  using T = ProviderType;
  c.providers = {
      provider("anthropic", "Anthropic API (your own key)", T::anthropic, "", "ANTHROPIC_API_KEY", KeyVar::api_key),
      provider("self", "The agent's own login (no key injected)", T::self, "", "", KeyVar::api_key),
      provider("zai", "Z.ai GLM", T::anthropic_compatible, "https://api.z.ai/api/anthropic", "ZAI_API_KEY",
               KeyVar::auth_token, "glm-4.6", "glm-4.5-air"),
      provider("kimi", "Moonshot Kimi", T::anthropic_compatible, "https://api.moonshot.ai/anthropic",
               "MOONSHOT_API_KEY", KeyVar::auth_token, "kimi-k2-turbo-preview"),
      provider("minimax", "MiniMax", T::anthropic_compatible, "https://api.minimax.io/anthropic", "MINIMAX_API_KEY",
               KeyVar::auth_token, "MiniMax-M2"),
      provider("deepseek", "DeepSeek", T::anthropic_compatible, "https://api.deepseek.com/anthropic",
               "DEEPSEEK_API_KEY", KeyVar::auth_token, "deepseek-chat"),
      provider("openrouter", "OpenRouter", T::anthropic_compatible, "https://openrouter.ai/api", "OPENROUTER_API_KEY",
               KeyVar::auth_token),
      provider("qwen", "Alibaba Qwen (DashScope)", T::anthropic_compatible,
               "https://dashscope-intl.aliyuncs.com/apps/anthropic", "DASHSCOPE_API_KEY", KeyVar::auth_token,
               "qwen3-coder-plus"),
      provider("custom", "Any Anthropic-compatible endpoint (--endpoint)", T::anthropic_compatible, "", "",
               KeyVar::auth_token),
  };
  c.providers.back().requires_endpoint = true;
  return c;
}

Catalog load_catalog(const Paths& paths) {
  Catalog c = builtin_catalog();
  load_providers(paths, c);
  load_agents(paths, c);
  return c;
}

}  // namespace clown::profiles
