#include "webui/daemon_state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "common/file_io.hpp"

namespace clown::webui {

nlohmann::json to_json(const DaemonInfo& info, bool with_token) {
  nlohmann::json j{{"pid", info.pid},
                   {"port", info.port},
                   {"url", info.url},
                   {"started_at", info.started_at},
                   {"stay_alive", info.stay_alive},
                   {"idle_timeout_secs", info.idle_timeout_secs},
                   {"log_file", info.log_file}};
  if (!info.team_listen.empty()) j["team_listen"] = info.team_listen;
  if (with_token) j["token"] = info.token;
  return j;
}

Expected<DaemonInfo> read_daemon_file(const Paths& paths) {
  auto text = read_file(paths.daemon_file());
  if (!text) return tl::unexpected(text.error());
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("pid") || !j["pid"].is_number_integer() ||
      !j.contains("port") || !j["port"].is_number_integer())
    return fail(paths.daemon_file().string() +
                " is malformed; stop the daemon with `clown daemon stop` or delete the file");
  DaemonInfo info;
  info.pid = j["pid"].get<int64_t>();
  info.port = j["port"].get<int>();
  info.token = j.value("token", "");
  info.url = j.value("url", "");
  info.started_at = j.value("started_at", "");
  info.stay_alive = j.value("stay_alive", false);
  info.idle_timeout_secs = j.value("idle_timeout_secs", int64_t{0});
  info.log_file = j.value("log_file", "");
  if (auto t = j.find("team_listen"); t != j.end() && t->is_string()) info.team_listen = t->get<std::string>();
  return info;
}

Expected<void> write_daemon_file(const Paths& paths, const DaemonInfo& info) {
  return write_file_atomic(paths.daemon_file(), to_json(info, true).dump(2) + "\n", 0600);
}

void remove_daemon_file_if_owned(const Paths& paths, int64_t pid) {
  auto info = read_daemon_file(paths);
  if (info && info->pid != pid) return;
  std::error_code ec;
  std::filesystem::remove(paths.daemon_file(), ec);
}

Expected<FileLock> acquire_daemon_lock(const Paths& paths) {
  TRY(ensure_dir(paths.root, 0700));
  // `status` probes take a shared lock for a moment; retry briefly so a probe
  // racing with a start does not make the start fail.
  for (int attempt = 0;; ++attempt) {
    auto lock = FileLock::acquire(paths.daemon_lock(), FileLock::Wait::no_wait);
    if (lock || attempt == 50 || !FileLock::held_elsewhere(paths.daemon_lock())) return lock;
    ::usleep(2000);
  }
}

// A shared probe conflicts with the daemon's exclusive lock only.
bool daemon_lock_held(const Paths& paths) { return FileLock::held_elsewhere(paths.daemon_lock()); }

int64_t idle_timeout_secs_from_env() {
  const char* text = std::getenv("CLOWN_DAEMON_IDLE_SECS");
  if (text && *text) {
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text, text + std::strlen(text), value);
    if (ec == std::errc() && *ptr == '\0' && value > 0) return value;
  }
  return 30 * 60;
}

}  // namespace clown::webui
