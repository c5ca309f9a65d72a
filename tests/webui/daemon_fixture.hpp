#pragma once
// A daemon started with the built `clown daemon start` in a private
// CLOWN_HOME (HOME too, so nothing reads the real ~/.claude), stopped (or
// killed) when the fixture dies.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <httplib.h>

#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.hpp"

namespace clown::test {

// A free 127.0.0.1 port below Linux's ephemeral range (so a daemon's
// --port 0 cannot take it), probed with a raw socket and closed again; 0
// when none was found. For a listener whose port goes into config.toml.
inline int free_fixed_port() {
  std::random_device rd;
  for (int tries = 0; tries < 200; ++tries) {
    const int port = 20000 + static_cast<int>(rd() % 12000);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (ok) return port;
  }
  return 0;
}

class DaemonFixture {
 public:
  DaemonFixture() {
    home = tmp.path() / "home";
    fs::create_directories(home);
    fs::create_directories(tmp.path() / "user");
  }
  ~DaemonFixture() { shutdown(); }

  std::map<std::string, std::optional<std::string>> env() const {
    std::map<std::string, std::optional<std::string>> e{
        {"CLOWN_HOME", home.string()},       {"HOME", (tmp.path() / "user").string()},
        {"CLAUDE_CONFIG_DIR", std::nullopt}, {"CODEX_HOME", std::nullopt},
        {"GEMINI_CLI_HOME", std::nullopt},   {"XDG_DATA_HOME", std::nullopt},
        {"XDG_CONFIG_HOME", std::nullopt},   {"NO_COLOR", "1"}};
    for (const auto& [k, v] : extra_env) e[k] = v;
    return e;
  }

  ProcessResult clown(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{clown_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessOptions options;
    options.env = env();
    return run_process(argv, options);
  }

  // `clown daemon start --port 0` (the kernel picks a free port).
  ProcessResult start(std::vector<std::string> more = {}) {
    std::vector<std::string> args{"daemon", "start", "--port", "0"};
    args.insert(args.end(), more.begin(), more.end());
    auto r = clown(args);
    if (r.exit_code == 0) load_info();
    return r;
  }

  void load_info() {
    info = nlohmann::json::parse(read_text(home / "daemon.json"));
    port = info["port"].get<int>();
    token = info["token"].get<std::string>();
    pid = info["pid"].get<int>();
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(5, 0);
    c.set_read_timeout(30, 0);
    return c;
  }

  // Reads need a login (docs/security.md#login): the token header by default.
  httplib::Result get(const std::string& path, httplib::Headers headers = {}, bool with_token = true) const {
    if (with_token) headers.emplace("X-Clown-Token", token);
    return client().Get(path, headers);
  }
  httplib::Result post(const std::string& path, const std::string& body, bool with_token = true) const {
    httplib::Headers headers;
    if (with_token) headers.emplace("X-Clown-Token", token);
    return client().Post(path, headers, body, "application/json");
  }
  nlohmann::json get_json(const std::string& path) const {
    auto res = get(path);
    if (!res) return nlohmann::json{{"transport_error", httplib::to_string(res.error())}};
    return nlohmann::json::parse(res->body);
  }

  // Waits (bounded) until daemon.json disappears: the daemon removes it last.
  // Waits on a pidfd for the daemon process to exit (no polling), which it does
  // after its last log line and removing daemon.json.
  bool wait_daemon_file_gone(std::chrono::milliseconds limit = std::chrono::milliseconds(15000)) const {
    const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (fd >= 0) {
      pollfd p{fd, POLLIN, 0};
      const int n = ::poll(&p, 1, static_cast<int>(limit.count()));
      ::close(fd);
      if (n != 1) return false;
    }
    return !fs::exists(home / "daemon.json");
  }

  void shutdown() {
    if (!fs::exists(home / "daemon.json")) return;
    auto r = clown({"daemon", "stop"});
    if (r.exit_code != 0 && pid > 0) ::kill(pid, SIGKILL);
  }

  TempDir tmp;
  fs::path home;
  std::map<std::string, std::optional<std::string>> extra_env;
  nlohmann::json info;
  int port = 0;
  int pid = 0;
  std::string token;
};

}  // namespace clown::test
