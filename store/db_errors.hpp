#pragma once
// What to tell the user when usage.db cannot be opened, read or written. A
// busy or locked database is healthy: only a damaged file is worth moving
// aside (docs/accuracy.md#db-errors).
#include <exception>
#include <string>

#include "common/paths.hpp"

namespace clown::store {

enum class DbFailure { busy, damaged, full, permission, other };

// SQLite's primary result code of the exception (SQLITE_BUSY, SQLITE_CORRUPT,
// ...); `other` for anything that is not a SQLite error.
DbFailure classify(const std::exception& e);

// "; <what to do>", for appending to the error: busy names the process
// holding the lock when the kernel tells (F_GETLK) and says to retry.
std::string db_failure_advice(const Paths& paths, const std::exception& e);

}  // namespace clown::store
