#include "cli/commands.hpp"

namespace clown::cli {

void set_profiles_command(CLI::App& app, Context& ctx) {
  (void)ctx;
  (void)app;
}

}  // namespace clown::cli
