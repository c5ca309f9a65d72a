#include "telemetry/aggregates.hpp"

namespace clown::telemetry {

// Placeholder until reports land.
Expected<void> refresh_aggregates(const Paths&) { return {}; }

}  // namespace clown::telemetry
