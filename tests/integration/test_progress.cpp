// The import progress bar appears on a terminal, and only there.
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>

#include "tests/integration/cli_fixture.hpp"

using namespace clown::test;

namespace {

// Runs clown with stdin/stdout/stderr on a new pseudo-terminal; returns what
// the terminal showed and the exit status.
std::pair<std::string, int> run_on_terminal(const ClownHome& h, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {clown_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> a;
  for (auto& s : argv) a.push_back(s.data());
  a.push_back(nullptr);
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::setenv("CLOWN_HOME", h.home().c_str(), 1);
    ::setenv("CLOWN_PROGRESS_DELAY_MS", "0", 1);
    ::execv(a[0], a.data());
    ::_exit(127);
  }
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(master, buf, sizeof buf);
    if (n > 0)
      out.append(buf, static_cast<size_t>(n));
    else if (n < 0 && errno == EINTR)
      continue;
    else
      break;  // EIO once the child closed the terminal
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

}  // namespace

TEST_CASE("import-claude draws a progress bar on a terminal and none into a pipe") {
  ClownHome h;
  const auto dir = h.work() / "claude";
  std::string line =
      R"({"type":"assistant","sessionId":"s1","timestamp":"2026-11-20T10:00:00.000Z","requestId":"req_1",)"
      R"("message":{"id":"msg_1","model":"claude-sonnet-4-5","usage":{"input_tokens":10,"output_tokens":5}}})";
  write_text(dir / "projects" / "-p" / "s1.jsonl", line + "\n");

  auto [terminal, code] = run_on_terminal(h, {"usage", "import-claude", "--claude-dir", dir.string()});
  CHECK(code == 0);
  CHECK(terminal.find("importing [##############################] 100%") != std::string::npos);
  CHECK(terminal.find("\r\x1b[2K") != std::string::npos);  // the bar is erased before the summary
  CHECK(terminal.find("Imported 1 new request from 1 of 1 transcript files") != std::string::npos);

  ClownHome piped;
  auto r = piped.clown({"usage", "import-claude", "--claude-dir", dir.string()},
                       {.env = {{"CLOWN_PROGRESS_DELAY_MS", "0"}}});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("importing") == std::string::npos);
  CHECK(r.out.find("Imported 1 new request from") == 0);
}
