#pragma once
// Shared helpers for tests: a private CLOWN_HOME per test and a way to run the
// built binaries and capture what they print.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace clown::test {

namespace fs = std::filesystem;

// A fresh temporary directory removed on destruction. Each test gets its own
// CLOWN_HOME inside one (tests never touch the real home).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

struct ProcessResult {
  int exit_code = -1;  // exit status, or 128+N when killed by signal N
  std::string out;
  std::string err;
};

struct ProcessOptions {
  // Environment: the test process's own environment with these changes.
  std::map<std::string, std::optional<std::string>> env{};  // nullopt removes
  std::string stdin_data{};
  fs::path cwd{};
  bool clear_env = false;  // start from an empty environment instead
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

using EnvChanges = std::map<std::string, std::optional<std::string>>;

// KEY=VALUE strings: the test process's environment (or none, when
// clear_env) with `changes` applied (nullopt removes).
std::vector<std::string> environment_with(const EnvChanges& changes, bool clear_env = false);

struct SpawnOptions {
  EnvChanges env{};
  fs::path cwd{};
  fs::path out = "/dev/null";  // stdout file (truncated), unless stdout_fd >= 0
  fs::path err = "/dev/null";  // stderr file (truncated)
  int stdout_fd = -1;
  bool clear_env = false;  // start from an empty environment instead
};

// Starts argv without waiting: stdin /dev/null, default signal dispositions
// and an empty signal mask (the child must see SIGINT even if the test
// ignores it). Throws when it cannot start.
pid_t spawn_process(const std::vector<std::string>& argv, const SpawnOptions& options = {});

// Waits for a spawned process: its exit status, or 128+N for signal N.
int wait_process(pid_t pid);
// waitpid status -> exit status, or 128+N for signal N.
int decode_status(int status);

// Paths of the built executables (set by CMake as compile definitions).
fs::path clown_binary();
fs::path clownd_binary();
fs::path fake_agent_binary();
fs::path source_dir();
// The Claude entries (litellm_provider "anthropic") of the bundled price
// snapshot: a synced file must keep them (docs/cost.md#sync-validation).
nlohmann::json bundled_claude_prices();

std::string read_text(const fs::path& path);
// One JSON value per non-empty line; lines that are not JSON are skipped.
std::vector<nlohmann::json> read_jsonl(const fs::path& path);
void write_text(const fs::path& path, const std::string& text);

}  // namespace clown::test
