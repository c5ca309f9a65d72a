#pragma once
// Turns a profile into exactly what gets executed (docs/design.md#launch):
// the agent's definition (profiles/agent_definition.hpp) applied to the
// profile, its provider and the environment. Pure: no I/O, so every rule is
// unit-testable.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "profiles/catalog.hpp"
#include "profiles/profile.hpp"

namespace clown::launcher {

using EnvMap = std::map<std::string, std::string>;

struct LaunchInputs {
  profiles::Profile profile;
  profiles::AgentDefinition agent;
  profiles::Provider provider;
  // Providers that serve an API the agent speaks (for the mismatch message).
  std::vector<std::string> working_providers;
  EnvMap inherited_env;                // the user's environment
  std::optional<std::string> api_key;  // resolved key (credential file / env var), if any
  Paths paths;
  std::string run_id;
  std::filesystem::path clown_exe;      // for the hook commands
  std::vector<std::string> agent_args;  // everything after `--`
  std::string new_session_id;           // a fresh UUID, for agents that take one ({new_session_id})
  std::string cwd;
  // The agent's telemetry export to clown (launcher/claude_telemetry.hpp);
  // empty: none. Only session commands get it.
  EnvMap telemetry_env;
  // The user's own settings.json (in the agent's config dir) defines a
  // status line: clown does not replace it.
  bool user_statusline = false;
};

// JSON merged into a file of the isolated home before the agent starts.
struct HomeFileMerge {
  std::filesystem::path path;
  std::vector<nlohmann::json> patches;
};

struct LaunchPlan {
  std::string agent_id;  // catalog ids, recorded with the run
  std::string provider_id;
  std::string api;                     // the API the provider is reached by ("" when nothing was injected)
  std::string model;                   // the model clown asked for ("" = the agent's default)
  std::string binary;                  // as configured (resolved on PATH at spawn time)
  std::vector<std::string> argv;       // argv[0] = binary
  EnvMap env;                          // the complete child environment
  EnvMap provider_env;                 // the variables clown sets for provider and model (+ the profile's [env])
  std::vector<std::string> args;       // the arguments clown adds for provider and model
  EnvMap isolation_env;                // the isolated home's variables (CLAUDE_CONFIG_DIR, CODEX_HOME, ...)
  std::vector<std::string> unset;      // the agent's routing variables clown does not set
  std::vector<std::string> removed;    // ... of which the inherited environment had these (stripped)
  bool session = true;                 // false for `claude mcp ...`, `--version`, ...
  std::filesystem::path session_file;  // empty when the agent has none or !session
  std::string session_file_content;    // Claude Code: {"env":{...},"hooks":{...}}
  std::vector<HomeFileMerge> home_files;
  std::string config_dir;    // the agent's home given by isolation, else the inherited one ("" = agent default)
  std::string usage_dir;     // where this run's usage logs are ("" = unknown)
  std::string usage_reader;  // the agent's usage reader
  std::filesystem::path telemetry_file;  // a file the agent writes during the run (Gemini CLI)
  std::string session_id;                // the session id clown chose (--session-id), if any
  bool isolated = false;                 // config_dir is the profile's own home
  bool telemetry = false;                // the agent exports its telemetry to clownd
  bool statusline = false;               // the session file sets `clown statusline` as the status line
};

Expected<LaunchPlan> make_launch_plan(const LaunchInputs& in);

// False for the agent's commands that start no session (`claude mcp ...`,
// `--version`, ...): they get no session file, hooks or telemetry.
bool is_session(const profiles::AgentDefinition& agent, const std::vector<std::string>& args);

// The `export K='v'` / `unset K` lines of `clown profiles env` (plus, as a
// comment, the arguments clown would add).
std::string shell_exports(const LaunchPlan& plan);

// Single-quotes a string for POSIX sh.
std::string shell_quote(const std::string& s);

}  // namespace clown::launcher
