#pragma once
// What a running daemon leaves on disk: daemon.lock, held with flock(2) for
// the daemon's whole life (the kernel drops it when the process dies, so a
// killed daemon can never look alive), and daemon.json (pid, port, token,
// url; mode 0600 because the token authorizes POSTs).
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/file_lock.hpp"
#include "common/paths.hpp"

namespace clown::webui {

struct DaemonInfo {
  int64_t pid = 0;
  int port = 0;
  std::string token;
  std::string url;  // http://127.0.0.1:<port>
  std::string started_at;
  bool stay_alive = false;
  int64_t idle_timeout_secs = 0;  // 0 with stay_alive
  std::string log_file;
  // [team] role = "central": where the team listener takes other machines'
  // OTLP (host:port); "" when there is none.
  std::string team_listen;
};

// with_token=false for anything shown to a user (status output).
nlohmann::json to_json(const DaemonInfo& info, bool with_token);
Expected<DaemonInfo> read_daemon_file(const Paths& paths);
Expected<void> write_daemon_file(const Paths& paths, const DaemonInfo& info);
// Removes daemon.json only when it still names this pid (a newer daemon may own it).
void remove_daemon_file_if_owned(const Paths& paths, int64_t pid);

// The daemon's lock (daemon.lock), held for the daemon's whole life. Fails
// with the reason when another process holds it.
Expected<FileLock> acquire_daemon_lock(const Paths& paths);

// True while some process holds the daemon lock (a daemon is running).
bool daemon_lock_held(const Paths& paths);

// The idle timeout: CLOWN_DAEMON_IDLE_SECS when set to a positive number, else 30 minutes.
int64_t idle_timeout_secs_from_env();

}  // namespace clown::webui
