#include "cli/commands.hpp"

namespace clown::cli {

void set_daemon_command(CLI::App& app, Context& ctx) {
  (void)ctx;
  app.add_subcommand("daemon", "(not yet implemented)");
}

}  // namespace clown::cli
