#include "profiles/profile_store.hpp"

#include <sys/stat.h>

#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <system_error>

#include "common/file_io.hpp"
#include "common/suggest.hpp"
#include "config/toml_keys.hpp"

namespace clown::profiles {

namespace {

std::string toml_location(const std::filesystem::path& file, const toml::parse_error& e) {
  return file.string() + ":" + std::to_string(e.source().begin.line) + ":" + std::to_string(e.source().begin.column) +
         ": " + std::string(e.description());
}

Expected<Profile> profile_from_table(const std::filesystem::path& file, const std::string& alias,
                                     const toml::table& t) {
  Profile p;
  p.alias = alias;
  // Wrong types are errors naming file:line and the key, not silent defaults.
  auto where = [&](const toml::node& node) {
    return file.string() + ":" + std::to_string(node.source().begin.line) + ": '";
  };
  for (const auto& field : profile_fields()) {
    const toml::node* node = t.get(field.key);
    if (!node) continue;
    if (field.text) {
      auto v = node->value<std::string>();
      if (!node->is_string() || !v) return fail(where(*node) + std::string(field.key) + "' must be a string");
      p.*(field.text) = *v;
    } else {
      auto v = node->value<bool>();
      if (!node->is_boolean() || !v) return fail(where(*node) + std::string(field.key) + "' must be true or false");
      p.*(field.flag) = *v;
    }
  }
  std::vector<std::string> known{"env"};
  for (const auto& field : profile_fields()) known.emplace_back(field.key);
  for (const auto& key : config::unknown_keys(t, known))
    p.load_warnings.push_back(config::unknown_key_warning(file.string(), key, known));
  if (auto node = t["env"]) {
    auto* env = node.as_table();
    if (!env) return fail(file.string() + ": '[env]' must be a table of strings");
    for (const auto& [k, v] : *env) {
      auto s = v.value<std::string>();
      if (!s) return fail(file.string() + ": env." + std::string(k.str()) + " must be a string");
      p.env[std::string(k.str())] = *s;
    }
  }
  if (p.provider.empty()) return fail(file.string() + ": missing 'provider'");
  return p;
}

// Secret-looking [env] values live beside the key, not in the 0644 profile
// file: credentials/<alias>+env ('+' is not allowed in aliases, so it never
// names another profile's key file).
std::filesystem::path secret_env_file(const Paths& paths, const std::string& alias) {
  return paths.credentials_dir() / (alias + "+env");
}

// A file holding secrets is refused when group or others may read it, as ssh
// refuses a private key (docs/security.md#secrets).
Expected<std::string> read_secret_file(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0 && S_ISREG(st.st_mode)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return fail(std::string("permissions ") + mode + " for " + file.string() +
                " are too open: it holds a secret and must be readable by you only; run: chmod 600 " + file.string());
  }
  return read_file(file);
}

Expected<void> save_secret_env(const Paths& paths, const std::string& alias, const toml::table& env) {
  const auto file = secret_env_file(paths, alias);
  std::error_code ec;
  if (env.empty()) {
    std::filesystem::remove(file, ec);
    return {};
  }
  TRY(ensure_dir(paths.credentials_dir(), 0700));
  ::chmod(paths.credentials_dir().c_str(), 0700);
  std::ostringstream out;
  out << "# clown profile '" << alias << "': its secret [env] values\n" << env << "\n";
  return write_file_atomic(file, out.str(), 0600);
}

// Adds credentials/<alias>+env to the profile's [env]; an unreadable or too
// open file is an error, never a run without the values.
Expected<void> load_secret_env(const Paths& paths, Profile& p) {
  const auto file = secret_env_file(paths, p.alias);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return {};
  TRY_ASSIGN(const auto text, read_secret_file(file));
  try {
    toml::table t = toml::parse(text, file.string());
    for (const auto& [k, v] : t) {
      auto s = v.value<std::string>();
      if (!s) return fail(file.string() + ": " + std::string(k.str()) + " must be a string");
      p.env[std::string(k.str())] = *s;
    }
  } catch (const toml::parse_error& e) {
    return fail(toml_location(file, e));
  }
  return {};
}

}  // namespace

std::span<const ProfileField> profile_fields() {
  static const ProfileField k_fields[] = {
      {"agent", &Profile::agent},
      {"provider", &Profile::provider},
      {"model", &Profile::model},
      {"endpoint", &Profile::endpoint},
      {"api_key_env", &Profile::api_key_env},
      {"isolate", nullptr, &Profile::isolate},
      {"agent_bin", &Profile::agent_bin},
      {"telemetry", nullptr, &Profile::telemetry},
      {"auto_update", nullptr, &Profile::auto_update, true, true},
      {"statusline", nullptr, &Profile::statusline, true, true},
      {"budget_gate", &Profile::budget_gate},
      {"created_at", &Profile::created_at, nullptr, false},
  };
  return k_fields;
}

std::optional<BudgetGate> budget_gate_from(std::string_view text) {
  if (text.empty() || text == "block") return BudgetGate::block;
  if (text == "warn") return BudgetGate::warn;
  if (text == "off") return BudgetGate::off;
  return std::nullopt;
}

const ProfileField* find_profile_field(std::string_view key) {
  for (const auto& f : profile_fields())
    if (f.key == key) return &f;
  return nullptr;
}

bool looks_secret(const std::string& env_name) {
  std::string upper;
  for (char c : env_name) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  for (const char* word : {"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH"})
    if (upper.find(word) != std::string::npos) return true;
  return false;
}

Expected<void> validate_alias(const std::string& alias) {
  const bool ok = !alias.empty() && alias.size() <= 64 && alias != "." && alias != ".." &&
                  std::all_of(alias.begin(), alias.end(), [](char c) {
                    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                           c == '_' || c == '-';
                  });
  if (ok) return {};
  return fail("invalid profile name '" + alias + "': use 1-64 characters from A-Z a-z 0-9 . _ - (e.g. work-claude)",
              k_exit_usage);
}

std::string profiles_hint(const Paths& paths) {
  const auto known = profile_aliases(paths);
  if (known.empty()) return "no profiles yet — create one with: clown profiles create work-claude --provider anthropic";
  std::string list;
  for (const auto& a : known) list += (list.empty() ? "" : ", ") + a;
  return "profiles: " + list;
}

std::string unknown_profile_message(const Paths& paths, const std::string& alias) {
  const auto known = profile_aliases(paths);
  if (known.empty())
    return "unknown profile '" + alias + "'; no profiles yet — create one with: clown profiles create " + alias +
           " --provider anthropic";
  if (auto hint = did_you_mean(alias, known); !hint.empty()) return "unknown profile '" + alias + "'" + hint;
  std::string list;
  for (const auto& a : known) list += (list.empty() ? "" : ", ") + a;
  return "unknown profile '" + alias + "'; known profiles: " + list;
}

Expected<Profile> load_profile(const Paths& paths, const std::string& alias) {
  if (auto v = validate_alias(alias); !v) return tl::unexpected(v.error());
  const auto file = paths.profile_file(alias);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return fail(unknown_profile_message(paths, alias), k_exit_usage);
  }
  try {
    toml::table t = toml::parse_file(file.string());
    TRY_ASSIGN(auto profile, profile_from_table(file, alias, t));
    TRY(load_secret_env(paths, profile));
    return profile;
  } catch (const toml::parse_error& e) {
    return fail(toml_location(file, e));
  }
}

Expected<Profile> parse_profile(std::string_view text, const std::string& file, const std::string& alias) {
  try {
    return profile_from_table(file, alias, toml::parse(text, file));
  } catch (const toml::parse_error& e) {
    return fail(toml_location(file, e));
  }
}

Expected<void> save_profile(const Paths& paths, const Profile& p) {
  if (auto v = validate_alias(p.alias); !v) return v;
  TRY(ensure_dir(paths.profiles_dir(), 0755));
  toml::table t;
  for (const auto& field : profile_fields()) {
    if (field.flag) {
      if (!field.omit_when_default || p.*(field.flag) != Profile{}.*(field.flag)) t.insert(field.key, p.*(field.flag));
    } else if (!(p.*(field.text)).empty())  // a valid profile always has an agent and a provider
      t.insert(field.key, p.*(field.text));
  }
  toml::table env, secret_env;
  for (const auto& [k, v] : p.env) (looks_secret(k) ? secret_env : env).insert(k, v);
  if (!env.empty()) t.insert("env", std::move(env));
  TRY(save_secret_env(paths, p.alias, secret_env));
  std::ostringstream out;
  out << "# clown profile '" << p.alias << "' (no secrets here: keys live in credentials/ or an env var)\n"
      << t << "\n";
  return write_file_atomic(paths.profile_file(p.alias), out.str(), 0644);
}

Expected<void> delete_profile(const Paths& paths, const std::string& alias) {
  if (auto v = validate_alias(alias); !v) return v;
  std::error_code ec;
  if (!std::filesystem::exists(paths.profile_file(alias), ec)) {
    auto r = load_profile(paths, alias);  // builds the "unknown profile" message
    return tl::unexpected(r.error());
  }
  std::filesystem::remove(paths.profile_file(alias), ec);
  if (ec) return fail("cannot delete " + paths.profile_file(alias).string() + ": " + ec.message());
  std::filesystem::remove(paths.credential_file(alias), ec);
  std::filesystem::remove(secret_env_file(paths, alias), ec);
  return {};
}

std::vector<std::string> profile_aliases(const Paths& paths) {
  std::vector<std::string> out;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(paths.profiles_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".toml") continue;
    auto alias = it->path().stem().string();
    if (validate_alias(alias)) out.push_back(alias);
  }
  std::sort(out.begin(), out.end());
  return out;
}

ProfileListing list_profiles(const Paths& paths) {
  ProfileListing listing;
  for (const auto& alias : profile_aliases(paths)) {
    auto p = load_profile(paths, alias);
    if (p)
      listing.profiles.push_back(std::move(*p));
    else
      listing.broken.push_back(p.error().message);
  }
  return listing;
}

Expected<void> store_credential(const Paths& paths, const std::string& alias, const std::string& key) {
  if (auto v = validate_alias(alias); !v) return v;
  TRY(ensure_dir(paths.credentials_dir(), 0700));
  ::chmod(paths.credentials_dir().c_str(), 0700);
  return write_file_atomic(paths.credential_file(alias), key + "\n", 0600);
}

Expected<std::string> load_credential(const Paths& paths, const std::string& alias) {
  auto text = read_secret_file(paths.credential_file(alias));
  if (!text) return text;
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
  return text;
}

bool has_credential(const Paths& paths, const std::string& alias) {
  std::error_code ec;
  return std::filesystem::exists(paths.credential_file(alias), ec);
}

std::string key_source(const Paths& paths, const Profile& p) {
  if (has_credential(paths, p.alias)) return "stored (credentials/" + p.alias + ")";
  if (!p.api_key_env.empty()) return "env $" + p.api_key_env;
  return "none";
}

std::map<std::string, std::string> public_env(const Profile& p) {
  std::map<std::string, std::string> env;
  for (const auto& [k, v] : p.env) env[k] = looks_secret(k) ? std::string("********") : v;
  return env;
}

nlohmann::json to_public_json(const Paths& paths, const Profile& p) {
  const std::string key = key_source(paths, p);
  nlohmann::json env = public_env(p);
  return {{"alias", p.alias},
          {"agent", p.agent},
          {"provider", p.provider},
          {"model", p.model},
          {"endpoint", p.endpoint},
          {"api_key_env", p.api_key_env},
          {"api_key", key},
          {"isolate", p.isolate},
          {"config_dir", p.isolate ? paths.home_for(p.alias).string() : std::string()},
          {"agent_bin", p.agent_bin},
          {"auto_update", p.auto_update},
          {"env", env},
          {"created_at", p.created_at}};
}

}  // namespace clown::profiles
