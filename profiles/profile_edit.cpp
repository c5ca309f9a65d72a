#include "profiles/profile_edit.hpp"

#include <cctype>
#include <system_error>

#include "common/time.hpp"
#include "profiles/profile_store.hpp"

namespace clown::profiles {

namespace {

Expected<void> check_endpoint(const std::string& endpoint) {
  if (endpoint.empty() || endpoint.rfind("http://", 0) == 0 || endpoint.rfind("https://", 0) == 0) return {};
  return fail("endpoint must start with http:// or https:// (got '" + endpoint + "')", k_exit_usage);
}

}  // namespace

bool valid_env_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

Expected<std::pair<std::string, std::string>> split_assignment(const std::string& text, std::string_view what) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return fail("expected " + std::string(what) + " as KEY=VALUE, got '" + text + "'", k_exit_usage);
  return std::pair{text.substr(0, eq), text.substr(eq + 1)};
}

std::string settable_field_names() {
  std::string out;
  for (const auto& f : profile_fields())
    if (f.settable) out += (out.empty() ? "" : ", ") + std::string(f.key);
  return out + ", env.NAME";
}

Expected<void> set_profile_field(Profile& p, std::string_view key, const std::string& value) {
  if (key.rfind("env.", 0) == 0 && valid_env_name(key.substr(4))) {
    const std::string name(key.substr(4));
    if (value.empty())
      p.env.erase(name);
    else
      p.env[name] = value;
    return {};
  }
  const auto* field = find_profile_field(key);
  if (!field || !field->settable)
    return fail("unknown field '" + std::string(key) + "' (use " + settable_field_names() + ")", k_exit_usage);
  if (field->text) {
    p.*(field->text) = value;
    return {};
  }
  if (value != "true" && value != "false") return fail(std::string(field->key) + " takes true or false", k_exit_usage);
  p.*(field->flag) = value == "true";
  return {};
}

Expected<void> validate_profile(const Catalog& catalog, const Profile& p) {
  if (!catalog.find_agent(p.agent)) return fail(catalog.unknown_agent_message(p.agent), k_exit_usage);
  const auto* provider = catalog.find_provider(p.provider);
  if (!provider) return fail(catalog.unknown_provider_message(p.provider), k_exit_usage);
  if (provider->requires_endpoint && p.endpoint.empty())
    return fail("provider '" + p.provider + "' needs --endpoint URL (any Anthropic-compatible server)", k_exit_usage);
  if (provider->requires_model && p.model.empty() && provider->default_model.empty())
    return fail("provider '" + p.provider +
                    "' serves only its own models and has no default clown can price: name one with --model "
                    "(its price: clown pricing show MODEL; unknown models are reported as unpriced, never $0)",
                k_exit_usage);
  TRY(check_endpoint(p.endpoint));
  if (!budget_gate_from(p.budget_gate))
    return fail("budget_gate takes warn, block or off, not '" + p.budget_gate + "'", k_exit_usage);
  if (!p.api_key_env.empty() && !valid_env_name(p.api_key_env))
    return fail("--api-key-env takes a variable name like MY_API_KEY, not '" + p.api_key_env + "'", k_exit_usage);
  return {};
}

Expected<Profile> create_profile(const Paths& paths, NewProfile request) {
  Profile& p = request.profile;
  TRY(validate_alias(p.alias));
  for (const auto& kv : request.env) {
    TRY_ASSIGN(auto assignment, split_assignment(kv, "--env"));
    if (!valid_env_name(assignment.first))
      return fail("--env: invalid variable name '" + assignment.first + "'", k_exit_usage);
    p.env[assignment.first] = assignment.second;
  }
  TRY(validate_profile(load_catalog(paths), p));
  std::error_code ec;
  if (!request.replace && std::filesystem::exists(paths.profile_file(p.alias), ec))
    return fail("profile '" + p.alias + "' already exists (change it with: clown profiles set " + p.alias +
                    " key=value, or add --force to replace it)",
                k_exit_usage);
  p.created_at = format_iso8601_ms(now_ms());
  if (request.api_key) TRY(store_credential(paths, p.alias, *request.api_key));
  TRY(save_profile(paths, p));
  return p;
}

Expected<Profile> update_profile(const Paths& paths, const std::string& alias,
                                 const std::vector<std::string>& assignments,
                                 const std::optional<std::string>& api_key) {
  TRY_ASSIGN(auto p, load_profile(paths, alias));
  if (assignments.empty() && !api_key)
    return fail("nothing to change: give key=value (" + settable_field_names() + ") or --api-key-stdin", k_exit_usage);
  for (const auto& a : assignments) {
    TRY_ASSIGN(auto kv, split_assignment(a, "an assignment"));
    TRY(set_profile_field(p, kv.first, kv.second));
  }
  TRY(validate_profile(load_catalog(paths), p));
  if (api_key) TRY(store_credential(paths, alias, *api_key));
  TRY(save_profile(paths, p));
  return p;
}

namespace {

// The target alias is valid and free: no profile file and no home left behind.
Expected<void> check_new_alias(const Paths& paths, const std::string& to) {
  TRY(validate_alias(to));
  std::error_code ec;
  if (std::filesystem::exists(paths.profile_file(to), ec))
    return fail("profile '" + to + "' already exists (delete it first: clown profiles delete " + to + ")",
                k_exit_usage);
  if (std::filesystem::exists(paths.home_for(to), ec))
    return fail("an isolated home for '" + to + "' is left at " + paths.home_for(to).string() + "; move it away first",
                k_exit_usage);
  return {};
}

Expected<void> move_path(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code ec;
  if (!std::filesystem::exists(from, ec)) return {};
  std::filesystem::rename(from, to, ec);
  if (ec) return fail("cannot move " + from.string() + " to " + to.string() + ": " + ec.message());
  return {};
}

}  // namespace

Expected<Profile> rename_profile(const Paths& paths, const std::string& from, const std::string& to) {
  TRY_ASSIGN(auto p, load_profile(paths, from));
  TRY(check_new_alias(paths, to));
  p.alias = to;
  TRY(save_profile(paths, p));
  if (has_credential(paths, from)) TRY(move_path(paths.credential_file(from), paths.credential_file(to)));
  TRY(move_path(paths.home_for(from), paths.home_for(to)));
  std::error_code ec;
  std::filesystem::remove(paths.profile_file(from), ec);
  if (ec) return fail("cannot remove " + paths.profile_file(from).string() + ": " + ec.message());
  // save_profile wrote the secret [env] values under the new name.
  std::filesystem::remove(paths.credentials_dir() / (from + "+env"), ec);
  return p;
}

Expected<Profile> copy_profile(const Paths& paths, const std::string& from, const std::string& to) {
  TRY_ASSIGN(auto p, load_profile(paths, from));
  TRY(check_new_alias(paths, to));
  p.alias = to;
  p.created_at = format_iso8601_ms(now_ms());
  if (has_credential(paths, from)) {
    TRY_ASSIGN(const auto key, load_credential(paths, from));
    TRY(store_credential(paths, to, key));
  }
  TRY(save_profile(paths, p));
  return p;
}

}  // namespace clown::profiles
