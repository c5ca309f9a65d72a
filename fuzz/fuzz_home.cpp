#include "fuzz/fuzz_home.hpp"

#include <cstdlib>
#include <string>
#include <system_error>

namespace clown::fuzz {

namespace {

void remove_home();

std::filesystem::path make_home() {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/clown-fuzz-XXXXXX";
  if (!::mkdtemp(templ.data())) std::abort();
  const std::filesystem::path dir = templ;
  std::filesystem::create_directories(dir / "clown");
  std::filesystem::create_directories(dir / "home");
  ::setenv("CLOWN_HOME", (dir / "clown").c_str(), 1);
  ::setenv("HOME", (dir / "home").c_str(), 1);
  // Where agents keep their logs when set (profiles/agents/*.toml [usage] dirs).
  for (const char* name : {"CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
                           "XDG_STATE_HOME", "XDG_CACHE_HOME", "CLOWN_PRICING_URL"})
    ::unsetenv(name);
  std::atexit(remove_home);
  return dir;
}

void remove_home() {
  std::error_code ec;
  std::filesystem::remove_all(fuzz_home(), ec);
}

}  // namespace

const std::filesystem::path& fuzz_home() {
  static const std::filesystem::path dir = make_home();
  return dir;
}

}  // namespace clown::fuzz
