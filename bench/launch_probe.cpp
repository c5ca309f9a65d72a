// Time from starting a command to its agent's first instruction: what a user
// waits for between typing `clown run work` and the agent starting
// (bench/launch_bench.sh). As the harness:
//   launch_probe RUNS -- COMMAND...   (COMMAND ends up exec'ing `launch_probe --agent`)
// starts COMMAND RUNS times and prints the median and p95 in ms. As the agent:
//   launch_probe --agent ...          writes CLOCK_MONOTONIC (ns) to $CLOWN_PROBE_OUT
// (also when started through a symlink named launch_agent).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace {

int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int agent() {
  const int64_t t = now_ns();
  const char* out = std::getenv("CLOWN_PROBE_OUT");
  if (!out) return 1;
  const std::string text = std::to_string(t);
  const int fd = ::open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return 1;
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  // The agent: `--agent`, or called as launch_agent (a profile's agent-bin
  // takes no arguments of its own).
  const char* base = std::strrchr(argv[0], '/');
  if ((argc >= 2 && std::strcmp(argv[1], "--agent") == 0) ||
      std::strcmp(base ? base + 1 : argv[0], "launch_agent") == 0)
    return agent();
  if (argc < 4 || std::strcmp(argv[2], "--") != 0) {
    std::fprintf(stderr, "usage: launch_probe RUNS -- COMMAND...\n");
    return 2;
  }
  const int runs = std::atoi(argv[1]);
  const char* out = std::getenv("CLOWN_PROBE_OUT");
  if (!out || runs < 1) {
    std::fprintf(stderr, "launch_probe: set CLOWN_PROBE_OUT to a file path and RUNS >= 1\n");
    return 2;
  }
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    ::unlink(out);
    pid_t pid = 0;
    const int64_t start = now_ns();
    if (posix_spawn(&pid, argv[3], nullptr, nullptr, argv + 3, environ) != 0) {
      std::perror("launch_probe: posix_spawn");
      return 1;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    FILE* f = std::fopen(out, "r");
    long long t = 0;
    if (!f || std::fscanf(f, "%lld", &t) != 1) {
      std::fprintf(stderr, "launch_probe: the agent did not start (run %d)\n", i + 1);
      return 1;
    }
    std::fclose(f);
    ms.push_back(static_cast<double>(t - start) / 1e6);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%.3f %.3f\n", ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 95 / 100)]);
  return 0;
}
