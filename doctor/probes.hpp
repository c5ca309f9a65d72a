#pragma once
// What the checks ask the system: a program's output, a TCP connect, a free
// port. No HTTP: clown links no HTTP/TLS (docs/design.md#two-executables).
#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/launch_plan.hpp"

namespace clown::doctor {

struct Captured {
  int exit_code = -1;  // 128+N for signal N
  std::string output;  // stdout and stderr, as they came
};

// Runs argv (stdin /dev/null) and collects its output; past the deadline it
// is killed and that is an error.
Expected<Captured> run_captured(const std::vector<std::string>& argv, const launcher::EnvMap& env, int timeout_ms);

struct Endpoint {
  std::string host;
  int port = 0;
};
// scheme://host[:port][/path] (https: 443, http: 80); [v6] hosts too.
Expected<Endpoint> endpoint_of(const std::string& url);

// Resolves the host and opens (then closes) a TCP connection within the timeout.
Expected<void> tcp_connect(const Endpoint& endpoint, int timeout_ms);

// True when nothing listens on 127.0.0.1:port (a bind would succeed).
bool port_free(int port);

}  // namespace clown::doctor
