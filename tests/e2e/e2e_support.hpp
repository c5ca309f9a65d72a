#pragma once
// Helpers for the e2e tests: the installed real Claude Code CLI, a fake
// Anthropic provider per test, and background processes we can signal.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/clown_home.hpp"

namespace clown::e2e {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Env = std::map<std::string, std::optional<std::string>>;

// The two Claude Code versions the suite proves clown against: 2.1.197 (older,
// no cost-state lines) and 2.1.328 (current, native binary, cost-state lines).
inline const std::string k_old_claude = "2.1.197";
inline const std::string k_new_claude = "2.1.328";

// <build dir>/e2e/<version>/node_modules/.bin/claude; fails the test with a
// message naming tests/e2e/setup when it is missing (never skips).
fs::path claude_bin(const std::string& version);

// Token sums of what a provider returned, and their cost at Claude Code's own
// claude-sonnet-4-5 prices ($3 / $15 / $3.75 5m / $6 1h / $0.30 reads per M).
struct Totals {
  int64_t input = 0;
  int64_t output = 0;
  int64_t cache_5m = 0;
  int64_t cache_1h = 0;
  int64_t cache_read = 0;
  int64_t requests = 0;
  double sonnet_45_cost() const;
};

// Sums over the answered (200) requests among `records` (fake_provider lines).
Totals totals_of(const std::vector<json>& records);

// tests/fake_provider/fake_provider on 127.0.0.1, an ephemeral port, stopped
// on destruction. Its record file is read back to see what it got and returned.
class FakeProvider {
 public:
  FakeProvider(const fs::path& dir, uint64_t seed, const std::string& mode = "normal",
               const std::string& expect_key = "", const std::vector<std::string>& extra = {});
  ~FakeProvider();
  FakeProvider(const FakeProvider&) = delete;
  FakeProvider& operator=(const FakeProvider&) = delete;

  int port() const { return m_port; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  const fs::path& record_file() const { return m_record; }
  // Every /v1/messages request it answered (all statuses).
  std::vector<json> messages() const;
  Totals totals() const;  // sums over the 200 answers

 private:
  pid_t m_pid = -1;
  int m_port = 0;
  fs::path m_record;
};

// A process started in the background (stdout/stderr to files), for signals.
class Background {
 public:
  // With stdout_pipe, stdout is a pipe instead of a file: wait_stdout_closed()
  // then tells when every process holding it (e.g. an agent that outlived its
  // launcher) has exited.
  Background(const std::vector<std::string>& argv, const Env& env, const fs::path& cwd, const fs::path& log_prefix,
             bool stdout_pipe = false);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  pid_t pid() const { return m_pid; }
  void signal(int sig);
  // Waits at most timeout_secs; returns the exit status (128+N for signal N),
  // or -1 after killing it on timeout.
  int wait(int timeout_secs);
  // Reads stdout until EOF; false on timeout.
  bool wait_stdout_closed(int timeout_secs);

 private:
  pid_t m_pid = -1;
  int m_stdout_fd = -1;
  bool m_done = false;
  int m_status = -1;
};

// Polls until `pred` holds (a file appeared, a line was recorded); false on timeout.
bool wait_until(const std::function<bool()>& pred, int timeout_secs);

std::vector<json> read_jsonl(const fs::path& path);
// All lines of every projects/**/*.jsonl under a Claude config dir.
std::vector<json> transcript_lines(const fs::path& config_dir);
// The last cost-state line's totalCostUSD per session id.
std::map<std::string, double> last_cost_state(const fs::path& config_dir);
// Every cost-state totalCostUSD of a session, in file order (they are
// cumulative across --resume).
std::vector<double> cost_states_of(const fs::path& config_dir, const std::string& session_id);

// A test's private world: CLOWN_HOME, HOME, a work dir, and the environment
// for clown and claude (inherited routing variables removed, non-essential
// Claude Code traffic off so every billed request lands in a transcript).
struct World {
  clown::test::ClownHome base;
  fs::path clown_home;
  fs::path home;
  fs::path work;
  Env env;
  World();
  clown::test::ProcessResult clown(const std::vector<std::string>& args) const;
  clown::test::ProcessResult clown_with(const std::vector<std::string>& args, const Env& extra) const;
  std::vector<json> session_lines() const;
};

// Runs claude directly (no clown) against `provider_url` with `key`, for a
// reference exit status.
clown::test::ProcessResult run_claude_direct(const World& world, const fs::path& claude,
                                             const std::string& provider_url, const std::string& key,
                                             const std::vector<std::string>& args);

// Occurrences of `needle` in every session transcript under a Claude config dir.
int count_in_transcripts(const fs::path& config_dir, const std::string& needle);

// An isolated profile `alias` whose Claude home is past the first-run screens
// (onboarding, approval of `key`, the work folder's trust): they are not what
// the interactive tests prove.
void create_interactive_profile(const World& world, const std::string& alias, const FakeProvider& provider,
                                const fs::path& claude, const std::string& key);

}  // namespace clown::e2e
