// clown run <alias> [-- agent args...]
#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "launcher/launcher.hpp"
#include "profiles/profile_store.hpp"

namespace clown::cli {

std::vector<std::string> split_run_args(int argc, char** argv, Context& ctx) {
  std::vector<std::string> args(argv, argv + argc);
  // Only `clown run [--over-budget] ALIAS ...` (not `clown run --help`):
  // everything after the alias belongs to the agent, whatever it looks like.
  const size_t at = args.size() >= 3 && args[2] == "--over-budget" ? 3 : 2;
  if (args.size() > at && args[1] == "run" && !args[at].empty() && args[at][0] != '-') {
    ctx.run_args.assign(args.begin() + static_cast<std::ptrdiff_t>(at) + 1, args.end());
    if (!ctx.run_args.empty() && ctx.run_args.front() == "--") ctx.run_args.erase(ctx.run_args.begin());
    args.resize(at + 1);
  }
  // `clown resume ... -- ARGS`: ARGS go to the agent after --resume <id>.
  if (args.size() >= 2 && args[1] == "resume") {
    if (auto dashes = std::find(args.begin() + 2, args.end(), "--"); dashes != args.end()) {
      ctx.run_args.assign(dashes + 1, args.end());
      args.erase(dashes, args.end());
    }
  }
  return args;
}

void set_run_command(CLI::App& app, Context& ctx) {
  auto alias = std::make_shared<std::string>();
  auto over_budget = std::make_shared<bool>(false);
  auto* run = app.add_subcommand("run", "Run a profile's agent: clown run ALIAS [-- AGENT ARGS...]");
  run->add_option("alias", *alias, "Profile name (see: clown profiles list)")->type_name("PROFILE");
  run->add_flag("--over-budget", *over_budget,
                "start even when a budget in config.toml is exceeded (before ALIAS; see budget_gate)");
  run->footer(
      "Everything after ALIAS (after `--` if you like) goes to the agent unchanged.\n"
      "Exits with the agent's exit status (128+N if it died from signal N).\n"
      "Reopen a session later with: clown resume SESSION-ID (or clown resume --last).\n"
      "An exceeded budget (config.toml [budgets]) stops the launch with exit 2 unless --over-budget is given\n"
      "or the profile says budget_gate = \"warn\" (or \"off\").");
  run->callback([alias, over_budget, &ctx] {
    if (alias->empty())
      throw Failure(clown::Error{
          "which profile? clown run ALIAS [-- AGENT ARGS...]; " + profiles::profiles_hint(ctx.paths), k_exit_usage});
    launcher::RunRequest request{*alias, ctx.run_args, ctx.self_exe, *over_budget,
                                 [](const std::string& line) { std::cerr << "clown: " << line << "\n"; }};
    const auto outcome = unwrap(launcher::run_profile(ctx.paths, request));
    for (const auto& w : outcome.warnings) std::cerr << "clown: warning: " << w << "\n";
    for (const auto& n : outcome.notices) std::cerr << "clown: " << n << "\n";
    ctx.exit_code = outcome.exit_code;
  });
}

}  // namespace clown::cli
