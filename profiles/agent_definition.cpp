#include "profiles/agent_definition.hpp"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "profiles/agent_template.hpp"

namespace clown::profiles {

namespace {

constexpr std::array<ProviderApi, 4> k_apis = {ProviderApi::anthropic, ProviderApi::openai_responses,
                                               ProviderApi::openai_chat, ProviderApi::gemini};

constexpr std::array<std::string_view, 25> k_placeholders = {"home",
                                                             "run_id",
                                                             "run_dir",
                                                             "clown",
                                                             "cwd",
                                                             "endpoint",
                                                             "key",
                                                             "api_key",
                                                             "auth_token",
                                                             "model",
                                                             "small_model",
                                                             "compatible_model",
                                                             "compatible_small_model",
                                                             "provider",
                                                             "provider_name",
                                                             "api",
                                                             "hook_session_start",
                                                             "hook_session_end",
                                                             "hook_subagent_start",
                                                             "hook_stop",
                                                             "new_session_id",
                                                             "telemetry_file",
                                                             "session_file",
                                                             "env_json",
                                                             "statusline_command"};

std::vector<std::string> strings(const toml::node_view<const toml::node>& node) {
  std::vector<std::string> out;
  if (auto* arr = node.as_array())
    for (const auto& el : *arr)
      if (auto s = el.value<std::string>()) out.push_back(*s);
  return out;
}

std::vector<EnvEntry> read_env(const toml::table* t) {
  std::vector<EnvEntry> out;
  if (!t) return out;
  for (const auto& [name, value] : *t) {
    EnvEntry e{std::string(name.str()), {}};
    if (auto s = value.value<std::string>())
      e.candidates.push_back(*s);
    else if (auto* arr = value.as_array())
      for (const auto& el : *arr)
        if (auto c = el.value<std::string>()) e.candidates.push_back(*c);
    out.push_back(std::move(e));
  }
  return out;
}

// args = ["--flag", ["-c", "k=v"]]: a string is a group of one.
std::vector<std::vector<std::string>> read_args(const toml::node_view<const toml::node>& node) {
  std::vector<std::vector<std::string>> out;
  if (auto* arr = node.as_array()) {
    for (const auto& el : *arr) {
      if (auto s = el.value<std::string>())
        out.push_back({*s});
      else if (auto* group = el.as_array())
        out.push_back(strings(toml::node_view<const toml::node>(group)));
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> read_values(const toml::table* t) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!t) return out;
  for (const auto& [name, value] : *t)
    if (auto s = value.value<std::string>()) out.emplace_back(std::string(name.str()), *s);
  return out;
}

// A section's env / args / values, each replacing the base's only when given.
void read_injection(const toml::table* t, Injection& into) {
  if (!t) return;
  if (t->contains("env")) into.env = read_env((*t)["env"].as_table());
  if (t->contains("args")) into.args = read_args((*t)["args"]);
  if (t->contains("values")) into.values = read_values((*t)["values"].as_table());
}

void read_apis(const toml::table& t, AgentDefinition& a, std::vector<std::string>& warnings) {
  const auto* sections = t["api"].as_table();
  if (!t.contains("apis") && !sections) return;
  std::vector<std::string> names = strings(t["apis"]);
  if (!t.contains("apis"))
    for (const auto& [name, _] : *sections) names.emplace_back(name.str());
  std::vector<std::pair<ProviderApi, Injection>> apis;
  for (const auto& name : names) {
    auto api = provider_api_from(name);
    if (!api) {
      warnings.push_back("unknown API '" + name + "' (use anthropic, openai-responses, openai-chat or gemini)");
      continue;
    }
    Injection injection;
    if (const auto* base = a.injection_for(*api)) injection = *base;
    read_injection(sections ? (*sections)[name].as_table() : nullptr, injection);
    apis.emplace_back(*api, std::move(injection));
  }
  a.apis = std::move(apis);
}

void read_isolation(const toml::table* t, AgentDefinition& a) {
  if (!t) return;
  read_injection(t, a.isolation);
  if (auto* files = (*t)["json_files"].as_array()) {
    a.home_files.clear();
    for (const auto& el : *files)
      if (auto* f = el.as_table())
        a.home_files.push_back({(*f)["path"].value_or(std::string()), strings((*f)["merge"])});
  }
}

void read_usage(const toml::table* t, AgentUsage& u) {
  if (!t) return;
  u.reader = (*t)["reader"].value_or(u.reader);
  if (t->contains("dirs")) u.dirs = strings((*t)["dirs"]);
  u.isolated_dir = (*t)["isolated_dir"].value_or(u.isolated_dir);
  u.telemetry_file = (*t)["telemetry_file"].value_or(u.telemetry_file);
}

void replace_list(const toml::table& t, const char* key, std::vector<std::string>& into) {
  if (t.contains(key)) into = strings(t[key]);
}

// agents.d files written before agent definitions had templates: a Claude
// Code variant with its own settings flag and config-dir variable.
void read_legacy_keys(const toml::table& t, AgentDefinition& a) {
  if (auto flag = t["settings_flag"].value<std::string>()) a.session.args = {{*flag, "{session_file}"}};
  if (auto var = t["config_dir_env"].value<std::string>()) {
    a.isolation.env = {{*var, {"{home}"}}};
    a.usage.dirs = {"$" + *var};
  }
}

void check_placeholders(const AgentDefinition& a, std::vector<std::string>& warnings) {
  std::vector<std::string> known(k_placeholders.begin(), k_placeholders.end());
  auto add_values = [&](const auto& values) {
    for (const auto& [name, _] : values) known.push_back(name);
  };
  add_values(a.values);
  for (const auto* part : {&a.launch, &a.isolation, &a.session}) add_values(part->values);
  for (const auto& [_, inj] : a.apis) add_values(inj.values);
  auto check = [&](const std::string& text) {
    for (const auto& name : placeholders_of(text))
      if (std::find(known.begin(), known.end(), name) == known.end())
        warnings.push_back("unknown placeholder {" + name + "} in \"" + text.substr(0, 80) + "\"");
  };
  auto check_injection = [&](const Injection& inj) {
    for (const auto& e : inj.env)
      for (const auto& c : e.candidates) check(c);
    for (const auto& g : inj.args)
      for (const auto& arg : g) check(arg);
    for (const auto& [_, v] : inj.values) check(v);
  };
  for (const auto* part : {&a.launch, &a.isolation, &a.session}) check_injection(*part);
  for (const auto& [_, inj] : a.apis) check_injection(inj);
  for (const auto& [_, v] : a.values) check(v);
  for (const auto& f : a.home_files)
    for (const auto& m : f.merge) check(m);
  check(a.session_file_content);
  check(a.session_statusline);
}

}  // namespace

std::string_view to_string(ProviderApi api) {
  switch (api) {
    case ProviderApi::anthropic: return "anthropic";
    case ProviderApi::openai_responses: return "openai-responses";
    case ProviderApi::openai_chat: return "openai-chat";
    case ProviderApi::gemini: return "gemini";
  }
  return "anthropic";
}

std::optional<ProviderApi> provider_api_from(std::string_view name) {
  for (auto api : k_apis)
    if (to_string(api) == name) return api;
  return std::nullopt;
}

std::span<const ProviderApi> provider_apis() { return k_apis; }
std::span<const std::string_view> builtin_placeholders() { return k_placeholders; }

const Injection* AgentDefinition::injection_for(ProviderApi api) const {
  for (const auto& [a, inj] : apis)
    if (a == api) return &inj;
  return nullptr;
}

std::vector<ProviderApi> AgentDefinition::api_list() const {
  std::vector<ProviderApi> out;
  for (const auto& [api, _] : apis) out.push_back(api);
  return out;
}

AgentRead read_agent_definition(const toml::table& t, const std::string& default_id,
                                const std::vector<AgentDefinition>& known) {
  AgentRead read;
  AgentDefinition a;
  std::string extends = t["extends"].value_or(std::string());
  const bool legacy = extends.empty() && !t.contains("api") && !t.contains("apis") &&
                      (t.contains("settings_flag") || t.contains("config_dir_env"));
  if (legacy) extends = "claude";
  if (!extends.empty()) {
    auto base = std::find_if(known.begin(), known.end(), [&](const auto& k) { return k.id == extends; });
    if (base == known.end()) {
      read.warnings.push_back("extends unknown agent '" + extends + "'");
      return read;
    }
    a = *base;
  }
  a.id = t["id"].value_or(default_id);
  const bool inherit_names = !extends.empty() && !legacy;
  a.name = t["name"].value_or(inherit_names ? a.name : a.id);
  a.binary = t["binary"].value_or(inherit_names ? a.binary : a.id);
  read_apis(t, a, read.warnings);
  if (t.contains("env")) a.launch.env = read_env(t["env"].as_table());
  if (t.contains("args")) a.launch.args = read_args(t["args"]);
  if (t.contains("values")) a.values = read_values(t["values"].as_table());
  read_isolation(t["isolation"].as_table(), a);
  if (const auto* s = t["session"].as_table()) {
    read_injection(s, a.session);
    a.session_file = (*s)["file"].value_or(a.session_file);
    a.session_file_content = (*s)["file_content"].value_or(a.session_file_content);
    a.session_statusline = (*s)["statusline"].value_or(a.session_statusline);
  }
  replace_list(t, "strip_env", a.strip_env);
  replace_list(t, "non_session_commands", a.non_session_commands);
  replace_list(t, "non_session_flags", a.non_session_flags);
  replace_list(t, "resume_flags", a.resume_flags);
  read_usage(t["usage"].as_table(), a.usage);
  a.otel = t["otel"].value_or(a.otel);
  read_legacy_keys(t, a);
  const auto& reader = a.usage.reader;
  if (!reader.empty() && reader != "claude" && reader != "codex" && reader != "gemini" && reader != "opencode") {
    read.warnings.push_back("unknown usage reader '" + reader + "' (use claude, codex, gemini or opencode)");
    a.usage.reader.clear();
  }
  check_placeholders(a, read.warnings);
  read.agent = std::move(a);
  return read;
}

void to_json(nlohmann::json& j, const AgentDefinition& a) {
  nlohmann::json apis = nlohmann::json::array();
  for (const auto& [api, _] : a.apis) apis.push_back(to_string(api));
  j = {{"id", a.id},        {"name", a.name}, {"binary", a.binary}, {"apis", apis}, {"usage_reader", a.usage.reader},
       {"source", a.source}};
}

}  // namespace clown::profiles
