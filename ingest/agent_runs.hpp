#pragma once
// The requests one `clown run` of a Codex CLI, Gemini CLI or opencode agent
// made (docs/accuracy.md#other-agents-runs): read from the logs
// its hooks named, the session clown chose for it, or (isolated homes) the
// logs written during the run; kept when timestamped inside the run.
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "store/usage_types.hpp"

namespace clown::ingest {

struct RunScope {
  std::string reader;                    // codex | gemini | opencode
  std::vector<std::string> transcripts;  // log files the agent's hooks reported, in order
  std::vector<std::string> session_ids;  // sessions the run owns: hooks, and the id clown chose
  std::string usage_dir;                 // the agent's log dir for this run
  bool isolated = false;                 // usage_dir belongs to this profile alone
  std::string cwd;                       // where `clown run` started
  std::string telemetry_file;            // Gemini CLI's local telemetry of this run
  int64_t lo_ms = 0;                     // the run window, slack included
  int64_t hi_ms = INT64_MAX;
};

struct RunRequests {
  std::vector<store::RequestUsage> requests;  // each once, inside the window
  std::vector<std::string> files;             // logs read
  std::vector<std::string> session_ids;       // sessions the requests belong to, in first-seen order
};

Expected<RunRequests> read_agent_run(const RunScope& scope);

}  // namespace clown::ingest
