#include "cli/commands.hpp"

namespace clown::cli {

void set_hook_command(CLI::App& app, Context& ctx) {
  (void)ctx;
  (void)app;
}

}  // namespace clown::cli
