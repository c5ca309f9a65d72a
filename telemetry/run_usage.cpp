#include "telemetry/run_usage.hpp"

namespace clown::telemetry {

// Placeholder until the telemetry importer lands: no tokens attributed.
Expected<RunUsage> collect_run_usage(const Paths&, const RunInfo&, const std::vector<HookEvent>& events) {
  RunUsage usage;
  for (const auto& e : events)
    if (!e.session_id.empty()) usage.session_ids.push_back(e.session_id);
  return usage;
}

}  // namespace clown::telemetry
