#include "webui/server.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "common/format.hpp"
#include "common/time.hpp"
#include "config/config.hpp"
#include "ingest/otel_sink.hpp"
#include "ingest/team_token.hpp"
#include "webui/app.hpp"
#include "webui/request_deadline.hpp"
#include "webui/team_listener.hpp"

namespace clown::webui {

namespace {

// A connection holds a worker from accept until it closes, idle or not
// (cpp-httplib 0.11 reads requests in the worker), so connections are closed
// after a few requests, and the pool is large enough that 16 slow or idle
// clients (each held up to the 5 s read or 2 s keep-alive timeout) leave
// most workers free (tests/fault/test_slow_clients.cpp). Measured with wrk,
// 50 connections, on a loaded 2-core machine: 16 workers x 5 requests gave
// p99 9 ms; 64 x 100 gave 58 ms (50 runnable threads time-sliced) and
// 8 x 100 gave 95 ms (connections starved behind pinned ones).
constexpr size_t k_worker_threads = 64;
constexpr size_t k_keep_alive_requests = 5;
// How long a stop waits for requests in flight (an import, a sync) before
// the process exits anyway: both are safe to cut off (docs/security.md#limits).
constexpr auto k_stop_grace = std::chrono::seconds(5);
constexpr int k_listen_backlog = 256;

// Debian's cpp-httplib is compiled with a listen backlog of 5: fifty
// concurrent clients would see dropped SYNs and one-second retransmits.
// svr_sock_ is protected, so a subclass can raise it after binding.
class LoopbackServer : public httplib::Server {
 public:
  void raise_backlog(int backlog) { ::listen(svr_sock_.load(), backlog); }
};

class Log {
 public:
  Log(const fs::path& file, bool to_stderr) : m_to_stderr(to_stderr) { m_file = std::fopen(file.c_str(), "a"); }
  ~Log() {
    if (m_file) std::fclose(m_file);
  }
  void line(const std::string& text) {
    const std::string out = format_iso8601_ms(now_ms()) + " " + text + "\n";
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_file) {
      std::fputs(out.c_str(), m_file);
      std::fflush(m_file);
    }
    if (m_to_stderr) std::fputs(out.c_str(), stderr);
  }

 private:
  std::FILE* m_file = nullptr;
  bool m_to_stderr;
  std::mutex m_mutex;
};

// [team] role = "central": the team listener, started once the app exists;
// none otherwise. Its token is created on first start, so `clown team token`
// prints what the daemon accepts. `address` gets the host:port it listens on.
Expected<std::unique_ptr<TeamListener>> start_team_listener(const Paths& paths, App& app, Log& log,
                                                            std::string& address) {
  TRY_ASSIGN(const auto config, config::load_config(paths));
  if (config.team.role != config::TeamRole::central) return nullptr;
  TRY(ingest::team_token(paths));
  auto team = std::make_unique<TeamListener>(paths, app.otlp());
  TRY_ASSIGN(const int port, team->start(config.team.listen_host, config.team.listen_port,
                                         [&log](const std::string& line) { log.line("team listener: " + line); }));
  address = config.team.listen_host + ":" + std::to_string(port);
  log.line("team listener (OTLP from other machines, docs/api.md#team) on " + address);
  return team;
}

Expected<int> resolve_port(const Paths& paths, const ServeOptions& options) {
  int port = 0;
  if (options.port) {
    port = *options.port;
  } else {
    TRY_ASSIGN(const auto config, config::load_config(paths));
    port = config.daemon_port;
  }
  if (port < 0 || port > 65535)
    return fail("port " + std::to_string(port) + " is out of range; use --port 1-65535", k_exit_usage);
  return port;
}

// Signals are taken by the main thread with sigtimedwait; they are blocked
// before any thread exists so every worker inherits the mask.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  return signals;
}

// Binds 127.0.0.1:port (0: any free port); returns the bound port.
Expected<int> bind_loopback(LoopbackServer& server, int port) {
  // Only SO_REUSEADDR (restart right after a stop); never SO_REUSEPORT, which
  // would let a second process share the port silently.
  server.set_socket_options([](socket_t sock) { set_socket_options(sock); });
  const bool bound =
      port == 0 ? (port = server.bind_to_any_port("127.0.0.1")) > 0 : server.bind_to_port("127.0.0.1", port);
  if (!bound)
    return fail("port " + std::to_string(port) +
                " on 127.0.0.1 is already in use; stop what uses it or choose another with "
                "`clown daemon start --port N` (or [daemon] port in config.toml)");
  server.raise_backlog(k_listen_backlog);
  return port;
}

DaemonInfo daemon_info(const Paths& paths, const ServeOptions& options, int port) {
  DaemonInfo info;
  info.pid = ::getpid();
  info.port = port;
  info.token = random_hex_id(16);
  info.url = "http://127.0.0.1:" + std::to_string(port);
  info.started_at = format_iso8601_ms(now_ms());
  info.stay_alive = options.stay_alive;
  info.idle_timeout_secs = options.stay_alive ? 0 : options.idle_timeout_secs;
  info.log_file = paths.daemon_log().string();
  return info;
}

// Limits, the route into App, and the JSON error shape for failures
// cpp-httplib answers itself.
void configure(LoopbackServer& server, App& app, Log& log, ConnectionWatchdog& watchdog) {
  server.new_task_queue = [&watchdog] { return watchdog.new_task_queue(k_worker_threads); };
  server.set_payload_max_length(k_max_body_bytes);
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_keep_alive_timeout(2);
  server.set_keep_alive_max_count(k_keep_alive_requests);
  server.set_tcp_nodelay(true);
  auto handler = [&app, &watchdog](const httplib::Request& req, httplib::Response& res) {
    watchdog.request_received();
    send(app.handle(to_request(req)), res);
  };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Patch(".*", handler);
  server.Delete(".*", handler);
  server.Options(".*", handler);
  // Failures cpp-httplib answers itself (413 body too large, 400 malformed
  // request) get the same JSON error shape as ours.
  server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const std::string message = res.status == 413   ? "request body larger than 1 MiB"
                                : res.status == 414 ? "request URI too long"
                                : res.status == 400 ? "malformed or unsupported HTTP request"
                                                    : "HTTP error " + std::to_string(res.status);
    HttpResponse err = json_error(res.status, error_code_for(res.status), message);
    res.set_content(err.body, err.content_type);
    return httplib::Server::HandlerResponse::Handled;
  }));
  server.set_exception_handler([&log](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log.line("error: " + req.method + " " + req.path + ": " + what);
    HttpResponse err = json_error(500, "internal_error", "internal error (see daemon.log)");
    res.status = 500;
    res.set_content(err.body, err.content_type);
  });
  server.set_logger([&log, &watchdog](const httplib::Request& req, const httplib::Response& res) {
    watchdog.response_sent();
    if (res.status >= 400 || req.method != "GET")
      log.line(req.method + " " + req.path + " -> " + std::to_string(res.status));
  });
}

// Blocks until a stop signal or the idle timeout; returns why it stopped.
std::string wait_for_stop(const sigset_t& signals, const App& app, const ServeOptions& options) {
  const int64_t idle_ms = options.idle_timeout_secs * 1000;
  const timespec tick = options.idle_timeout_secs < 4 ? timespec{0, 100'000'000} : timespec{1, 0};
  int64_t trimmed_after = -1;  // activity stamp of the last malloc_trim
  for (;;) {
    const int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig > 0) return std::string("signal ") + (sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "SIGHUP");
    // Give memory freed by finished reports back to the system once the
    // daemon has been quiet for a few seconds.
    const int64_t last = app.last_activity_ms();
    if (app.in_flight() == 0 && last != trimmed_after && now_ms() - last >= 3000) {
      malloc_trim(0);
      trimmed_after = last;
    }
    if (!options.stay_alive && app.in_flight() == 0 && now_ms() - app.last_activity_ms() >= idle_ms)
      return "no requests for " + std::to_string(options.idle_timeout_secs) + " s";
  }
}

// Joins both threads, or gives up after `grace` (they are then left running
// and the caller exits the process).
bool joined_within(std::chrono::seconds grace, std::thread& listener, std::thread& warmer) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> joined = done->get_future();
  std::thread joiner([&listener, &warmer, done] {
    listener.join();
    warmer.join();
    done->set_value();
  });
  if (joined.wait_for(grace) != std::future_status::ready) {
    joiner.detach();
    return false;
  }
  joiner.join();
  return true;
}

// Warms the dashboard's default question (and the report module's rollup
// cache) so the first page load does not pay for a cold store.
void warm_up(App& app, int port) {
  HttpRequest req;
  req.method = "GET";
  req.path = "/api/usage";
  req.params.emplace("period", "month");
  req.headers["host"] = "127.0.0.1:" + std::to_string(port);
  app.handle(req);
}

}  // namespace

HttpRequest to_request(const httplib::Request& in) {
  HttpRequest out;
  out.method = in.method;
  out.path = in.path;
  for (const auto& [k, v] : in.params) out.params.emplace(k, v);
  for (const auto& [k, v] : in.headers) {
    std::string key = k;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    out.headers.emplace(std::move(key), v);
  }
  out.body = in.body;
  return out;
}

void send(const HttpResponse& in, httplib::Response& out) {
  out.status = in.status;
  for (const auto& [k, v] : in.headers) out.set_header(k, v);
  if (in.status == 304) return;
  out.set_content(in.body, in.content_type);
}

void set_socket_options(int sock) {
  int yes = 1;
  ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
}

Expected<void> serve(Paths paths, const ServeOptions& options) {
  std::error_code ec;
  paths.root = fs::absolute(paths.root, ec);
  auto lock = acquire_daemon_lock(paths);
  if (!lock) {
    auto info = read_daemon_file(paths);
    return fail(info
                    ? "clown daemon is already running (pid " + std::to_string(info->pid) + "): " + info->url + "/usage"
                    : "clown daemon is already running (" + lock.error().message + ")",
                k_exit_already_running);
  }
  TRY_ASSIGN(int port, resolve_port(paths, options));
  const sigset_t signals = block_stop_signals();
  Log log(paths.daemon_log(), options.log_to_stderr);
  // 16 workers would otherwise get up to 8 malloc arenas per core, each
  // keeping freed report memory: the daemon's idle RSS target is 40 MiB.
  mallopt(M_ARENA_MAX, 2);
  LoopbackServer server;
  TRY_ASSIGN(port, bind_loopback(server, port));
  DaemonInfo info = daemon_info(paths, options, port);
  TRY_ASSIGN(const auto otel_token, ingest::otel_token(paths));
  App app(AppConfig{paths, port, info.token, info.started_at, otel_token, random_hex_id(16)});
  // A client that drips a request holds a worker until this cuts it off.
  ConnectionWatchdog watchdog(port, request_deadline(), [&log](const std::string& line) { log.line(line); });
  configure(server, app, log, watchdog);
  TRY_ASSIGN(auto team, start_team_listener(paths, app, log, info.team_listen));
  ServeOptions effective = options;
  effective.stay_alive = options.stay_alive || team != nullptr;  // other machines' exports keep coming
  info.stay_alive = effective.stay_alive;
  if (team) info.idle_timeout_secs = 0;
  TRY(write_daemon_file(paths, info));

  std::thread listener([&server] { server.listen_after_bind(); });
  log.line("clown daemon started (pid " + std::to_string(info.pid) + ") at " + info.url + "/usage" +
           (options.stay_alive ? ", staying alive"
                               : ", idle exit after " + std::to_string(options.idle_timeout_secs) + " s"));
  if (options.on_ready) options.on_ready(info);
  std::thread warmer([&app, port] { warm_up(app, port); });
  const std::string reason = wait_for_stop(signals, app, effective);
  if (team) team->stop();
  // stop() closes the listening socket; workers finish the requests they
  // hold and the pool is joined before listen_after_bind returns.
  server.stop();
  if (!joined_within(k_stop_grace, listener, warmer)) {
    // A request is stuck (a sync against a server that drips bytes): exit
    // anyway, `clown daemon stop` must always work.
    log.line("clown daemon stopped (" + reason + ") with " + std::to_string(app.in_flight()) +
             " request(s) still in flight, cut off after " + std::to_string(k_stop_grace.count()) + " s");
    remove_daemon_file_if_owned(paths, info.pid);
    std::fflush(nullptr);
    ::_exit(0);
  }
  // Log before removing daemon.json: whoever sees the file gone finds the reason logged.
  log.line("clown daemon stopped (" + reason + ")");
  remove_daemon_file_if_owned(paths, info.pid);
  return {};
}

}  // namespace clown::webui
