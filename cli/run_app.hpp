#pragma once
// The one top-level error printer of clown and clownd: parses and runs the
// CLI11 app, prints any failure once as `clown: error: <message>` and picks
// the exit code (README "Exit status").
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace clown::cli {

// `exit_code` is what a successful run exits with (callbacks may set it).
int run_app(CLI::App& app, const std::vector<std::string>& args, const int& exit_code);

}  // namespace clown::cli
