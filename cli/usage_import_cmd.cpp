#include "cli/commands.hpp"

namespace clown::cli {

void add_usage_import_command(CLI::App& usage, Context& ctx) {
  (void)ctx;
  usage.add_subcommand("import-claude", "(not yet implemented)");
}

}  // namespace clown::cli
