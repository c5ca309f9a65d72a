#pragma once
// Claude Code's stats-cache.json (beside projects/) keeps all-time totals per
// model. What it counts beyond the requests clown holds for that config dir
// is usage whose transcripts were deleted before clown saw them: it is stored
// as one "before transcripts" row per model (source "stats-cache"), replaced
// on every import so it is never added on top of requests already counted.
#include <cstdint>
#include <filesystem>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.hpp"
#include "store/request_writer.hpp"

namespace clown::ingest {

// Returns how many history rows were written. Does nothing when neither the
// file nor the dir's transcripts changed since the last import.
Expected<int64_t> import_stats_cache(SQLite::Database& db, store::RequestWriter& writer,
                                     const std::filesystem::path& config_dir, const store::Attribution& attribution,
                                     bool transcripts_changed);

}  // namespace clown::ingest
