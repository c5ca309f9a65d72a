// clown team token [--rotate]: the token other machines send to a central
// clownd's team listener (ingest/team_token.hpp, docs/security.md#team). Only
// the file is written here; the daemon reads it for every request.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "ingest/team_token.hpp"

namespace clown::cli {

void set_team_command(CLI::App& app, Context& ctx) {
  auto* team = app.add_subcommand("team", "Central collection for a team: the token other machines send");
  team->require_subcommand(1);
  auto rotate = std::make_shared<bool>(false);
  auto* token = team->add_subcommand(
      "token", "Print the team token (created on first use) a [team] role = \"central\" clownd accepts");
  token->add_flag("--rotate", *rotate, "Replace the token: senders with the old one are refused from now on");
  token->callback([&ctx, rotate] { std::cout << unwrap(ingest::team_token(ctx.paths, *rotate)) << "\n"; });
}

}  // namespace clown::cli
