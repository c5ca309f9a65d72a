#pragma once
// Creating and changing profiles: the rules `clown profiles create|set`
// apply (the CLI only parses arguments and prints the result).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "profiles/catalog.hpp"
#include "profiles/profile.hpp"

namespace clown::profiles {

// A POSIX-style environment variable name: [A-Za-z_][A-Za-z0-9_]*.
bool valid_env_name(std::string_view name);

// "KEY=VALUE" -> {KEY, VALUE}; `what` names the option in the error.
Expected<std::pair<std::string, std::string>> split_assignment(const std::string& text, std::string_view what);

// Sets one field from `profiles set` text: a key of profile_fields(), or
// env.NAME (an empty value removes the variable; other empty values clear).
Expected<void> set_profile_field(Profile& profile, std::string_view key, const std::string& value);
// "provider, model, ..., env.NAME" for help and errors.
std::string settable_field_names();

// Checks that the profile's agent and provider exist and fit together, and
// that its endpoint and variable names are well-formed.
Expected<void> validate_profile(const Catalog& catalog, const Profile& profile);

struct NewProfile {
  Profile profile;                     // alias, agent, provider, ... (created_at is set here)
  std::vector<std::string> env;        // KEY=VALUE
  std::optional<std::string> api_key;  // stored in credentials/ when given
  bool replace = false;                // --force: replace an existing profile
};
Expected<Profile> create_profile(const Paths& paths, NewProfile request);

// Applies KEY=VALUE assignments to a stored profile and saves it; a given
// api_key replaces the stored one (credentials/<alias>).
Expected<Profile> update_profile(const Paths& paths, const std::string& alias,
                                 const std::vector<std::string>& assignments,
                                 const std::optional<std::string>& api_key = std::nullopt);

// `profiles rename`: the profile file, its stored key and its isolated home
// move to the new alias. Usage already recorded keeps the old name.
Expected<Profile> rename_profile(const Paths& paths, const std::string& from, const std::string& to);

// `profiles copy`: a new profile with the same fields and stored key (a new
// created_at); an isolated copy starts with a fresh home of its own.
Expected<Profile> copy_profile(const Paths& paths, const std::string& from, const std::string& to);

}  // namespace clown::profiles
