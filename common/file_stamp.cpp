#include "common/file_stamp.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>

namespace clown {

namespace {

FileStamp from_stat(const struct stat& st) {
  return {static_cast<int64_t>(st.st_dev), static_cast<int64_t>(st.st_ino), static_cast<int64_t>(st.st_size),
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

}  // namespace

std::optional<FileStamp> stat_file(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return from_stat(st);
}

std::optional<FileStamp> stat_fd(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return std::nullopt;
  return from_stat(st);
}

std::optional<FileStamp> stat_at(int dir_fd, const char* name, unsigned* mode) {
  struct stat st {};
  if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return std::nullopt;
  if (mode) *mode = st.st_mode;
  return from_stat(st);
}

int64_t racy_window_ms() {
  static const int64_t ms = [] {
    timespec res{};
    if (::clock_getres(CLOCK_REALTIME_COARSE, &res) != 0) return int64_t{100};
    return std::max<int64_t>(10, 2 * (int64_t{res.tv_sec} * 1000 + (res.tv_nsec + 999999) / 1000000));
  }();
  return ms;
}

}  // namespace clown
