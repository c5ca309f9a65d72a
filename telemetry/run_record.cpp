#include "telemetry/run_record.hpp"

namespace clown::telemetry {
// Being written (launcher issue).
}  // namespace clown::telemetry
