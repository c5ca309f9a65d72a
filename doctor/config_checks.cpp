// config.toml, profiles/*.toml, providers.d/*.toml and agents.d/*.toml: each
// parses, and keys clown does not read are named (a typo such as `isloate`
// would otherwise be ignored in silence).
#include <toml++/toml.h>

#include <algorithm>

#include "config/config.hpp"
#include "config/toml_keys.hpp"
#include "doctor/checks.hpp"
#include "profiles/catalog.hpp"
#include "profiles/profile_store.hpp"

namespace clown::doctor {

namespace {

namespace fs = std::filesystem;

// One check per file: parse error (fail), unknown keys (warn), else ok.
void lint_file(const fs::path& file, const std::vector<std::string>& known, const std::string& subject,
               std::vector<Check>& out, int& ok_count) {
  try {
    const auto table = toml::parse_file(file.string());
    const auto unknown = config::unknown_keys(table, known);
    if (unknown.empty()) {
      ++ok_count;
      return;
    }
    std::string list;
    for (const auto& k : unknown) list += (list.empty() ? "" : ", ") + k.name;
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
