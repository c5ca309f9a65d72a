#pragma once
#include "common/error.hpp"
#include "common/paths.hpp"
#include "runs/run_record.hpp"

namespace clown::runs {

// Reads exactly the transcripts the run's hooks reported (subagent files under
// <session>/subagents/ included), keeps requests timestamped inside
// [started_ms, ended_ms], stores them tagged with the run and profile (a request
// already stored keeps its first attribution), records the run in the `runs`
// table, and returns the run's totals (requests counted once).
Expected<RunUsage> collect_run_usage(const Paths& paths, const RunInfo& info, const std::vector<HookEvent>& events);

}  // namespace clown::runs
