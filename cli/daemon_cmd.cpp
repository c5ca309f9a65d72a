// clown daemon start|open|stop|status: parsed here for --help and errors, then
// handed to clownd, which links the HTTP stack clown keeps out of its start-up.
#include <memory>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"

namespace clown::cli {

void set_daemon_command(CLI::App& app, Context& ctx) {
  auto* daemon = app.add_subcommand("daemon", "Start, stop or inspect the web UI daemon (http://127.0.0.1:8765/usage)");
  daemon->require_subcommand(1);
  auto args = std::make_shared<DaemonStartOptions>();
  auto* start = daemon->add_subcommand("start", "Start the daemon and return once it answers");
  add_daemon_start_options(*start, *args);
  start->callback([&ctx, args] {
    std::vector<std::string> argv{"daemon", "start"};
    for (auto& a : to_args(*args)) argv.push_back(std::move(a));
    exec_clownd(ctx, argv);
  });

  daemon->add_subcommand("open", "Open the dashboard in a browser with a one-time login link")->callback([&ctx] {
    exec_clownd(ctx, {"daemon", "open"});
  });

  daemon->add_subcommand("stop", "Stop the daemon (requests in flight finish first)")->callback([&ctx] {
    exec_clownd(ctx, {"daemon", "stop"});
  });

  auto* status = daemon->add_subcommand("status", "Show whether the daemon runs, its pid and URL");
  auto json = std::make_shared<bool>(false);
  status->add_flag("--json", *json, "Machine-readable output");
  status->callback([&ctx, json] {
    std::vector<std::string> argv{"daemon", "status"};
    if (*json) argv.push_back("--json");
    exec_clownd(ctx, argv);
  });

  auto* token = daemon->add_subcommand("metrics-token", "Print the read-only token Prometheus scrapes /metrics with");
  auto renew = std::make_shared<bool>(false);
  auto remove = std::make_shared<bool>(false);
  auto* new_opt = token->add_flag("--new", *renew, "Replace the token (the old one stops working)");
  token->add_flag("--remove", *remove, "Remove the token: only the daemon token can scrape then")->excludes(new_opt);
  token->callback([&ctx, renew, remove] {
    std::vector<std::string> argv{"daemon", "metrics-token"};
    if (*renew) argv.push_back("--new");
    if (*remove) argv.push_back("--remove");
    exec_clownd(ctx, argv);
  });
}

}  // namespace clown::cli
