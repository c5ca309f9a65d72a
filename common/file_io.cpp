#include "common/file_io.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

#include "common/fd.hpp"

namespace clown {

std::string errno_message(const std::string& what) { return what + ": " + std::strerror(errno); }

namespace {

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Expected<std::string> read_file(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return fail(errno_message("cannot read " + path.string()));
  struct stat st {};
  std::string out;
  if (::fstat(fd.get(), &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno_message("cannot read " + path.string()));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Expected<void> write_file_atomic(const std::filesystem::path& path, std::string_view content, unsigned mode,
                                 Durability durability) {
  const bool sync = durability == Durability::synced;
  const auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  std::random_device rd;
  const auto tmp =
      dir / ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd()));
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (fd.get() < 0) return fail(errno_message("cannot write " + path.string()));
  ::fchmod(fd.get(), mode);  // umask must not widen or narrow what we asked for
  if (!write_all(fd.get(), content) || (sync && ::fsync(fd.get()) != 0)) {
    auto err = errno_message("cannot write " + path.string());
    ::unlink(tmp.c_str());
    return fail(err);
  }
  ::close(fd.release());
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto err = errno_message("cannot replace " + path.string());
    ::unlink(tmp.c_str());
    return fail(err);
  }
  if (!sync) return {};
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() >= 0) ::fsync(dfd.get());
  return {};
}

Expected<bool> create_file_once(const std::filesystem::path& path, std::string_view content, unsigned mode) {
  std::random_device rd;
  const auto tmp = path.string() + "." + std::to_string(::getpid()) + "." + std::to_string(rd()) + ".tmp";
  TRY(write_file_atomic(tmp, content, mode));
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked == 0) return true;
  if (link_errno == EEXIST) return false;
  errno = link_errno;
  return fail(errno_message("cannot create " + path.string()));
}

namespace {

bool ends_inside_a_line(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size == 0) return false;
  char last = '\n';
  return ::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n';
}

}  // namespace

Expected<void> append_line_durable(const std::filesystem::path& path, std::string_view line, unsigned mode) {
  std::string buf(line);
  if (buf.empty() || buf.back() != '\n') buf.push_back('\n');
  Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, mode));
  if (fd.get() < 0) return fail(errno_message("cannot append to " + path.string()));
  // A file that ends inside a line (a writer killed mid-write, a full disk)
  // would glue this line to the torn one: start on a fresh line instead
  // (docs/file-formats.md#sessions-jsonl). Writers always end their lines, so
  // two appenders racing past the same torn end at most add an empty line.
  // The check and the write are one step under an exclusive flock: a reader
  // of the last byte could otherwise see another appender's write in flight
  // and add a spurious empty line. Released when fd closes.
  while (::flock(fd.get(), LOCK_EX) != 0 && errno == EINTR) {
  }
  if (ends_inside_a_line(fd.get())) buf.insert(buf.begin(), '\n');
  // One write call: a short write would let another writer's line in between,
  // so treat it as an error rather than looping.
  ssize_t n;
  do {
    n = ::write(fd.get(), buf.data(), buf.size());
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(buf.size())) {
    return fail(n < 0 ? errno_message("cannot append to " + path.string())
                      : "short write appending to " + path.string() + " (disk full?)");
  }
  if (::fsync(fd.get()) != 0) return fail(errno_message("cannot sync " + path.string()));
  return {};
}

}  // namespace clown

namespace clown {

bool wait_for_file(const std::filesystem::path& file, int timeout_ms) {
  std::error_code ec;
  Fd in(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  const auto dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  if (in) ::inotify_add_watch(in.get(), dir.c_str(), IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    // Checked after the watch is in place, so a creation in between is not missed.
    if (std::filesystem::exists(file, ec)) return true;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    if (!in) return std::filesystem::exists(file, ec);
    pollfd p{in.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) > 0) {
      char buf[4096];
      while (::read(in.get(), buf, sizeof buf) > 0) {
      }
    }
  }
}

}  // namespace clown
