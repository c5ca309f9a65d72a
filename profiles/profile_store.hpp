#pragma once
// Profiles on disk: one TOML file per profile under $CLOWN_HOME/profiles/,
// secrets under credentials/ (0600). See profiles/profile.hpp.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "profiles/profile.hpp"

namespace clown::profiles {

// Aliases are [A-Za-z0-9._-]{1,64} and not "." or "..".
Expected<void> validate_alias(const std::string& alias);

Expected<Profile> load_profile(const Paths& paths, const std::string& alias);
// A profile from its TOML text (`file` names it in errors), as load_profile
// reads profiles/<alias>.toml, without the secret [env] values of credentials/.
Expected<Profile> parse_profile(std::string_view text, const std::string& file, const std::string& alias);
// "profiles: a, b" or, with none, how to create one.
std::string profiles_hint(const Paths& paths);
// "unknown profile 'tyy1'; did you mean 'tty1'?", else the known profiles, else how to create one.
std::string unknown_profile_message(const Paths& paths, const std::string& alias);
Expected<void> save_profile(const Paths& paths, const Profile& profile);
Expected<void> delete_profile(const Paths& paths, const std::string& alias);

struct ProfileListing {
  std::vector<Profile> profiles;    // valid ones, sorted by alias
  std::vector<std::string> broken;  // "<file>:<line>:<col>: <reason>" for unreadable files
};
ProfileListing list_profiles(const Paths& paths);
std::vector<std::string> profile_aliases(const Paths& paths);

// Stores an API key for the profile (credentials/<alias>, file 0600, dir 0700).
Expected<void> store_credential(const Paths& paths, const std::string& alias, const std::string& key);
Expected<std::string> load_credential(const Paths& paths, const std::string& alias);
bool has_credential(const Paths& paths, const std::string& alias);

// True for env names that usually hold secrets (…KEY, …TOKEN, …SECRET, …);
// their values are masked wherever a profile is shown.
bool looks_secret(const std::string& env_name);

// Where the profile's key comes from ("stored (credentials/<alias>)", "env $VAR",
// "none"); never the key.
std::string key_source(const Paths& paths, const Profile& profile);
// The profile's extra environment with secret-looking values masked.
std::map<std::string, std::string> public_env(const Profile& profile);

// Public view of a profile: never contains a key (only where the key comes from).
nlohmann::json to_public_json(const Paths& paths, const Profile& profile);

}  // namespace clown::profiles
