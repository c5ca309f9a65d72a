#include "common/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

#include "common/file_io.hpp"

namespace clown {

Expected<FileLock> FileLock::acquire(const std::filesystem::path& file, Wait wait, unsigned mode, Inherit inherit) {
  const int flags = O_RDWR | O_CREAT | (inherit == Inherit::no ? O_CLOEXEC : 0);
  Fd fd(::open(file.c_str(), flags, mode));
  if (!fd) return fail(errno_message("cannot open " + file.string()));
  const int op = LOCK_EX | (wait == Wait::no_wait ? LOCK_NB : 0);
  while (::flock(fd.get(), op) != 0) {
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) return fail(file.string() + " is locked by another process");
    return fail(errno_message("cannot lock " + file.string()));
  }
  return FileLock(std::move(fd));
}

std::optional<FileLock> FileLock::try_lock(Fd fd) {
  if (!fd || ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) return std::nullopt;
  return FileLock(std::move(fd));
}

bool FileLock::held_elsewhere(const std::filesystem::path& file) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  return ::flock(fd.get(), LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
}

}  // namespace clown
