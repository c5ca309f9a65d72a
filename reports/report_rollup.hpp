#pragma once
// The compact form every usage report is computed from: requests summed per
// (UTC quarter hour, agent session, profile, agent, provider, model, project,
// query_source, machine, main agent or subagent).
// Quarter hours because every time zone offset in use is a multiple of 15
// minutes, so local days and hours of any zone are unions of buckets.
//
// Reports over a few thousand requests aggregate straight from `requests`;
// bigger ranges use an all-time rollup cached in telemetry/report-cache.bin,
// rebuilt when usage.db changes (see load_rollup), so `clown usage --period all`
// stays fast on a heavy user's history.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "store/usage_types.hpp"

namespace clown::reports {

inline constexpr int64_t k_bucket_ms = 15 * 60 * 1000;

struct RollupRow {
  int64_t bucket = 0;                                                                 // ts_ms / k_bucket_ms (floored)
  int32_t session = 0, profile = 0, agent = 0, provider = 0, model = 0, project = 0;  // Rollup::strings
  int32_t query_source = 0;  // Rollup::strings: what made the requests (OTel), "" unknown
  int32_t sidechain = 0;     // 1: a subagent's requests
  int32_t no_session = 0;    // 1: requests without an agent session (stats-cache history, no sessionId)
  int32_t machine = 0;       // Rollup::strings: the machine that counted them, "" = this one (before schema 6)
  int64_t first_ms = 0, last_ms = 0;
  int64_t requests = 0;
  int64_t unpriced_requests = 0;
  store::TokenCounts tokens;
  store::CostParts cost;
  double cost_total = 0;          // sum of the stored cost_total column
  int64_t subagent_requests = 0;  // sidechain requests (a subagent's)
  double subagent_cost = 0;       // their cost_total
};

struct Rollup {
  std::vector<std::string> strings;  // interned values referenced by RollupRow
  std::span<const RollupRow> rows;   // over `owned`, or over the mapped cache file

  Rollup() = default;
  Rollup(const Rollup&) = delete;
  Rollup& operator=(const Rollup&) = delete;
  Rollup(Rollup&&) = default;  // moving a vector keeps its buffer, so `rows` stays valid
  Rollup& operator=(Rollup&&) = default;

  void own(std::vector<RollupRow> v) {
    owned = std::move(v);
    rows = owned;
  }
  std::vector<RollupRow> owned;
  std::shared_ptr<const void> mapping;  // keeps the mapped cache alive
};

// A rollup covering at least [since, until) (nullopt = unbounded): the cached
// all-time rollup when the range is large and bucket-aligned, else an
// aggregate of just that range from `requests`. Rows may lie outside the
// range; callers keep rows whose first_ms is inside it (exact, because a
// bucket never straddles an aligned bound and direct rows are all inside).
Expected<std::shared_ptr<const Rollup>> load_rollup(const Paths& paths, SQLite::Database& db,
                                                    std::optional<int64_t> since_ms, std::optional<int64_t> until_ms);

// The cached all-time rollup when telemetry/report-cache.bin is current for
// usage.db, else nullptr: never builds one, and opens no database: the cache
// counts when usage.db and its WAL carry the very stamps it was saved for. A
// writer saves it only once its files' last change is two timestamp ticks old, so any
// later change has a newer mtime (docs/file-formats.md#report-cache). For hot
// paths with a cheaper fallback than a rebuild (the launch budget gate reads
// index ranges then).
std::shared_ptr<const Rollup> unchanged_cached_rollup(const Paths& paths);

// Aggregates straight from `requests` (no cache).
Rollup build_rollup(SQLite::Database& db, std::optional<int64_t> since_ms, std::optional<int64_t> until_ms);

fs::path report_cache_file(const Paths& paths);

// The all-time rollup of a store that was just written, with the
// store_state it is current for.
struct CurrentRollup {
  std::shared_ptr<const Rollup> rollup;
  std::optional<std::string> state;
};

// Right after a writer's commit (`db`: a read-write connection outside any
// transaction): builds the all-time rollup and saves it to the cache, so the
// next report reads it instead of rebuilding (docs/file-formats.md#report-cache).
// The WAL is checkpointed first and the write lock held while the stamp is
// taken and the rows read: no commit can fall between them, and closing the
// connection afterwards changes no stamp the cache records. On a big store it
// waits out what remains of the racy window (two ticks of the coarse clock,
// at least 10 ms, since the last write)
// under that lock; a small one (cheap to rebuild) saves only when not racy.
//
// `built`: a rollup a writer built meanwhile from what it had committed
// (build_committed_rollup), used when no other connection has committed
// since: `db`'s store::data_version is still the one read before it was built.
struct CommittedRollup {
  std::shared_ptr<const Rollup> rollup;  // null: build it here
  int64_t data_version = 0;              // store::data_version(db) before the build started
};
Expected<CurrentRollup> refresh_rollup_cache(const Paths& paths, SQLite::Database& db,
                                             const CommittedRollup* built = nullptr);

// The all-time rollup of what usage.db holds committed now, through a
// read-only connection of its own (so that a writer's connection can build
// indexes and checkpoint meanwhile), on the calling thread alone: the writer
// keeps the other core busy, and one pass holds half the memory of two
// halves and their merge. Throws SQLite::Exception.
std::shared_ptr<const Rollup> build_committed_rollup(const Paths& paths);

// One committed state of usage.db as text (its files' stamps and the highest
// request id): a commit in between changes it. nullopt without a database.
std::optional<std::string> store_state(const Paths& paths, SQLite::Database& db);

}  // namespace clown::reports
