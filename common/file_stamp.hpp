#pragma once
// What identifies a version of a file without reading it: device, inode,
// size and modification time (ns). Incremental imports and caches compare
// stamps to know whether a file changed.
#include <cstdint>
#include <filesystem>
#include <optional>

namespace clown {

struct FileStamp {
  int64_t dev = 0;
  int64_t ino = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;

  bool same_file(const FileStamp& o) const { return dev == o.dev && ino == o.ino; }
  int64_t mtime_ms() const { return mtime_ns / 1000000; }
  bool operator==(const FileStamp&) const = default;
};

// stat(2) of the path (following links); nullopt when it cannot be read.
std::optional<FileStamp> stat_file(const std::filesystem::path& path);
// fstat(2) of an open descriptor.
std::optional<FileStamp> stat_fd(int fd);
// fstatat(2) of `name` in the directory `dir_fd`, not following a link;
// `mode`, when given, gets its st_mode (the file's type with the same call).
std::optional<FileStamp> stat_at(int dir_fd, const char* name, unsigned* mode = nullptr);

// A file changed this recently may change again within the same tick of the
// kernel's coarse file timestamps without its stamp changing (the "racy"
// rule git uses for its index). Local file systems stamp files from the
// coarse real-time clock, whose resolution is the kernel's tick (1/HZ:
// 1-10 ms): twice that, and at least 10 ms.
int64_t racy_window_ms();

}  // namespace clown
