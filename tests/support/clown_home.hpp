#pragma once
// The fixture every test that runs the built binaries uses: a private
// CLOWN_HOME (and HOME, so defaults never reach the real ~/.claude) in a
// temporary directory, and `clown` run in it.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/paths.hpp"
#include "tests/support/test_support.hpp"

namespace clown::test {

class ClownHome {
 public:
  // config.toml asks for `[daemon] port = 0` (any free port): the daemon a
  // `clown run` starts for its telemetry never collides with another test's.
  ClownHome();
  // Stops the daemon a test started, if any.
  ~ClownHome();
  ClownHome(const ClownHome&) = delete;
  ClownHome& operator=(const ClownHome&) = delete;

  const fs::path& dir() const { return m_tmp.path(); }   // holds everything below; the default cwd
  fs::path root() const { return dir() / "clown"; }      // CLOWN_HOME
  fs::path home() const { return root(); }               // (alias of root, for older tests)
  fs::path user_home() const { return dir() / "home"; }  // HOME
  fs::path work() const { return dir(); }
  Paths paths() const { return Paths{root()}; }

  // CLOWN_HOME, HOME, NO_COLOR=1 and no inherited CLAUDE_CONFIG_DIR; cwd dir().
  ProcessOptions options() const;
  // Runs the built clown; `options.env` changes are applied over options()'s.
  ProcessResult clown(std::vector<std::string> args, ProcessOptions extra = {}) const;
  ProcessResult clown_env(std::vector<std::string> args, const EnvChanges& env) const;
  ProcessResult clownd(std::vector<std::string> args, ProcessOptions extra = {}) const;

  // telemetry/sessions.jsonl, one object per line (throws on a torn line).
  std::vector<nlohmann::json> session_lines() const;

 private:
  TempDir m_tmp;
};

}  // namespace clown::test
