#include "webui/daemon_control.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "common/file_io.hpp"

namespace clown::webui {

namespace {

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// Reads one line from the start-up pipe; empty when the child closed it
// without a word (it died) or the timeout passed.
std::string read_line(int fd, int timeout_ms) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return line;
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return line;
    char buf[512];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return line;
    line.append(buf, static_cast<size_t>(n));
    if (auto nl = line.find('\n'); nl != std::string::npos) return line.substr(0, nl);
  }
}

[[noreturn]] void run_child(const Paths& paths, ServeOptions options, int ready_fd) {
  ::setsid();
  if (::chdir("/") != 0) {
    // Not fatal: the daemon only uses absolute paths.
  }
  int devnull = ::open("/dev/null", O_RDWR);
  if (devnull >= 0) ::dup2(devnull, 0);
  int log = ::open(paths.daemon_log().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log >= 0) {
    ::dup2(log, 1);
    ::dup2(log, 2);
  } else if (devnull >= 0) {
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
  }
  bool notified = false;
  options.log_to_stderr = false;
  options.on_ready = [&](const DaemonInfo& info) {
    write_all(ready_fd, "ready " + std::to_string(info.port) + "\n");
    ::close(ready_fd);
    notified = true;
  };
  auto served = serve(paths, options);
  if (!served && !notified) {
    write_all(ready_fd, (served.error().exit_code == k_exit_already_running ? "running " : "error ") +
                            served.error().message + "\n");
  }
  std::fflush(nullptr);
  ::_exit(served ? 0 : served.error().exit_code);
}

Expected<DaemonInfo> health_check(const DaemonInfo& info) {
  httplib::Client client("127.0.0.1", info.port);
  client.set_connection_timeout(3, 0);
  client.set_read_timeout(5, 0);
  auto res = client.Get("/api/health");
  if (!res || res->status != 200)
    return fail("the daemon started (pid " + std::to_string(info.pid) + ") but does not answer on " + info.url +
                "; see " + info.log_file);
  return info;
}

}  // namespace

Expected<StartResult> start_daemon(const Paths& paths_in, const ServeOptions& options) {
  Paths paths = paths_in;
  std::error_code ec;
  paths.root = fs::absolute(paths.root, ec);
  StartResult result;
  if (daemon_lock_held(paths)) {
    // A daemon that is still starting writes daemon.json once it listens.
    wait_for_file(paths.daemon_file(), 10000);
    auto info = read_daemon_file(paths);
    if (!info) return fail("a clown daemon holds " + paths.daemon_lock().string() + " but " + info.error().message);
    result.already_running = true;
    result.info = *info;
    return result;
  }
  // No daemon holds the lock, so a daemon.json is what a killed daemon left.
  if (fs::exists(paths.daemon_file(), ec)) {
    auto old = read_daemon_file(paths);
    result.stale_pid = old ? old->pid : 0;
    fs::remove(paths.daemon_file(), ec);
  }
  TRY(ensure_dir(paths.root, 0700));

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail(errno_message("cannot create a pipe"));
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return fail(errno_message("cannot start the daemon (fork)"));
  }
  if (pid == 0) {
    ::close(fds[0]);
    run_child(paths, options, fds[1]);
  }
  ::close(fds[1]);
  const std::string line = read_line(fds[0], 20000);
  ::close(fds[0]);

  if (line.rfind("ready ", 0) == 0) {
    auto info = read_daemon_file(paths);
    if (!info) return tl::unexpected(info.error());
    auto healthy = health_check(*info);
    if (!healthy) return tl::unexpected(healthy.error());
    result.info = *info;
    return result;
  }
  int status = 0;
  ::waitpid(pid, &status, WNOHANG);
  if (line.rfind("running ", 0) == 0) {
    wait_for_file(paths.daemon_file(), 10000);
    auto info = read_daemon_file(paths);
    if (!info) return fail(line.substr(8));
    result.already_running = true;
    result.info = *info;
    result.stale_pid.reset();
    return result;
  }
  if (line.rfind("error ", 0) == 0) return fail(line.substr(6));
  return fail("the daemon exited during start-up without saying why; see " + paths.daemon_log().string());
}

DaemonStatus daemon_status(const Paths& paths) {
  DaemonStatus status;
  status.running = daemon_lock_held(paths);
  auto info = read_daemon_file(paths);
  if (info) status.info = *info;
  std::error_code ec;
  status.stale = !status.running && fs::exists(paths.daemon_file(), ec);
  status.otel = ingest::forward_status(paths);
  return status;
}

Expected<StopResult> stop_daemon(const Paths& paths, double timeout_secs) {
  StopResult result;
  std::error_code ec;
  if (!daemon_lock_held(paths)) {
    if (fs::exists(paths.daemon_file(), ec)) {
      auto old = read_daemon_file(paths);
      result.stale_pid = old ? old->pid : 0;
      fs::remove(paths.daemon_file(), ec);
    }
    return result;
  }
  auto info = read_daemon_file(paths);
  if (!info) return fail("a clown daemon holds " + paths.daemon_lock().string() + " but " + info.error().message);
  result.was_running = true;
  result.pid = info->pid;
  if (::kill(static_cast<pid_t>(info->pid), SIGTERM) != 0 && errno != ESRCH)
    return fail(errno_message("cannot signal the daemon (pid " + std::to_string(info->pid) + ")"));
  // The daemon releases its lock only after in-flight requests finished and
  // daemon.json is gone, so a free lock means it has fully stopped.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_secs);
  while (daemon_lock_held(paths)) {
    if (std::chrono::steady_clock::now() > deadline)
      return fail("the daemon (pid " + std::to_string(info->pid) + ") did not stop within " +
                  std::to_string(static_cast<int>(timeout_secs)) + " s; see " + paths.daemon_log().string() +
                  " or force it with: kill -9 " + std::to_string(info->pid));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return result;
}

nlohmann::json to_json(const DaemonStatus& st) {
  nlohmann::json out{{"running", st.running}, {"stale", st.stale}};
  if (st.info && st.running) {
    out.update(to_json(*st.info, false));
    out["url"] = st.info->url + "/usage";
  }
  out["otel"] = ingest::to_json(st.otel);
  return out;
}

}  // namespace clown::webui
