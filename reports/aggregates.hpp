#pragma once
#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::reports {

// Rewrites telemetry/aggregates.json (atomically) from the store: all-time
// tokens{...}, cost{...}, requests and sessions, by_profile / by_agent /
// by_provider / by_model / by_machine.
Expected<void> refresh_aggregates(const Paths& paths);

}  // namespace clown::reports
