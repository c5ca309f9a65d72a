#pragma once
// Reads opencode's SQLite database (docs/accuracy.md#opencode):
// $XDG_DATA_HOME/opencode/opencode.db. One request per `step-finish` part:
// opencode stores every step's usage there (a message's own totals hold only
// its last step in some versions), child (subtask) sessions included.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "ingest/transcript_parser.hpp"

namespace clown::ingest {

struct OpencodeQuery {
  int64_t since_ms = 0;  // parts created at or after this time (ms)
  int64_t until_ms = 0;  // and at or before this one; 0: no upper bound
};

struct OpencodeScan {
  // Keyed "opencode:<part id>"; session = the root session, a child
  // session's parts are sidechain requests with subagent = the child's id.
  std::vector<store::RequestUsage> requests;
  ParseStats stats;
  int64_t max_time_ms = 0;  // latest part time seen (the import cursor)
};

// Opens the database read-only (opencode keeps it in WAL mode and may be
// writing: a reader sees the last committed state; the -wal and -shm files
// must be next to it). Tokens: input = uncached input, cache.read / write,
// output + reasoning = output.
Expected<OpencodeScan> read_opencode_db(const std::filesystem::path& db_file, const OpencodeQuery& query);

// opencode.db in an opencode data dir ($XDG_DATA_HOME/opencode).
std::filesystem::path opencode_db_file(const std::filesystem::path& data_dir);

}  // namespace clown::ingest
