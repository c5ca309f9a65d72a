#include "telemetry/report.hpp"

namespace clown::telemetry {

// Placeholder until reports land.
Expected<nlohmann::json> usage_json(const Paths&, const UsageFilter&, const std::string&, const Paging&) {
  return fail("usage reports are not implemented yet");
}

}  // namespace clown::telemetry
