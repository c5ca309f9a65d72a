#pragma once
// `clown run <alias> [-- args...]`: load the profile, build the plan, record
// the run, spawn the agent, and account for it when it ends.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "launcher/launch_plan.hpp"

namespace clown::launcher {

struct RunRequest {
  std::string alias;
  std::vector<std::string> agent_args;
  std::filesystem::path clown_exe;
  bool over_budget = false;  // --over-budget: start even when a budget is exceeded (budget_gate = block)
  // Told what must be seen before the agent takes the terminal (a budget
  // warning); may be empty.
  std::function<void(const std::string&)> notify;
};

// Everything needed to launch a profile, without side effects (also used by
// `clown profiles env`).
Expected<LaunchPlan> plan_for_profile(const Paths& paths, const std::string& alias,
                                      const std::vector<std::string>& agent_args,
                                      const std::filesystem::path& clown_exe, const std::string& run_id);

struct RunOutcome {
  int exit_code = 0;  // what `clown run` exits with: the agent's status, 128+N for signal N
  std::vector<std::string> warnings;
  std::vector<std::string> notices;  // what happened, when the agent did not say (one line each)
};

// The profile, catalog entries, key and environment a launch starts from.
Expected<LaunchInputs> launch_inputs(const Paths& paths, const std::string& alias,
                                     const std::vector<std::string>& agent_args, const std::filesystem::path& clown_exe,
                                     const std::string& run_id);

// Runs the agent and records the run; a session first passes the budget gate
// (launcher/budget_gate.hpp), which may refuse it (exit 2). Non-session commands (`mcp list`,
// `--version`) are run but not recorded.
Expected<RunOutcome> run_profile(const Paths& paths, const RunRequest& request);

// The current process environment as a map.
EnvMap current_environment();

}  // namespace clown::launcher
