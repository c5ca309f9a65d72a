#include <catch2/catch.hpp>

#include "launcher/spawn.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;

TEST_CASE("find_executable searches PATH like execvp") {
  CHECK(launcher::find_executable("sh", "/nonexistent:/bin:/usr/bin") == std::optional<std::string>("/bin/sh"));
  CHECK_FALSE(launcher::find_executable("definitely-not-a-binary-xyz", "/bin:/usr/bin"));
  CHECK(launcher::find_executable("/bin/sh", "") == std::optional<std::string>("/bin/sh"));
  CHECK_FALSE(launcher::find_executable("/etc/passwd", ""));  // not executable
  CHECK_FALSE(launcher::find_executable("/tmp", ""));         // a directory
}

TEST_CASE("run_foreground returns the exit code, or 128+N for signal N") {
  launcher::EnvMap env = {{"PATH", "/usr/bin:/bin"}};
  CHECK(launcher::run_foreground("/bin/sh", {"sh", "-c", "exit 3"}, env) == 3);
  CHECK(launcher::run_foreground("/bin/sh", {"sh", "-c", "kill -TERM $$"}, env) == 128 + 15);
  int seen_pid = 0;
  CHECK(launcher::run_foreground("/bin/sh", {"sh", "-c", "exit 0"}, env, [&](int pid) { seen_pid = pid; }) == 0);
  CHECK(seen_pid > 0);
}
