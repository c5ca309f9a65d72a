// clown doctor: every check once healthy and once failing, with what to do.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/integration/cli_fixture.hpp"

using namespace clown::test;
using nlohmann::json;

namespace {

// A socket on 127.0.0.1 with an ephemeral port: listening (connects succeed)
// or only bound (connects are refused).
class LocalPort {
 public:
  explicit LocalPort(bool listening) : m_fd(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    if (listening) REQUIRE(::listen(m_fd, 4) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
  }
  ~LocalPort() { ::close(m_fd); }
  int port() const { return m_port; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

 private:
  int m_fd;
  int m_port = 0;
};

json doctor_json(const ClownHome& h, const EnvChanges& env, int expected_exit) {
  auto r = h.clown_env({"doctor", "--json"}, env);
  INFO(r.out << r.err);
  CHECK(r.exit_code == expected_exit);
  return json::parse(r.out);
}

// The one check with this subject and name.
json find(const json& report, const std::string& subject, const std::string& check) {
  json found;
  int n = 0;
  for (const auto& c : report["checks"])
    if (c["subject"] == subject && c["check"] == check) found = c, ++n;
  INFO(subject << ": " << check << " in " << report.dump(2));
  REQUIRE(n == 1);
  return found;
}

}  // namespace

TEST_CASE("clown doctor passes a healthy setup and fails each broken part once, saying what to do") {
  ClownHome h;
  LocalPort endpoint(true), closed(false), taken(true);
  const int free_port = LocalPort(false).port();  // closed again: free for the daemon
  const auto agent = h.dir() / "fake-claude";
  write_text(agent, "#!/bin/sh\necho '9.9.9 (Fake Code)'\n");
  fs::permissions(agent, fs::perms::owner_all);
  write_text(h.root() / "config.toml", "[daemon]\nport = " + std::to_string(free_port) + "\n");
  REQUIRE(h.clown({"profiles", "create", "good", "--provider", "custom", "--endpoint", endpoint.url(),
                   "--api-key-stdin", "--agent-bin", agent.string()},
                  {.stdin_data = "k\n"})
              .exit_code == 0);
  const EnvChanges env = {{"PATH", "/usr/bin:/bin"}};
  auto healthy = doctor_json(h, env, 0);
  CHECK(healthy["ok"] == true);
  CHECK(find(healthy, "profile good", "agent binary")["detail"] == "9.9.9 (Fake Code) (" + agent.string() + ")");
  CHECK(find(healthy, "profile good", "api key")["detail"] == "stored (credentials/good)");
  CHECK(find(healthy, "profile good", "endpoint")["detail"] == endpoint.url() + " accepts connections");
  CHECK(find(healthy, "prices", "price file")["status"] == "ok");
  CHECK(find(healthy, "daemon", "daemon")["detail"] ==
        "not running; port " + std::to_string(free_port) + " is free for it");
  CHECK(find(healthy, "store", "usage.db")["status"] == "ok");
  CHECK(find(healthy, "shims", "shims")["status"] == "ok");
  for (const auto& c : healthy["checks"]) CHECK(c["fix"].is_null());

  // Break each part.
  REQUIRE(h.clown({"profiles", "create", "nobin", "--provider", "custom", "--endpoint", endpoint.url(), "--agent-bin",
                   "/nonexistent/claude"})
              .exit_code == 0);
  REQUIRE(h.clown({"profiles", "create", "nokey", "--provider", "zai", "--agent-bin", agent.string()}).exit_code == 0);
  const auto broken_agent = h.dir() / "broken-claude";
  write_text(broken_agent, "#!/bin/sh\necho 'cannot find module' >&2\nexit 2\n");
  fs::permissions(broken_agent, fs::perms::owner_all);
  REQUIRE(h.clown({"profiles", "create", "badbin", "--provider", "custom", "--endpoint", endpoint.url(), "--agent-bin",
                   broken_agent.string()})
              .exit_code == 0);
  REQUIRE(h.clown({"profiles", "create", "down", "--provider", "custom", "--endpoint", closed.url(), "--agent-bin",
                   agent.string()})
              .exit_code == 0);
  write_text(h.root() / "profiles" / "typo.toml", "provider = \"self\"\nisloate = true\n");
  write_text(h.root() / "profiles" / "broken.toml", "provider = \"self\"\nmodel = \"unterminated\n");
  write_text(h.root() / "config.toml", "[daemon]\nport = " + std::to_string(taken.port()) + "\n");
  write_text(h.root() / "registry" / "litellm-pricing.json", "<html>not prices</html>");
  write_text(h.root() / "telemetry" / "usage.db", std::string(8192, 'x'));
  REQUIRE(h.clown({"shims", "install", "good", "--dir", (h.user_home() / ".local" / "bin").string()}).exit_code == 0);

  auto sick = doctor_json(h, {{"PATH", "/usr/bin:/bin"}, {"ZAI_API_KEY", std::nullopt}}, 1);
  CHECK(sick["ok"] == false);
  auto nobin = find(sick, "profile nobin", "agent binary");
  CHECK(nobin["status"] == "fail");
  CHECK(nobin["detail"] == "'/nonexistent/claude' not found");
  CHECK(nobin["fix"] ==
        "install Claude Code, or point the profile at it: clown profiles set nobin agent_bin=/path/to/claude");
  auto badbin = find(sick, "profile badbin", "agent binary");
  CHECK(badbin["status"] == "fail");
  CHECK(badbin["detail"] == broken_agent.string() + ": --version exited 2: cannot find module");
  auto nokey = find(sick, "profile nokey", "api key");
  CHECK(nokey["status"] == "fail");
  CHECK(nokey["detail"].get<std::string>().rfind(
            "profile 'nokey' has no API key for provider 'zai': export ZAI_API_KEY", 0) == 0);
  auto down = find(sick, "profile down", "endpoint");
  CHECK(down["status"] == "fail");
  CHECK(down["detail"] == closed.url() + ": 127.0.0.1:" + std::to_string(closed.port()) + ": Connection refused");
  CHECK(down["fix"] == "check the network, or the endpoint: clown profiles set down endpoint=URL");
  auto typo = find(sick, "config", "typo.toml");
  CHECK(typo["status"] == "warn");
  CHECK(typo["detail"] == "unknown keys (ignored): isloate");
  auto broken = find(sick, "config", "broken.toml");
  CHECK(broken["status"] == "fail");
  CHECK(broken["detail"].get<std::string>().rfind((h.root() / "profiles" / "broken.toml").string() + ":2:", 0) == 0);
  CHECK(find(sick, "prices", "price file")["status"] == "warn");
  auto daemon = find(sick, "daemon", "daemon");
  CHECK(daemon["status"] == "fail");
  CHECK(daemon["detail"] == "not running, and another program listens on 127.0.0.1:" + std::to_string(taken.port()));
  auto store = find(sick, "store", "usage.db");
  CHECK(store["status"] == "fail");
  CHECK(store["fix"].get<std::string>().rfind("move " + (h.root() / "telemetry" / "usage.db").string() + " aside", 0) ==
        0);
  auto shims = find(sick, "shims", "PATH");
  CHECK(shims["status"] == "fail");
  CHECK(shims["fix"] == "add it to PATH in your shell's profile: export PATH=\"" +
                            (h.user_home() / ".local" / "bin").string() + ":$PATH\"");
  // The good profile is still good.
  CHECK(find(sick, "profile good", "endpoint")["status"] == "ok");

  // The table says the same, one line per check and the fix below a failure.
  auto text = h.clown_env({"doctor"}, {{"PATH", "/usr/bin:/bin"}, {"ZAI_API_KEY", std::nullopt}});
  CHECK(text.exit_code == 1);
  CHECK(text.out.find("FAIL  profile nobin: agent binary") != std::string::npos);
  CHECK(text.out.find("      → install Claude Code") != std::string::npos);
  CHECK(text.out.find(" checks: ") != std::string::npos);
}
