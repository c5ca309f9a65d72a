#pragma once
// Turns a profile into exactly what gets executed (docs/design.md#launch, steps
// 1-4). Pure: no I/O, so every rule is unit-testable.
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
  profiles::AgentManifest agent;
  profiles::Provider provider;
  EnvMap inherited_env;                // the user's environment
  std::optional<std::string> api_key;  // resolved key (credential file / env var), if any
  Paths paths;
  std::string run_id;
  std::filesystem::path clown_exe;      // for the hook commands
  std::vector<std::string> agent_args;  // everything after `--`
  // The agent's telemetry export to clown (launcher/claude_telemetry.hpp);
  // empty: none. Only session commands get it.
  EnvMap telemetry_env;
};

struct LaunchPlan {
  std::string agent_id;  // catalog ids, recorded with the run
  std::string provider_id;
  std::string binary;                   // as configured (resolved on PATH at spawn time)
  std::vector<std::string> argv;        // argv[0] = binary
  EnvMap env;                           // the complete child environment
  EnvMap provider_env;                  // the variables clown sets (also the settings env block)
  std::vector<std::string> removed;     // inherited variables that were stripped
  bool session = true;                  // false for `claude mcp ...`, `--version`, ...
  std::filesystem::path settings_path;  // empty when !session
  nlohmann::json settings;              // {"env":{...},"hooks":{...}}
  std::string config_dir;               // CLAUDE_CONFIG_DIR given to the agent ("" = agent default)
  bool isolated = false;                // config_dir is the profile's own home
  bool telemetry = false;               // the agent exports its telemetry to clownd
};

// Inherited variables that route an agent somewhere; removed unless the
// profile sets them itself.
const std::vector<std::string>& routing_variables();

Expected<LaunchPlan> make_launch_plan(const LaunchInputs& in);

// False for the agent's commands that start no session (`claude mcp ...`,
// `--version`, ...): they get no settings file, hooks or telemetry.
bool is_session(const profiles::AgentManifest& agent, const std::vector<std::string>& args);

// The `export K='v'` / `unset K` lines of `clown profiles env`.
std::string shell_exports(const LaunchPlan& plan);

// Single-quotes a string for POSIX sh.
std::string shell_quote(const std::string& s);

}  // namespace clown::launcher
