#include "cli/commands.hpp"

namespace clown::cli {

void set_registry_command(CLI::App& app, Context& ctx) {
  (void)ctx;
  app.add_subcommand("registry", "(not yet implemented)");
}

}  // namespace clown::cli
