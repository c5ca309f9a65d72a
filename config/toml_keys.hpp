#pragma once
// Keys of a TOML file that clown does not read: a typo such as `modle` or
// `isloate` would otherwise be ignored in silence. Loaders return a warning
// per unknown key naming file, line and key; `clown doctor` lists them.
#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <vector>

namespace clown::config {

struct UnknownKey {
  std::string name;  // dotted: "daemon.prot"
  int64_t line = 0;
};

// The keys of `table` not in `known` (dotted names; a known key that is a
// table, like a profile's [env], is known as a whole).
std::vector<UnknownKey> unknown_keys(const toml::table& table, const std::vector<std::string>& known);

// "<file>:<line>: unknown key 'modle' (ignored); did you mean 'model'?"
std::string unknown_key_warning(const std::string& file, const UnknownKey& key, const std::vector<std::string>& known);

}  // namespace clown::config
