#include "ingest/claude_dirs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

namespace {

bool is_transcript_name(std::string_view name) { return name.size() > 6 && name.substr(name.size() - 6) == ".jsonl"; }

// Lists one directory (an open descriptor) and the directories under it.
// Entries are typed and stat'ed relative to the directory: no path lookup
// per file, which was most of a warm import's time. A directory is entered
// only when it is one (never through a link); a linked transcript is kept
// when it resolves inside `root`.
class TranscriptWalk {
 public:
  TranscriptWalk(const fs::path& root, std::vector<std::string>* warnings) : m_root(root), m_warnings(warnings) {}

  void walk(int dir_fd, const std::string& dir) {
    DIR* d = ::fdopendir(dir_fd);  // owns dir_fd from here
    if (!d) {
      ::close(dir_fd);
      return;  // unreadable: skipped, like a directory without permission
    }
    while (const dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      unsigned char type = e->d_type;
      // A file system without d_type: one stat gives the type and, for a
      // file, the stamp too.
      std::optional<FileStamp> stamp;
      if (type == DT_UNKNOWN) {
        unsigned mode = 0;
        stamp = stat_at(::dirfd(d), e->d_name, &mode);
        type = !stamp          ? DT_UNKNOWN
               : S_ISDIR(mode) ? DT_DIR
               : S_ISREG(mode) ? DT_REG
               : S_ISLNK(mode) ? DT_LNK
                               : DT_UNKNOWN;
      }
      const std::string path = dir + "/" + e->d_name;
      if (type == DT_DIR) {
        const int sub = ::openat(::dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub >= 0) walk(sub, path);
      } else if (is_transcript_name(name)) {
        add(::dirfd(d), e->d_name, type, path, std::move(stamp));
      }
    }
    ::closedir(d);
  }

  std::vector<ListedTranscript> take() {
    std::sort(m_out.begin(), m_out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return std::move(m_out);
  }

 private:
  // `stamp`: the file's, when the walk already stat'ed it for its type.
  void add(int dir_fd, const char* name, unsigned char type, const std::string& path, std::optional<FileStamp> stamp) {
    if (type == DT_REG) {
      if (!stamp) stamp = stat_at(dir_fd, name);
      if (stamp) m_out.push_back({path, stamp});
      return;
    }
    if (type != DT_LNK) return;
    if (!resolves_inside(path, m_root)) {
      warn_link(m_warnings, path, m_root);
      return;
    }
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) m_out.push_back({path, std::nullopt});
  }

  const fs::path& m_root;
  std::vector<std::string>* m_warnings;
  std::vector<ListedTranscript> m_out;
};

}  // namespace

std::vector<ListedTranscript> list_transcript_files(const fs::path& config_dir, std::vector<std::string>* warnings) {
  const auto projects = config_dir / "projects";
  std::error_code ec;
  if (!fs::is_directory(projects, ec)) return {};
  const fs::path root = fs::canonical(config_dir, ec);
  if (ec) return {};
  if (!resolves_inside(projects, root)) {
    warn_link(warnings, projects, root);
    return {};
  }
  const int fd = ::open(projects.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return {};
  TranscriptWalk walk(root, warnings);
  walk.walk(fd, projects.string());
  return walk.take();
}

std::vector<std::string> list_transcripts(const fs::path& config_dir, std::vector<std::string>* warnings) {
  std::vector<std::string> out;
  for (auto& f : list_transcript_files(config_dir, warnings)) out.push_back(std::move(f.path));
  return out;
}

}  // namespace clown::ingest
