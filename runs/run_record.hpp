#pragma once
// A clown run on disk while it is in progress: $CLOWN_HOME/telemetry/runs/<id>/
// (docs/file-formats.md#runs)
//   run.json     RunInfo written by the launcher before the agent starts
//   hooks.jsonl  one line per SessionStart/SessionEnd hook call (what Claude Code
//                gave the hook on stdin, plus "event" and "received_ms")
// runs/run_finish.hpp turns it into stored requests and one sessions.jsonl
// line, and removes the directory.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/file_lock.hpp"
#include "common/paths.hpp"

namespace clown::runs {

struct RunInfo {
  std::string run_id;
  std::string profile;
  std::string agent_id;
  std::string provider_id;
  std::string model;  // may be empty (agent default)
  std::string cwd;
  std::string config_dir;      // the agent's home (CLAUDE_CONFIG_DIR, CODEX_HOME, ...); empty = agent default
  std::string usage_reader;    // how its usage is read: claude | codex | gemini | opencode ("" = claude)
  std::string usage_dir;       // where its usage logs are for this run ("" = unknown)
  bool isolated = false;       // usage_dir is the profile's own home
  std::string session_id;      // the session id clown gave the agent (--session-id), if any
  std::string telemetry_file;  // a file the agent writes during the run (Gemini CLI's local telemetry)
  int64_t started_ms = 0;
  int64_t ended_ms = 0;          // 0 while running
  std::optional<int> exit_code;  // nullopt when the launcher was killed
  int launcher_pid = 0;
  std::string otel = "off";  // the agent's telemetry export: "clown" (to clownd), "user" (their own), "off"
};

// What the agent handed a SessionStart / SessionEnd / SubagentStart hook.
struct HookEvent {
  std::string event;  // "session-start" | "session-end" | "subagent-start"
  std::string session_id;
  std::string transcript_path;
  std::string cwd;
  std::string source;  // startup | resume | clear | compact (SessionStart)
  int64_t received_ms = 0;
};

nlohmann::json to_json(const RunInfo& info);
Expected<RunInfo> run_info_from_json(const nlohmann::json& j);

// Creates runs/<id>/ (0700) with run.json and returns its lock, held for the
// whole run. The locked descriptor is inherited by the agent on purpose, so
// the lock lives while the launcher or its agent does (a launcher killed with
// SIGKILL leaves its agent running); a run whose lock can be taken has lost both.
Expected<FileLock> write_run_start(const Paths& paths, const RunInfo& info);
// Appends the hook's stdin JSON (validated) to the run's hooks.jsonl.
Expected<void> record_hook_event(const Paths& paths, const std::string& run_id, const std::string& event,
                                 const std::string& stdin_json);
std::vector<HookEvent> read_hook_events(const Paths& paths, const std::string& run_id);
// Every session the hooks reported, once each, in hook order.
std::vector<std::string> session_ids_of(const std::vector<HookEvent>& events);

}  // namespace clown::runs
