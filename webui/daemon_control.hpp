#pragma once
// `clown daemon start|stop|status`: starting a background daemon, finding a
// running one, stopping it gracefully.
#include <cstdint>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "ingest/otel_queue.hpp"
#include "webui/daemon_state.hpp"
#include "webui/server.hpp"

namespace clown::webui {

struct StartResult {
  bool already_running = false;
  DaemonInfo info;
  std::optional<int64_t> stale_pid;  // a daemon.json left by a killed daemon was replaced
};

// Forks a detached daemon (new session, output to daemon.log) and returns
// once it answers GET /api/health, or reports the one that is running.
// on_ready / log_to_stderr in options are ignored.
Expected<StartResult> start_daemon(const Paths& paths, const ServeOptions& options);

struct DaemonStatus {
  bool running = false;
  std::optional<DaemonInfo> info;  // when running (or the stale file's content)
  bool stale = false;              // daemon.json exists but no daemon holds the lock
  ingest::ForwardStatus otel;      // the OTLP forward's upstream, queue and counters (from the files)
};
DaemonStatus daemon_status(const Paths& paths);
// `clown daemon status --json`: {running, stale} plus, when running, the
// daemon's public info (no token) with url pointing at /usage, and "otel"
// (ingest::to_json(ForwardStatus)).
nlohmann::json to_json(const DaemonStatus& status);

struct StopResult {
  bool was_running = false;
  int64_t pid = 0;
  std::optional<int64_t> stale_pid;  // removed a stale daemon.json
};
// SIGTERM, then waits (up to timeout) until the daemon has released its lock.
Expected<StopResult> stop_daemon(const Paths& paths, double timeout_secs = 15);

}  // namespace clown::webui
