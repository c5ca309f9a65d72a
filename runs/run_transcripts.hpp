#pragma once
// The requests a run made: read from exactly the transcripts its hooks
// reported (and their subagent files), kept when timestamped inside the run.
#include <string>
#include <vector>

#include "common/error.hpp"
#include "ingest/transcript_parser.hpp"
#include "runs/run_record.hpp"

namespace clown::runs {

// Claude Code stamps lines with the agent's clock and the launcher stamps the
// run with its own, on the same machine, at millisecond resolution; two
// seconds on each side absorb rounding and small clock steps without reaching
// into a neighbouring run of the same session (a human --resume takes longer).
inline constexpr int64_t k_run_window_slack_ms = 2000;

struct RunTranscripts {
  std::vector<store::RequestUsage> requests;  // deduplicated, inside the window
  std::vector<std::string> session_ids;       // in hook order, unique
  std::vector<std::string> files;             // transcripts read
  std::vector<std::string> cost_states;       // Claude Code's cost-state lines in them (raw, file order)
};

// ended_ms == 0: the run is still going (no upper bound).
Expected<RunTranscripts> read_run_transcripts(const std::vector<HookEvent>& events, int64_t started_ms,
                                              int64_t ended_ms);

// The run's requests whatever its agent: Claude Code's transcripts as
// above, other agents' logs through their usage reader (ingest/agent_runs.hpp).
Expected<RunTranscripts> read_run_requests(const RunInfo& info, const std::vector<HookEvent>& events, int64_t ended_ms);

}  // namespace clown::runs
