// clownd: the companion executable that links the HTTP/TLS stack (cpp-httplib,
// OpenSSL) so `clown run` and `clown hook` start without it
// (docs/design.md#two-executables). `clown daemon ...` and `clown registry sync` exec it.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/clownd_commands.hpp"
#include "cli/run_app.hpp"
#include "common/error.hpp"
#include "common/paths.hpp"

int main(int argc, char** argv) {
  clown::Paths paths = clown::Paths::from_env();
  CLI::App app{"clownd - clown's daemon and network helper (started by clown)"};
  app.name("clownd");
  app.require_subcommand(1);
  int exit_code = 0;
  clown::cli::set_clownd_commands(app, paths, exit_code);
  return clown::cli::run_app(app, std::vector<std::string>(argv, argv + argc), exit_code);
}
