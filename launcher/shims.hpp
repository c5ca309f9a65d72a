#pragma once
// Profiles as commands (`clown shims`): a small sh script per profile, named
// after it, in ~/.local/bin or another directory, that runs
// `clown run <alias> -- "$@"` with the clown and CLOWN_HOME that wrote it
// (docs/file-formats.md#shims).
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "launcher/launch_plan.hpp"

namespace clown::launcher {

namespace fs = std::filesystem;

// ~/.local/bin ($HOME from `env`).
fs::path default_shims_dir(const EnvMap& env);

// True when `dir` is one of PATH's entries.
bool dir_on_path(const fs::path& dir, const std::string& path_var);

struct ShimOptions {
  fs::path dir;        // where the shims go (created when missing)
  fs::path clown_exe;  // what they run
  std::string path_var;
  bool force = false;  // replace a file that is not a clown shim, shadow a command on PATH
};

struct InstalledShim {
  std::string alias;
  fs::path path;
  bool replaced = false;  // a file was there before (an older shim, or with --force another file)
};

struct ShimInstall {
  std::vector<InstalledShim> shims;
  bool dir_on_path = false;  // else the shims are not found by name until it is added
};

// Writes a shim for each alias (every profile when `aliases` is empty).
// Checks every alias before writing any: an unknown profile, a name that is
// already a command on PATH or a file that is not a clown shim (without
// force), or a shim that would run itself (alias = the agent binary clown
// looks up on PATH) is an error and nothing is written.
Expected<ShimInstall> install_shims(const Paths& paths, const std::vector<std::string>& aliases,
                                    const ShimOptions& options);

struct ShimInfo {
  std::string alias;
  fs::path path;
  bool profile_exists = false;  // false: the profile was deleted or renamed
};
void to_json(nlohmann::json& j, const ShimInfo& shim);

// The clown shims in `dir` for profiles of this CLOWN_HOME, sorted by alias.
std::vector<ShimInfo> list_shims(const Paths& paths, const fs::path& dir);

// Removes the named shims (every clown shim of this CLOWN_HOME in `dir` when
// `aliases` is empty); a name without a clown shim is an error and nothing is
// removed. Returns the removed paths.
Expected<std::vector<fs::path>> remove_shims(const Paths& paths, const fs::path& dir,
                                             const std::vector<std::string>& aliases);

}  // namespace clown::launcher
