#include "launcher/shims.hpp"

#include <algorithm>

#include "common/file_io.hpp"
#include "launcher/spawn.hpp"
#include "profiles/catalog.hpp"
#include "profiles/profile_store.hpp"

namespace clown::launcher {

namespace {

// The second line of every shim; list and remove touch only files that have it.
constexpr std::string_view k_marker = "# clown shim: runs profile '";

std::string shim_text(const std::string& alias, const Paths& paths, const fs::path& clown_exe) {
  return "#!/bin/sh\n" + std::string(k_marker) + alias + "' (clown shims remove " + alias +
         " deletes it)\nexport CLOWN_HOME=" + shell_quote(paths.root.string()) + "\nexec " +
         shell_quote(clown_exe.string()) + " run " + shell_quote(alias) + " -- \"$@\"\n";
}

// The alias a shim file runs, when it is a clown shim of this CLOWN_HOME.
std::optional<std::string> shim_alias(const fs::path& file, const Paths& paths) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec) || fs::file_size(file, ec) > 4096) return std::nullopt;
  auto text = read_file(file);
  if (!text) return std::nullopt;
  const auto at = text->find(k_marker);
  if (at == std::string::npos) return std::nullopt;
  if (text->find("export CLOWN_HOME=" + shell_quote(paths.root.string()) + "\n") == std::string::npos)
    return std::nullopt;
  return file.filename().string();
}

// Why a shim for `alias` may not be written, if it may not.
Expected<void> check_shim(const Paths& paths, const profiles::Catalog& catalog, const std::string& alias,
                          const ShimOptions& o) {
  TRY_ASSIGN(const auto profile, profiles::load_profile(paths, alias));
  const auto* agent = catalog.find_agent(profile.agent);
  if (profile.agent_bin.empty() && agent && agent->binary == alias)
    return fail("a shim named '" + alias + "' would run itself (clown looks up '" + alias +
                    "' on PATH to start the agent); first pin the agent: clown profiles set " + alias +
                    " agent_bin=/path/to/" + alias,
                k_exit_usage);
  const fs::path target = o.dir / alias;
  std::error_code ec;
  const bool exists = fs::exists(fs::symlink_status(target, ec));
  if (exists && !shim_alias(target, paths) && !o.force)
    return fail(target.string() + " exists and is not a clown shim; --force replaces it", k_exit_usage);
  auto found = find_executable(alias, o.path_var);
  if (found && fs::path(*found).lexically_normal().parent_path() != o.dir.lexically_normal() && !o.force)
    return fail("'" + alias + "' is already a command (" + *found +
                    "); a shim would shadow it or be shadowed by it — --force writes it anyway",
                k_exit_usage);
  return {};
}

}  // namespace

fs::path default_shims_dir(const EnvMap& env) {
  auto it = env.find("HOME");
  return fs::path(it == env.end() ? "" : it->second) / ".local" / "bin";
}

bool dir_on_path(const fs::path& dir, const std::string& path_var) {
  size_t start = 0;
  while (start <= path_var.size()) {
    size_t end = path_var.find(':', start);
    if (end == std::string::npos) end = path_var.size();
    fs::path entry = path_var.substr(start, end - start);
    if (!entry.empty() && (entry == dir || entry.lexically_normal() == dir.lexically_normal())) return true;
    start = end + 1;
  }
  return false;
}

Expected<ShimInstall> install_shims(const Paths& paths, const std::vector<std::string>& aliases,
                                    const ShimOptions& options) {
  const auto names = aliases.empty() ? profiles::profile_aliases(paths) : aliases;
  if (names.empty())
    return fail(
        "no profiles to make shims for; create one with: clown profiles create work-claude --provider anthropic",
        k_exit_usage);
  const auto catalog = profiles::load_catalog(paths);
  for (const auto& alias : names) TRY(check_shim(paths, catalog, alias, options));
  TRY(ensure_dir(options.dir, 0755));
  ShimInstall result;
  result.dir_on_path = dir_on_path(options.dir, options.path_var);
  for (const auto& alias : names) {
    const fs::path target = options.dir / alias;
    std::error_code ec;
    const bool replaced = fs::exists(fs::symlink_status(target, ec));
    if (replaced) fs::remove(target, ec);  // a symlink is replaced, not written through
    TRY(write_file_atomic(target, shim_text(alias, paths, options.clown_exe), 0755));
    result.shims.push_back({alias, target, replaced});
  }
  return result;
}

void to_json(nlohmann::json& j, const ShimInfo& shim) {
  j = {{"alias", shim.alias}, {"path", shim.path.string()}, {"profile_exists", shim.profile_exists}};
}

std::vector<ShimInfo> list_shims(const Paths& paths, const fs::path& dir) {
  std::vector<ShimInfo> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    auto alias = shim_alias(it->path(), paths);
    if (!alias) continue;
    std::error_code exists_ec;
    out.push_back({*alias, it->path(), fs::exists(paths.profile_file(*alias), exists_ec)});
  }
  std::sort(out.begin(), out.end(), [](const ShimInfo& a, const ShimInfo& b) { return a.alias < b.alias; });
  return out;
}

Expected<std::vector<fs::path>> remove_shims(const Paths& paths, const fs::path& dir,
                                             const std::vector<std::string>& aliases) {
  std::vector<fs::path> targets;
  if (aliases.empty()) {
    for (const auto& s : list_shims(paths, dir)) targets.push_back(s.path);
  } else {
    for (const auto& alias : aliases) {
      TRY(profiles::validate_alias(alias));
      if (!shim_alias(dir / alias, paths))
        return fail("no clown shim '" + alias + "' in " + dir.string() + " (see: clown shims list)", k_exit_usage);
      targets.push_back(dir / alias);
    }
  }
  for (const auto& t : targets) {
    std::error_code ec;
    fs::remove(t, ec);
    if (ec) return fail("cannot remove " + t.string() + ": " + ec.message());
  }
  return targets;
}

}  // namespace clown::launcher
