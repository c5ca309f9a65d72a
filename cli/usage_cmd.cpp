#include "cli/commands.hpp"

namespace clown::cli {

void set_usage_command(CLI::App& app, Context& ctx) {
  (void)ctx;
  app.add_subcommand("usage", "(not yet implemented)");
}

}  // namespace clown::cli
