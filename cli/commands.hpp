#pragma once
// The table of contents of clown's command line: one set_<group>_command per
// file in cli/. Callbacks parse, call one module function and render; errors
// are thrown as clown::Failure and printed once by main.
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/paths.hpp"
#include "launcher/shims.hpp"

namespace clown::cli {

struct Context {
  Paths paths;
  std::filesystem::path self_exe;  // absolute path of the running clown binary
  int exit_code = 0;               // set by callbacks that pass a child's status through
  // `clown run ALIAS ARGS...`: ARGS (a leading `--` removed), and `clown
  // resume ... -- ARGS`: ARGS, split off before CLI11 parses so the agent gets
  // them unchanged and in order.
  std::vector<std::string> run_args;
};

// Splits `clown run ALIAS ...` so that only `clown run ALIAS` is parsed by
// CLI11 (and `clown resume ... -- ARGS` at the `--`); returns the argv to
// parse and fills ctx.run_args.
std::vector<std::string> split_run_args(int argc, char** argv, Context& ctx);

void set_profiles_command(CLI::App& app, Context& ctx);    // profiles_cmd.cpp
void set_catalog_commands(CLI::App& app, Context& ctx);    // catalog_cmd.cpp: agents, providers
void set_run_command(CLI::App& app, Context& ctx);         // run_cmd.cpp
void set_hook_command(CLI::App& app, Context& ctx);        // hook_cmd.cpp
void set_usage_command(CLI::App& app, Context& ctx);       // usage_cmd.cpp
void set_registry_command(CLI::App& app, Context& ctx);    // registry_cmd.cpp: registry, pricing
void set_daemon_command(CLI::App& app, Context& ctx);      // daemon_cmd.cpp
void set_shims_command(CLI::App& app, Context& ctx);       // shims_cmd.cpp
void set_resume_command(CLI::App& app, Context& ctx);      // resume_cmd.cpp
void set_doctor_command(CLI::App& app, Context& ctx);      // doctor_cmd.cpp
void set_completion_command(CLI::App& app, Context& ctx);  // completion_cmd.cpp: completion, __complete, __manpage
void set_mcp_command(CLI::App& app, Context& ctx);         // mcp_cmd.cpp: mcp, mcp install
void set_statusline_command(CLI::App& app, Context& ctx);  // statusline_cmd.cpp
void set_otel_command(CLI::App& app, Context& ctx);        // otel_cmd.cpp: otel upstream
void set_team_command(CLI::App& app, Context& ctx);        // team_cmd.cpp: team token

// Replaces this process with the companion executable `clownd` (which links
// the HTTP/TLS stack clown itself keeps out of its start-up path).
[[noreturn]] void exec_clownd(const Context& ctx, const std::vector<std::string>& args);

}  // namespace clown::cli

namespace clown::cli {
// usage_import_cmd.cpp: `clown usage import-claude`, added by set_usage_command.
void add_usage_import_command(CLI::App& usage, Context& ctx);
// usage_live_cmd.cpp: `clown usage live`, added by set_usage_command.
void add_usage_live_command(CLI::App& usage, Context& ctx);
// usage_sql_cmd.cpp: `clown usage sql` and `clown usage merge`, added by set_usage_command.
void add_usage_sql_command(CLI::App& usage, Context& ctx);

// shims_cmd.cpp, also for `profiles create --shim`.
Expected<launcher::ShimInstall> install_profile_shims(const Context& ctx, const std::vector<std::string>& aliases,
                                                      const std::filesystem::path& dir, bool force);
void print_shim_install(std::ostream& out, const launcher::ShimInstall& result, const std::filesystem::path& dir);
}  // namespace clown::cli
