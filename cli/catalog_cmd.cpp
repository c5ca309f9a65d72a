#include "cli/commands.hpp"

namespace clown::cli {

void set_catalog_commands(CLI::App& app, Context& ctx) {
  (void)ctx;
  (void)app;
}

}  // namespace clown::cli
