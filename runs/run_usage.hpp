#pragma once
// The requests a run made, stored under its profile (docs/accuracy.md#run-attribution).
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "runs/run_record.hpp"
#include "store/usage_types.hpp"

namespace clown::runs {

// Tokens and cost attributed to one run.
struct RunUsage {
  store::TokenCounts tokens;
  store::CostParts cost;
  int64_t requests = 0;     // API requests (unlogged rows not included)
  int64_t otel_events = 0;  // api_request events the agent exported for the run
  int64_t unlogged = 0;     // rows for what the agent's own totals count beyond the requests found
  std::vector<std::string> session_ids;
  std::vector<std::string> unpriced_models;
  // A SessionStart hook fired: the agent got past its start-up questions
  // (Claude Code's trust dialog comes first). A run without one is no
  // session: it has no `runs` row, so no runtime in reports.
  bool session_started = false;
};

// True when the hooks reported a session start.
bool session_started(const std::vector<HookEvent>& events);

// Reads exactly the transcripts the run's hooks reported (subagent files under
// <session>/subagents/ included), keeps requests timestamped inside
// [started_ms, ended_ms], stores them tagged with the run and profile (a request
// already stored keeps its first attribution), records the run in the `runs`
// table when a session started, and returns the run's totals (requests
// counted once).
// `store_failed` (when given) is set when the transcripts were read but the
// store could not be opened or written (busy past its timeout, unreadable):
// the run can be finished later (docs/accuracy.md#pending-runs).
Expected<RunUsage> collect_run_usage(const Paths& paths, const RunInfo& info, const std::vector<HookEvent>& events,
                                     bool* store_failed = nullptr);

}  // namespace clown::runs
