#pragma once
#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/report_rollup.hpp"

namespace clown::reports {

// Rewrites telemetry/aggregates.json (atomically) from the store: all-time
// tokens{...}, cost{...}, requests and sessions, by_profile / by_agent /
// by_provider / by_model / by_machine, and the store_state it was built from.
Expected<void> refresh_aggregates(const Paths& paths);

// The same through a writer's own connection `db` right after its commit,
// with the rollup it built meanwhile, if any (refresh_rollup_cache).
Expected<void> refresh_aggregates(const Paths& paths, SQLite::Database& db, const CommittedRollup& built);

// Rebuilds aggregates.json when it is missing, unreadable or older than the
// last commit to usage.db (a crash between commit and refresh); true when it
// did. Nothing to do without usage.db.
Expected<bool> ensure_aggregates_current(const Paths& paths);

}  // namespace clown::reports
