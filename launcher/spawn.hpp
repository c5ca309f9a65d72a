#pragma once
// Runs the agent in the foreground of the same terminal and passes signals on
// (after Bear's SignalForwarder and sudo's rule for terminal signals).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/launch_plan.hpp"

namespace clown::launcher {

// The absolute path `binary` resolves to: as given when it contains a '/',
// else the first executable match on `path_var` (like execvp).
std::optional<std::string> find_executable(const std::string& binary, const std::string& path_var);

// Spawns argv with env (stdio inherited, same process group so the agent owns
// the terminal), forwards SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGWINCH/SIGUSR1/SIGUSR2
// sent to clown by another process, and waits. Returns the agent's exit code,
// or 128+N when it died from signal N. `on_spawned` gets the agent's pid.
Expected<int> run_foreground(const std::string& executable, const std::vector<std::string>& argv, const EnvMap& env,
                             const std::function<void(int)>& on_spawned = {});

}  // namespace clown::launcher
