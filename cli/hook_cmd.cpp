// clown hook session-start|session-end|subagent-start|stop --run ID — called by the agent (Claude Code,
// Codex CLI, Gemini CLI) from the hooks clown registered for the run.
#include <iostream>
#include <iterator>
#include <memory>

#include "cli/commands.hpp"
#include "common/time.hpp"
#include "runs/budget_hook.hpp"
#include "runs/run_record.hpp"

namespace clown::cli {

void set_hook_command(CLI::App& app, Context& ctx) {
  auto* hook = app.add_subcommand("hook", "Internal: receives the agent's session hooks during clown run");
  hook->group("Internal");
  hook->require_subcommand(1);
  for (const char* event : {"session-start", "session-end", "subagent-start"}) {
    auto run_id = std::make_shared<std::string>();
    auto* cmd = hook->add_subcommand(event, std::string("Record a ") + event + " hook (JSON on stdin)");
    cmd->add_option("--run", *run_id, "Run id")->required();
    cmd->callback([run_id, event, &ctx] {
      std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
      // Hook output on stdout would be shown to the model (SessionStart adds
      // it to the context), and a failing hook must never stop the session:
      // report problems on stderr and exit 0.
      if (auto r = runs::record_hook_event(ctx.paths, *run_id, event, input); !r)
        std::cerr << "clown hook: " << r.error().message << "\n";
    });
  }
  // Claude Code's Stop hook: a budget level crossed during the run is said
  // once, as hook JSON output (docs/cost.md#budget-hook).
  auto run_id = std::make_shared<std::string>();
  auto* stop = hook->add_subcommand("stop", "Warn once per budget level crossed during the run (JSON on stdin)");
  stop->add_option("--run", *run_id, "Run id")->required();
  stop->callback([run_id, &ctx] {
    std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    auto out = runs::budget_hook(ctx.paths, *run_id, input, now_ms());
    if (!out)
      std::cerr << "clown hook: " << out.error().message << "\n";
    else if (!out->empty())
      std::cout << *out << "\n";
  });
}

}  // namespace clown::cli
