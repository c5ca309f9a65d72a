// config.toml, profiles/*.toml, providers.d/*.toml and agents.d/*.toml: each
// parses, and keys clown does not read are named (a typo such as `isloate`
// would otherwise be ignored in silence).
#include <toml++/toml.h>

#include <algorithm>

#include "config/config.hpp"
#include "doctor/checks.hpp"
#include "profiles/catalog.hpp"
#include "profiles/profile_store.hpp"

namespace clown::doctor {

namespace {

namespace fs = std::filesystem;

bool known_prefix(const std::vector<std::string>& known, const std::string& prefix) {
  return std::any_of(known.begin(), known.end(), [&](const std::string& k) { return k.rfind(prefix + ".", 0) == 0; });
}

// Dotted names of the keys in `table` that are not in `known` (a known key
// that is a table, like a profile's [env], is known as a whole).
void unknown_keys(const toml::table& table, const std::string& prefix, const std::vector<std::string>& known,
                  std::vector<std::string>& out) {
  for (const auto& [key, node] : table) {
    const std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    if (node.is_table() && known_prefix(known, name))
      unknown_keys(*node.as_table(), name, known, out);
    else
      out.push_back(name);
  }
}

// One check per file: parse error (fail), unknown keys (warn), else ok.
void lint_file(const fs::path& file, const std::vector<std::string>& known, const std::string& subject,
               std::vector<Check>& out, int& ok_count) {
  try {
    const auto table = toml::parse_file(file.string());
    std::vector<std::string> unknown;
    unknown_keys(table, "", known, unknown);
    if (unknown.empty()) {
      ++ok_count;
      return;
    }
    std::string list;
    for (const auto& k : unknown) list += (list.empty() ? "" : ", ") + k;
    std::string known_list;
    for (const auto& k : known) known_list += (known_list.empty() ? "" : ", ") + k;
    out.push_back(bad(Status::warn, subject, file.filename().string(), "unknown keys (ignored): " + list,
                      "fix or remove them in " + file.string() + " (known: " + known_list + ")"));
  } catch (const toml::parse_error& e) {
    out.push_back(bad(Status::fail, subject, file.filename().string(),
                      file.string() + ":" + std::to_string(e.source().begin.line) + ":" +
                          std::to_string(e.source().begin.column) + ": " + std::string(e.description()),
                      "fix the TOML syntax there"));
  }
}

std::vector<fs::path> toml_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".toml") files.push_back(it->path());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> profile_keys() {
  std::vector<std::string> keys;
  for (const auto& f : profiles::profile_fields()) keys.emplace_back(f.key);
  keys.emplace_back("env");
  return keys;
}

}  // namespace

void check_config_files(const Paths& paths, std::vector<Check>& out) {
  int ok_count = 0;
  std::error_code ec;
  if (fs::exists(paths.config_file(), ec))
    lint_file(paths.config_file(), config::config_file_keys(), "config", out, ok_count);
  const auto keys = profile_keys();
  for (const auto& file : toml_files(paths.profiles_dir())) lint_file(file, keys, "config", out, ok_count);
  for (const auto& file : toml_files(paths.providers_dir()))
    lint_file(file, profiles::provider_file_keys(), "config", out, ok_count);
  for (const auto& file : toml_files(paths.agents_dir()))
    lint_file(file, profiles::agent_file_keys(), "config", out, ok_count);
  out.push_back(ok("config", "files",
                   std::to_string(ok_count) + " file" + (ok_count == 1 ? "" : "s") + " under " + paths.root.string() +
                       " parse with known keys only"));
}

}  // namespace clown::doctor
