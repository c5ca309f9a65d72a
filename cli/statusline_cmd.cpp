// clown statusline — Claude Code's statusLine command (JSON on stdin, one line out).
#include <cstdlib>
#include <iostream>
#include <iterator>

#include "cli/commands.hpp"
#include "common/time.hpp"
#include "reports/statusline.hpp"
#include "runs/session_spend.hpp"

namespace clown::cli {

void set_statusline_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("statusline", "Print Claude Code's status line (its statusLine JSON on stdin)");
  cmd->footer(
      "clown run sets it up for Claude Code; elsewhere add to settings.json:\n"
      "  \"statusLine\": {\"type\": \"command\", \"command\": \"clown statusline\"}\n"
      "Segments, colours and thresholds: [statusline] in config.toml. NO_COLOR is honoured.");
  cmd->callback([&ctx] {
    const std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    // The output goes to Claude Code, not a terminal: only NO_COLOR
    // (https://no-color.org, any non-empty value) turns colour off.
    const char* no_color = std::getenv("NO_COLOR");
    const bool color = !(no_color && *no_color);
    std::cout << unwrap(reports::statusline(ctx.paths, input, reports::statusline_profile(), color, now_ms(),
                                            runs::session_spend_reader(ctx.paths)))
              << "\n";
  });
}

}  // namespace clown::cli
