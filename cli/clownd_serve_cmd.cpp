#include "cli/clownd_commands.hpp"

namespace clown::cli {

void set_clownd_serve_command(CLI::App& app, const Paths& paths, int& exit_code) {
  (void)paths;
  (void)exit_code;
  app.add_subcommand("serve", "(not yet implemented)");
}

}  // namespace clown::cli
