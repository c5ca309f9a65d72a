#pragma once
#include <CLI/CLI.hpp>

#include "common/paths.hpp"

namespace clown::cli {

// clownd daemon start|stop|status  (webui: clownd_serve_cmd.cpp)
// clownd registry-sync ...  (registry: registry_sync_cmd.cpp)
void set_clownd_daemon_command(CLI::App& app, const Paths& paths, int& exit_code);
void set_clownd_registry_sync_command(CLI::App& app, const Paths& paths, int& exit_code);

inline void set_clownd_commands(CLI::App& app, const Paths& paths, int& exit_code) {
  set_clownd_daemon_command(app, paths, exit_code);
  set_clownd_registry_sync_command(app, paths, exit_code);
}

}  // namespace clown::cli
