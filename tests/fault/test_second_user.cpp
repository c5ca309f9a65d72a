// Another local account (uid 65534, "nobody") against a running daemon: it
// reaches the port but gets no page, no data and no write
// (docs/security.md#login). Switching users needs root, as CI runs.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/webui/daemon_fixture.hpp"

namespace fs = std::filesystem;
using clown::test::DaemonFixture;
using clown::test::ProcessResult;
using clown::test::run_process;

namespace {

// curl as uid/gid 65534 with no supplementary groups; prints the status code last.
ProcessResult as_nobody(std::vector<std::string> args) {
  std::vector<std::string> argv{"setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

ProcessResult curl_as_nobody(const DaemonFixture& d, const std::string& method, const std::string& path,
                             std::vector<std::string> more = {}) {
  std::vector<std::string> args{
      "curl", "-sS", "-X", method, "-w", "\n%{http_code}", "http://127.0.0.1:" + std::to_string(d.port) + path};
  args.insert(args.end(), more.begin(), more.end());
  return as_nobody(args);
}

std::string status_of(const ProcessResult& r) { return r.out.substr(r.out.rfind('\n') + 1); }

}  // namespace

TEST_CASE("a second Unix user gets no page, no data and no write from the daemon", "[fault][daemon]") {
  INFO("switching to uid 65534 needs root (setpriv)");
  REQUIRE(::geteuid() == 0);
  DaemonFixture d;
  REQUIRE(d.start().exit_code == 0);
  // Let nobody reach the daemon's home, so only the file modes protect it.
  fs::permissions(d.tmp.path(), fs::perms::others_exec, fs::perm_options::add);
  fs::permissions(d.home, fs::perms::others_exec, fs::perm_options::add);

  auto health = curl_as_nobody(d, "GET", "/api/health");
  REQUIRE(health.exit_code == 0);
  CHECK(status_of(health) == "200");  // the port is reachable: what follows is refused, not unreachable

  for (const std::string path : {"/", "/usage", "/profiles", "/sessions/x", "/static/app.js"}) {
    auto page = curl_as_nobody(d, "GET", path);
    CHECK(page.out == "Not logged in: run `clown daemon open` to open the dashboard.\n\n401");
  }
  for (const std::string path : {"/api/usage?period=all", "/api/usage/sessions", "/api/profiles", "/api/runs/active",
                                 "/api/usage/import-agents"}) {
    auto data = curl_as_nobody(d, "GET", path);
    CHECK(status_of(data) == "401");
    CHECK(data.out.find(d.token) == std::string::npos);
  }
  CHECK(status_of(curl_as_nobody(d, "GET", "/login?token=" + std::string(32, '0'))) == "401");
  for (const std::string path :
       {"/api/usage/import", "/api/usage/import-claude", "/api/registry/sync", "/api/login-token"})
    CHECK(status_of(curl_as_nobody(d, "POST", path, {"-H", "Content-Type: application/json", "-d", "{}"})) == "403");
  CHECK(status_of(curl_as_nobody(d, "POST", "/v1/logs", {"-H", "Content-Type: application/json", "-d", "{}"})) ==
        "401");

  // Nor can it read the token, the OTLP secret or a login page from the files.
  for (const char* file : {"daemon.json", "otel.token"}) {
    auto cat = as_nobody({"cat", (d.home / file).string()});
    CHECK(cat.exit_code != 0);
    CHECK(cat.err.find("Permission denied") != std::string::npos);
  }
  // Nothing was written: the store has no request.
  CHECK(d.get_json("/api/usage?period=all")["data"]["total_requests"] == 0);
}
