// What doctor's checks ask the system: URLs to host and port, a program's
// output within a deadline, a free port.
#include <catch2/catch.hpp>

#include "doctor/probes.hpp"

using namespace clown;
using doctor::endpoint_of;

TEST_CASE("endpoint_of: host and port of a base URL, default ports by scheme", "[doctor]") {
  auto e = endpoint_of("https://api.z.ai/api/anthropic");
  REQUIRE(e);
  CHECK(e->host == "api.z.ai");
  CHECK(e->port == 443);
  e = endpoint_of("http://127.0.0.1:8080");
  REQUIRE(e);
  CHECK(e->host == "127.0.0.1");
  CHECK(e->port == 8080);
  e = endpoint_of("http://[::1]:9000/v1?x=1");
  REQUIRE(e);
  CHECK(e->host == "::1");
  CHECK(e->port == 9000);
  e = endpoint_of("http://localhost");
  REQUIRE(e);
  CHECK(e->port == 80);
  for (const char* bad : {"api.anthropic.com", "ftp://host", "http://:80", "http://host:99999", "http://[::1"}) {
    INFO(bad);
    CHECK_FALSE(endpoint_of(bad));
  }
}

TEST_CASE("run_captured: output and status, and a deadline", "[doctor]") {
  const launcher::EnvMap env = {{"PATH", "/usr/bin:/bin"}};
  auto out = doctor::run_captured({"/bin/sh", "-c", "echo 2.1.328 '(Claude Code)'; echo err >&2; exit 3"}, env, 5000);
  REQUIRE(out);
  CHECK(out->exit_code == 3);
  CHECK(out->output == "2.1.328 (Claude Code)\nerr\n");
  auto slow = doctor::run_captured({"/bin/sleep", "30"}, env, 200);
  REQUIRE_FALSE(slow);
  CHECK(slow.error().message == "/bin/sleep did not finish within 200 ms");
  auto missing = doctor::run_captured({"/nonexistent/agent"}, env, 1000);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "cannot start /nonexistent/agent: No such file or directory");
}
