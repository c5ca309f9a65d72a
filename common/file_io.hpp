#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace clown {

// Reads a whole file. Errors name the path and the system reason.
Expected<std::string> read_file(const std::filesystem::path& path);

// Writes a file so readers see either the old or the new content, never a
// mix: temp file in the same directory, fsync, rename, fsync the directory.
// Durability::atomic_only skips the fsyncs, for files that are derived or
// short-lived (a crash may lose the new content, never corrupt the file).
enum class Durability { synced, atomic_only };
Expected<void> write_file_atomic(const std::filesystem::path& path, std::string_view content, unsigned mode = 0644,
                                 Durability durability = Durability::synced);

// Creates `path` with `content` only if it does not exist yet: written whole
// to a private file, then linked into place (link() fails if the name exists),
// so of two processes creating it at once one wins and neither ever reads a
// half-written file. True when this call created it, false when it existed.
Expected<bool> create_file_once(const std::filesystem::path& path, std::string_view content, unsigned mode);

// Appends one line with a single write(2) on an O_APPEND descriptor, then
// fsync. POSIX makes O_APPEND writes atomic with respect to the file offset,
// so concurrent writers never interleave or lose lines. A newline is added
// when missing, and one is put first when the file ends inside a line (a torn
// last line from a crash stays alone on its line).
Expected<void> append_line_durable(const std::filesystem::path& path, std::string_view line, unsigned mode = 0644);

// "what failed: reason" from errno.
std::string errno_message(const std::string& what);

}  // namespace clown

namespace clown {

// Waits (inotify, no polling) until `file` exists or `timeout_ms` passes;
// true when it exists. For files another process creates or renames into place.
bool wait_for_file(const std::filesystem::path& file, int timeout_ms);

}  // namespace clown
