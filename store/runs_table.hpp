#pragma once
// The `runs` table: one row per finished clown run (docs/schema.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

namespace clown::store {

struct RunRow {
  std::string run_id, profile, agent, provider, model, cwd;
  int64_t started_ms = 0;
  int64_t ended_ms = 0;
  double duration_secs = 0;
  std::optional<int> exit_code;  // nullopt: the launcher was killed
};

// INSERT OR REPLACE: recording a run again (after a retry) keeps one row.
void record_run(SQLite::Database& db, const RunRow& run);

// Runs whose start lies in [since_ms, until_ms).
std::vector<RunRow> runs_started_in(SQLite::Database& db, int64_t since_ms, int64_t until_ms);

}  // namespace clown::store
