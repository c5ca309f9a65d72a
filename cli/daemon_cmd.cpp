// clown daemon start|stop|status: parsed here for --help and errors, then
// handed to clownd, which links the HTTP stack clown keeps out of its start-up.
#include <memory>

#include "cli/commands.hpp"

namespace clown::cli {

namespace {

struct DaemonArgs {
  int port = -1;
  bool stay_alive = false;
  bool foreground = false;
  bool json = false;
};

}  // namespace

void set_daemon_command(CLI::App& app, Context& ctx) {
  auto* daemon = app.add_subcommand("daemon", "Start, stop or inspect the web UI daemon (http://127.0.0.1:8765/usage)");
  daemon->require_subcommand(1);
  auto args = std::make_shared<DaemonArgs>();

  auto* start = daemon->add_subcommand("start", "Start the daemon and return once it answers");
  start->add_option("--port", args->port, "Port on 127.0.0.1 (default: [daemon] port in config.toml, else 8765)")
      ->check(CLI::Range(0, 65535));
  start->add_flag("--stay-alive", args->stay_alive, "Do not exit after 30 minutes without requests");
  start->add_flag("--foreground", args->foreground, "Run in this terminal (logs to stderr too); Ctrl-C stops it");
  start->callback([&ctx, args] {
    std::vector<std::string> argv{"daemon", "start"};
    if (args->port >= 0) argv.insert(argv.end(), {"--port", std::to_string(args->port)});
    if (args->stay_alive) argv.push_back("--stay-alive");
    if (args->foreground) argv.push_back("--foreground");
    exec_clownd(ctx, argv);
  });

  daemon->add_subcommand("stop", "Stop the daemon (requests in flight finish first)")->callback([&ctx] {
    exec_clownd(ctx, {"daemon", "stop"});
  });

  auto* status = daemon->add_subcommand("status", "Show whether the daemon runs, its pid and URL");
  status->add_flag("--json", args->json, "Machine-readable output");
  status->callback([&ctx, args] {
    std::vector<std::string> argv{"daemon", "status"};
    if (args->json) argv.push_back("--json");
    exec_clownd(ctx, argv);
  });
}

}  // namespace clown::cli
