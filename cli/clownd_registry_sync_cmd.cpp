#include "cli/clownd_commands.hpp"

namespace clown::cli {

void set_clownd_registry_sync_command(CLI::App& app, const Paths& paths, int& exit_code) {
  (void)paths;
  (void)exit_code;
  app.add_subcommand("registry-sync", "(not yet implemented)");
}

}  // namespace clown::cli
