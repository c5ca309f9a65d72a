#pragma once
// A clown run on disk while it is in progress: $CLOWN_HOME/telemetry/runs/<id>/
//   run.json     RunInfo written by the launcher before the agent starts
//   hooks.jsonl  one line per SessionStart/SessionEnd hook call (what Claude Code
//                gave the hook on stdin, plus "event" and "received_at")
// finish_run() turns it into stored requests + one sessions.jsonl line and
// removes the directory; a directory left behind by a killed launcher is
// finished by recover_abandoned_runs() the next time clown runs.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "store/usage_types.hpp"

namespace clown::runs {

struct RunInfo {
  std::string run_id;
  std::string profile;
  std::string agent_id;
  std::string provider_id;
  std::string model;  // may be empty (agent default)
  std::string cwd;
  std::string config_dir;  // CLAUDE_CONFIG_DIR given to the agent; empty = agent default
  int64_t started_ms = 0;
  int64_t ended_ms = 0;          // 0 while running
  std::optional<int> exit_code;  // nullopt when the launcher was killed
  int launcher_pid = 0;
};

// What Claude Code handed a SessionStart / SessionEnd hook.
struct HookEvent {
  std::string event;  // "session-start" | "session-end"
  std::string session_id;
  std::string transcript_path;
  std::string cwd;
  std::string source;  // startup | resume | clear | compact (SessionStart)
  int64_t received_ms = 0;
};

// Tokens and cost attributed to one run.
struct RunUsage {
  store::TokenCounts tokens;
  store::CostParts cost;
  int64_t requests = 0;
  std::vector<std::string> session_ids;
  std::vector<std::string> unpriced_models;
};

nlohmann::json to_json(const RunInfo& info);
Expected<RunInfo> run_info_from_json(const nlohmann::json& j);

// Held for the whole run: an flock on run.json. The descriptor is inherited
// by the agent on purpose, so the lock lives while the launcher or its agent
// does (a launcher killed with SIGKILL leaves its agent running); a run whose
// lock can be taken has lost both.
class RunLock {
 public:
  RunLock() = default;
  explicit RunLock(int fd) : m_fd(fd) {}
  RunLock(RunLock&& o) noexcept : m_fd(o.m_fd) { o.m_fd = -1; }
  RunLock& operator=(RunLock&& o) noexcept;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

 private:
  int m_fd = -1;
};

// Creates runs/<id>/ (0700) with run.json and locks it.
Expected<RunLock> write_run_start(const Paths& paths, const RunInfo& info);
// Appends the hook's stdin JSON (validated) to the run's hooks.jsonl.
Expected<void> record_hook_event(const Paths& paths, const std::string& run_id, const std::string& event,
                                 const std::string& stdin_json);
std::vector<HookEvent> read_hook_events(const Paths& paths, const std::string& run_id);

// Collects the run's usage, stores it, appends the sessions.jsonl line,
// refreshes aggregates.json and removes the run directory.
Expected<RunUsage> finish_run(const Paths& paths, const RunInfo& info);

// Finishes runs whose launcher process is gone. Returns how many.
int recover_abandoned_runs(const Paths& paths);

// The sessions.jsonl line for a finished run.
nlohmann::json session_line(const RunInfo& info, const RunUsage& usage);

}  // namespace clown::runs
