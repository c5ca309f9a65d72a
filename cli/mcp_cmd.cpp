// clown mcp [install <profile>|--claude-dir DIR]
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "common/environment.hpp"
#include "mcp/install.hpp"
#include "mcp/protocol.hpp"

namespace clown::cli {

namespace {

struct InstallOptions {
  std::string profile;
  std::string claude_dir;
};

void run_install(const Context& ctx, const InstallOptions& o) {
  if (o.profile.empty() == o.claude_dir.empty())
    throw Failure(Error{"name a Claude Code profile or give --claude-dir DIR (one of them)", k_exit_usage});
  const auto result = unwrap(mcp::install_server(
      ctx.paths, mcp::InstallRequest{o.profile, o.claude_dir, ctx.self_exe, current_environment()}));
  std::cout << (result.replaced ? "Updated" : "Added") << " MCP server '" << mcp::k_server_name << "' in "
            << result.config_file.string() << " (user scope: Claude Code lists it in `claude mcp list`)\n";
}

}  // namespace

void set_mcp_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("mcp", "MCP server on stdio (for Claude Code and other MCP clients): usage tools");
  cmd->footer(
      "Speaks JSON-RPC 2.0, one message per line, on stdin/stdout (docs/mcp.md). Register it with "
      "`clown mcp install PROFILE`.");
  cmd->callback([&ctx, cmd] {
    if (!cmd->get_subcommands().empty()) return;
    mcp::Server server(ctx.paths, CLOWN_VERSION);
    mcp::serve(server, std::cin, std::cout);
  });

  auto opts = std::make_shared<InstallOptions>();
  auto* install =
      cmd->add_subcommand("install", "Register `clown mcp` with Claude Code (like `claude mcp add -s user`)");
  install->add_option("profile", opts->profile, "A Claude Code profile: its config dir gets the server")
      ->type_name("PROFILE");
  install->add_option("--claude-dir", opts->claude_dir, "Claude Code config dir (CLAUDE_CONFIG_DIR) instead")
      ->type_name("DIR");
  install->callback([&ctx, opts] { run_install(ctx, *opts); });
}

}  // namespace clown::cli
