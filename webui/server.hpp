#pragma once
// Runs the daemon in the calling process: cpp-httplib bound to 127.0.0.1,
// a bounded thread pool, 1 MiB body limit, read/write timeouts, a total
// deadline for receiving each request (webui/request_deadline.hpp); stops on
// SIGTERM/SIGINT/SIGHUP (in-flight requests finish) or after the idle timeout.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "webui/daemon_state.hpp"
#include "webui/http_types.hpp"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace clown::webui {

// The largest request body either listener takes (the team listener's too:
// webui/team_listener.hpp).
inline constexpr size_t k_max_body_bytes = 1 << 20;

// Error exit code serve() uses when another daemon already holds the lock.
inline constexpr int k_exit_already_running = 3;

struct ServeOptions {
  std::optional<int> port;  // command line; else config.toml [daemon] port; 0 = any free port
  bool stay_alive = false;  // no idle exit
  int64_t idle_timeout_secs = 30 * 60;
  bool log_to_stderr = false;  // foreground: also print log lines
  // Called once the server accepts connections and daemon.json is written.
  std::function<void(const DaemonInfo&)> on_ready;
};

// Between cpp-httplib and the app's own types, for both listeners (the team
// listener's too: webui/team_listener.hpp): header names lower-cased.
HttpRequest to_request(const httplib::Request& in);
void send(const HttpResponse& in, httplib::Response& out);
// The accepted sockets' options: SO_REUSEADDR and TCP_NODELAY.
void set_socket_options(int sock);

// Blocks until the daemon stops. Errors before it is ready are returned.
Expected<void> serve(Paths paths, const ServeOptions& options);

}  // namespace clown::webui
