#include "store/db_errors.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/fd.hpp"
#include "common/file_io.hpp"

namespace clown::store {

namespace {

// The pid of a process holding a lock that conflicts with a write lock on
// [start, start+len) of the file, or 0.
pid_t lock_holder(const fs::path& file, off_t start, off_t len) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return 0;
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = start;
  fl.l_len = len;
  if (::fcntl(fd.get(), F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK) return 0;
  return fl.l_pid;
}

// "pid 123: clown usage import-claude", or "pid 123" when its command line is unreadable.
std::string describe_process(pid_t pid) {
  std::string out = "pid " + std::to_string(pid);
  auto cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  if (!cmdline || cmdline->empty()) return out;
  std::string args = *cmdline;
  while (!args.empty() && args.back() == '\0') args.pop_back();
  for (char& c : args)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';  // NULs between arguments, newlines inside one
  if (auto slash = args.find_last_of('/', args.find(' ')); slash != std::string::npos) args.erase(0, slash + 1);
  if (args.size() > 80) args = args.substr(0, 77) + "...";
  return out + ": " + args;
}

}  // namespace

DbFailure classify(const std::exception& e) {
  const auto* sql = dynamic_cast<const SQLite::Exception*>(&e);
  if (!sql) return DbFailure::other;
  switch (sql->getErrorCode() & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return DbFailure::busy;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return DbFailure::damaged;
    case SQLITE_FULL: return DbFailure::full;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
    case SQLITE_AUTH: return DbFailure::permission;
    default: return DbFailure::other;
  }
}

std::string db_failure_advice(const Paths& paths, const std::exception& e) {
  const auto db = paths.usage_db();
  switch (classify(e)) {
    case DbFailure::busy: {
      // WAL mode: the writer holds byte 120 of the -shm file (WAL_WRITE_LOCK,
      // sqlite.org/walformat.html); without WAL, a lock on the database file itself.
      pid_t holder = lock_holder(db.string() + "-shm", 120, 1);
      if (holder == 0) holder = lock_holder(db, 0, 0);
      const std::string who = holder ? " (held by " + describe_process(holder) + ")" : "";
      return "; another process is writing to the database" + who +
             "; retry when it has finished (the database is fine: do not move it)";
    }
    case DbFailure::damaged:
      return "; the file is damaged: move it aside (clown starts a fresh one; `clown usage import --all` reads the "
             "agents' history again)";
    case DbFailure::full: return "; the disk is full: free some space and retry";
    case DbFailure::permission: return "; check the permissions of " + db.parent_path().string() + " and its files";
    case DbFailure::other: break;
  }
  return "; retry, and run `clown doctor` if it keeps failing";
}

}  // namespace clown::store
