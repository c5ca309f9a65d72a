#pragma once
// Shared helpers for tests: a private CLOWN_HOME per test and a way to run the
// built binaries and capture what they print.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

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
  int exit_code = -1;     // exit status, or 128+N when killed by signal N
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

// Paths of the built executables (set by CMake as compile definitions).
fs::path clown_binary();
fs::path clownd_binary();
fs::path fake_agent_binary();
fs::path source_dir();

std::string read_text(const fs::path& path);
void write_text(const fs::path& path, const std::string& text);

}  // namespace clown::test
