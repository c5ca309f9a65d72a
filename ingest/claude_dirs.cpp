#include "ingest/claude_dirs.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <system_error>

#include "profiles/profile_store.hpp"

namespace clown::ingest {

namespace {

namespace fs = std::filesystem;

fs::path canonical_or_self(const fs::path& p) {
  std::error_code ec;
  auto c = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : c;
}

store::Attribution attribution_for_profile(const Paths& paths, const std::string& alias) {
  store::Attribution a;
  a.profile = alias;
  if (auto profile = profiles::load_profile(paths, alias)) {
    a.agent = profile->agent;
    a.provider = profile->provider;
  }
  return a;
}

// Each CLAUDE_CONFIG_DIR entry (comma-separated), else ~/.config/claude and ~/.claude.
std::vector<fs::path> default_claude_dirs() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("CLAUDE_CONFIG_DIR"); env && *env) {
    std::string_view s(env);
    while (!s.empty()) {
      auto comma = s.find(',');
      auto part = s.substr(0, comma);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
      if (!part.empty()) dirs.emplace_back(std::string(part));
      if (comma == std::string_view::npos) break;
      s.remove_prefix(comma + 1);
    }
    return dirs;
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    dirs.push_back(fs::path(home) / ".config" / "claude");
    dirs.push_back(fs::path(home) / ".claude");
  }
  return dirs;
}

}  // namespace

Expected<std::vector<ConfigDir>> resolve_claude_dirs(const Paths& paths, const std::vector<fs::path>& given) {
  std::vector<ConfigDir> dirs;
  auto add = [&](const fs::path& p, store::Attribution a) {
    auto c = canonical_or_self(p);
    for (auto& d : dirs)
      if (d.path == c) return;
    a.config_dir = c.string();
    dirs.push_back(ConfigDir{c, std::move(a), false});
  };
  const auto homes = canonical_or_self(paths.homes_dir());
  auto attribution_of = [&](const fs::path& c) {
    // A dir inside $CLOWN_HOME/homes/<alias> belongs to that profile.
    if (c.parent_path() == homes) return attribution_for_profile(paths, c.filename().string());
    return store::Attribution{};
  };
  std::error_code ec;
  if (!given.empty()) {
    for (const auto& d : given) {
      if (!fs::is_directory(d, ec))
        return fail("Claude config dir " + d.string() +
                        " does not exist; pass the folder that holds projects/ (e.g. ~/.claude)",
                    k_exit_usage);
      auto c = canonical_or_self(d);
      add(c, attribution_of(c));
    }
  } else {
    for (const auto& d : default_claude_dirs()) {
      if (!fs::is_directory(d, ec)) continue;
      auto c = canonical_or_self(d);
      add(c, attribution_of(c));
    }
  }
  if (fs::is_directory(paths.homes_dir(), ec)) {
    std::vector<fs::path> profile_homes;
    for (const auto& e : fs::directory_iterator(paths.homes_dir(), ec))
      if (e.is_directory(ec)) profile_homes.push_back(e.path());
    std::sort(profile_homes.begin(), profile_homes.end());
    for (const auto& h : profile_homes) add(h, attribution_for_profile(paths, h.filename().string()));
  }
  return dirs;
}

namespace {

// True when `path`, its links resolved, is `root` or under it.
bool resolves_inside(const fs::path& path, const fs::path& root) {
  std::error_code ec;
  const fs::path target = fs::canonical(path, ec);
  if (ec) return false;
  auto [r, t] = std::mismatch(root.begin(), root.end(), target.begin(), target.end());
  return r == root.end();
}

void warn_link(std::vector<std::string>* warnings, const fs::path& link, const fs::path& root) {
  if (!warnings) return;
  std::error_code ec;
  warnings->push_back("skipped " + link.string() + ": a link to " + fs::read_symlink(link, ec).string() + ", outside " +
                      root.string());
}

}  // namespace

std::vector<std::string> list_transcripts(const fs::path& config_dir, std::vector<std::string>* warnings) {
  std::vector<std::string> out;
  const auto projects = config_dir / "projects";
  std::error_code ec;
  if (!fs::is_directory(projects, ec)) return out;
  const fs::path root = fs::canonical(config_dir, ec);
  if (ec) return out;
  if (!resolves_inside(projects, root)) {
    warn_link(warnings, projects, root);
    return out;
  }
  // No follow_directory_symlink: linked directories are not entered at all.
  fs::recursive_directory_iterator it(projects, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const auto& p = it->path();
    if (p.extension() != ".jsonl") continue;
    if (it->is_symlink(ec) && !resolves_inside(p, root)) {
      warn_link(warnings, p, root);
      continue;
    }
    if (it->is_regular_file(ec)) out.push_back(p.string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace clown::ingest
