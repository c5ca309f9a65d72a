// clown: run AI coding agents under named profiles and account for every token.
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "cli/commands.hpp"
#include "cli/run_app.hpp"
#include "common/error.hpp"

namespace {

const char* k_footer = R"(Exit status:
  0    success
  1    runtime error (I/O, bad data, network)
  2    bad command line or unknown profile
  127  the agent binary was not found
  N    `clown run` exits with the agent's own status (128+N if it died from signal N)

Files live in $CLOWN_HOME (default ~/.config/clown). Docs: README.md)";

}  // namespace

int main(int argc, char** argv) {
  clown::cli::Context ctx;
  ctx.paths = clown::Paths::from_env();
  std::error_code ec;
  ctx.self_exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) ctx.self_exe = argv[0];

  CLI::App app{"clown - run AI coding agents under named profiles and track exactly what they use"};
  app.name("clown");
  app.set_version_flag("--version", std::string("clown ") + CLOWN_VERSION);
  app.require_subcommand(1);
  app.footer(k_footer);
  // The commands Claude Code and the shell start on every session, hook and
  // status-line update build only their own subtree: the whole CLI costs
  // about a millisecond to build and tear down (README "Performance").
  const std::string first = argc > 1 ? argv[1] : "";
  if (first == "run") {
    clown::cli::set_run_command(app, ctx);
  } else if (first == "hook") {
    clown::cli::set_hook_command(app, ctx);
  } else if (first == "statusline") {
    clown::cli::set_statusline_command(app, ctx);
  } else {
    clown::cli::set_profiles_command(app, ctx);
    clown::cli::set_catalog_commands(app, ctx);
    clown::cli::set_run_command(app, ctx);
    clown::cli::set_hook_command(app, ctx);
    clown::cli::set_usage_command(app, ctx);
    clown::cli::set_registry_command(app, ctx);
    clown::cli::set_daemon_command(app, ctx);
    clown::cli::set_shims_command(app, ctx);
    clown::cli::set_resume_command(app, ctx);
    clown::cli::set_doctor_command(app, ctx);
    clown::cli::set_completion_command(app, ctx);
    clown::cli::set_mcp_command(app, ctx);
    clown::cli::set_statusline_command(app, ctx);
    clown::cli::set_otel_command(app, ctx);
    clown::cli::set_team_command(app, ctx);
  }

  const int code = clown::cli::run_app(app, clown::cli::split_run_args(argc, argv, ctx), ctx.exit_code);
  // Everything is written and closed; tearing the command tree down would
  // only cost time. exit() still flushes stdio.
  std::exit(code);
}
