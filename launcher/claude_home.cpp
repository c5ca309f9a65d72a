#include "launcher/claude_home.hpp"

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"

namespace clown::launcher {

namespace {

using nlohmann::json;

std::string env_value(const EnvMap& env, const char* name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

// A JSON object read from `file`: nullopt when the file is missing, an error
// when it is not a JSON object.
Expected<std::optional<json>> read_object(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::optional<json>();
  TRY_ASSIGN(auto text, read_file(file));
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object()) return fail(file.string() + " is not a JSON object");
  return std::optional<json>(std::move(j));
}

std::string theme_in(const fs::path& file) {
  auto j = read_object(file);
  if (!j || !*j) return "";
  auto it = (*j)->find("theme");
  return it != (*j)->end() && it->is_string() ? it->get<std::string>() : "";
}

bool is_true(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

bool in_list(const json& responses, const char* list, const std::string& tail) {
  auto it = responses.find(list);
  if (it == responses.end() || !it->is_array()) return false;
  for (const auto& v : *it)
    if (v.is_string() && v.get<std::string>() == tail) return true;
  return false;
}

// Adds what is missing to the global config; true when it changed.
bool complete_seed(json& config, const std::optional<std::string>& api_key) {
  bool changed = false;
  if (!is_true(config, "hasCompletedOnboarding")) {
    config["hasCompletedOnboarding"] = true;
    changed = true;
  }
  if (!api_key) return changed;
  const auto tail = key_tail(*api_key);
  auto& responses = config["customApiKeyResponses"];
  if (!responses.is_object()) responses = json::object();
  // The user's own answer for this key stands (No goes to `rejected`).
  if (in_list(responses, "approved", tail) || in_list(responses, "rejected", tail)) return changed;
  if (!responses["approved"].is_array()) responses["approved"] = json::array();
  if (!responses["rejected"].is_array()) responses["rejected"] = json::array();
  responses["approved"].push_back(tail);
  return true;
}

// The common case costs no JSON parse: the file already says onboarding is
// done and holds the key's tail (Claude Code writes it with two-space indent).
bool seed_looks_complete(const std::string& text, const std::optional<std::string>& api_key) {
  const bool onboarded = text.find("\"hasCompletedOnboarding\": true") != std::string::npos ||
                         text.find("\"hasCompletedOnboarding\":true") != std::string::npos;
  return onboarded && (!api_key || text.find("\"" + key_tail(*api_key) + "\"") != std::string::npos);
}

// True when it wrote the file.
Expected<bool> seed_global_config(const fs::path& file, const std::optional<std::string>& api_key,
                                  std::vector<std::string>& warnings) {
  std::error_code ec;
  if (fs::exists(file, ec)) {
    TRY_ASSIGN(const auto text, read_file(file));
    if (seed_looks_complete(text, api_key)) return false;
  }
  auto existing = read_object(file);
  if (!existing) {
    warnings.push_back(existing.error().message + "; left as it is (Claude Code may show its first-run screens)");
    return false;
  }
  json config = existing->value_or(json::object());
  if (!complete_seed(config, api_key)) return false;
  // Claude Code creates the file 0600 itself; it holds account data.
  TRY(write_file_atomic(file, config.dump(2) + "\n", 0600, Durability::atomic_only));
  return true;
}

Expected<void> seed_theme(const fs::path& settings_file, const EnvMap& user_env, std::vector<std::string>& warnings) {
  const auto theme = user_theme(user_env);
  if (theme.empty()) return {};
  auto existing = read_object(settings_file);
  if (!existing) {
    warnings.push_back(existing.error().message + "; theme not copied");
    return {};
  }
  json settings = existing->value_or(json::object());
  if (settings.contains("theme")) return {};
  settings["theme"] = theme;
  return write_file_atomic(settings_file, settings.dump(2) + "\n", 0600, Durability::atomic_only);
}

}  // namespace

fs::path claude_global_config(const std::string& config_dir, const EnvMap& env) {
  const fs::path home = env_value(env, "HOME");
  const fs::path dir = config_dir.empty() ? home / ".claude" : fs::path(config_dir);
  std::error_code ec;
  if (fs::exists(dir / ".config.json", ec)) return dir / ".config.json";
  return config_dir.empty() ? home / ".claude.json" : dir / ".claude.json";
}

std::string user_theme(const EnvMap& env) {
  const std::string config_dir = env_value(env, "CLAUDE_CONFIG_DIR");
  const fs::path dir = config_dir.empty() ? fs::path(env_value(env, "HOME")) / ".claude" : fs::path(config_dir);
  if (auto theme = theme_in(dir / "settings.json"); !theme.empty()) return theme;
  return theme_in(claude_global_config(config_dir, env));
}

std::string key_tail(const std::string& api_key) {
  return api_key.size() <= 20 ? api_key : api_key.substr(api_key.size() - 20);
}

Expected<std::vector<std::string>> seed_claude_home(const fs::path& home, const std::optional<std::string>& api_key,
                                                    const EnvMap& user_env) {
  std::vector<std::string> warnings;
  TRY_ASSIGN(const bool seeded, seed_global_config(claude_global_config(home.string(), user_env), api_key, warnings));
  // Only when seeding: reading the user's own (possibly large) config on
  // every run would cost each launch.
  if (seeded) TRY(seed_theme(home / "settings.json", user_env, warnings));
  return warnings;
}

bool folder_trusted(const fs::path& config, const fs::path& dir) {
  auto j = read_object(config);
  if (!j || !*j) return false;
  auto projects = (*j)->find("projects");
  if (projects == (*j)->end() || !projects->is_object()) return false;
  for (fs::path d = dir; !d.empty(); d = d.parent_path()) {
    auto it = projects->find(d.string());
    if (it != projects->end() && it->is_object() && is_true(*it, "hasTrustDialogAccepted")) return true;
    if (d == d.root_path()) break;
  }
  return false;
}

bool user_statusline(const fs::path& config_dir) {
  auto text = read_file(config_dir / "settings.json");
  if (!text) return false;
  const auto settings = nlohmann::json::parse(*text, nullptr, false, true);
  return settings.is_object() && settings.contains("statusLine") && !settings["statusLine"].is_null();
}

}  // namespace clown::launcher
