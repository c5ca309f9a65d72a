#include "config/toml_keys.hpp"

#include <algorithm>

#include "common/suggest.hpp"

namespace clown::config {

namespace {

bool known_prefix(const std::vector<std::string>& known, const std::string& prefix) {
  return std::any_of(known.begin(), known.end(), [&](const std::string& k) { return k.rfind(prefix + ".", 0) == 0; });
}

void collect(const toml::table& table, const std::string& prefix, const std::vector<std::string>& known,
             std::vector<UnknownKey>& out) {
  for (const auto& [key, node] : table) {
    const std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    if (node.is_table() && known_prefix(known, name))
      collect(*node.as_table(), name, known, out);
    else
      out.push_back({name, static_cast<int64_t>(key.source().begin.line)});
  }
}

}  // namespace

std::vector<UnknownKey> unknown_keys(const toml::table& table, const std::vector<std::string>& known) {
  std::vector<UnknownKey> out;
  collect(table, "", known, out);
  // In file order (a table iterates its keys sorted).
  std::stable_sort(out.begin(), out.end(), [](const UnknownKey& a, const UnknownKey& b) { return a.line < b.line; });
  return out;
}

std::string unknown_key_warning(const std::string& file, const UnknownKey& key, const std::vector<std::string>& known) {
  const std::string hint = did_you_mean(key.name, known);
  return file + ":" + std::to_string(key.line) + ": unknown key '" + key.name + "' (ignored)" + hint;
}

}  // namespace clown::config
