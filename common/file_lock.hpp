#pragma once
// An flock(2) on a file, released when the object dies or the process exits
// (the kernel drops it, so a killed holder never looks alive).
#include <filesystem>
#include <optional>

#include "common/error.hpp"
#include "common/fd.hpp"

namespace clown {

class FileLock {
 public:
  enum class Wait { block, no_wait };
  // Whether a process this one starts inherits the locked descriptor (and
  // with it the lock, for as long as either process lives).
  enum class Inherit { no, yes };

  // Opens (creating it with `mode` when missing) and locks exclusively.
  // With Wait::no_wait, a lock held elsewhere is an error.
  static Expected<FileLock> acquire(const std::filesystem::path& file, Wait wait, unsigned mode = 0600,
                                    Inherit inherit = Inherit::no);
  // Takes an exclusive lock on an open descriptor without waiting; nullopt when
  // another process holds it.
  static std::optional<FileLock> try_lock(Fd fd);
  // True while some process holds an exclusive lock on the file.
  static bool held_elsewhere(const std::filesystem::path& file);

  FileLock() = default;
  int fd() const { return m_fd.get(); }
  bool locked() const { return m_fd.valid(); }

 private:
  explicit FileLock(Fd fd) : m_fd(std::move(fd)) {}
  Fd m_fd;
};

}  // namespace clown
