#pragma once
#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::reports {

// Rewrites telemetry/aggregates.json (atomically) from the store: all-time
// tokens{...}, cost{...}, requests and sessions, by_profile / by_agent /
// by_provider / by_model / by_machine, and the store_state it was built from.
Expected<void> refresh_aggregates(const Paths& paths);

// Rebuilds aggregates.json when it is missing, unreadable or older than the
// last commit to usage.db (a crash between commit and refresh); true when it
// did. Nothing to do without usage.db.
Expected<bool> ensure_aggregates_current(const Paths& paths);

}  // namespace clown::reports
