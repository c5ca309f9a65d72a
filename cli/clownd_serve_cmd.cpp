// clownd daemon start|stop|status: the daemon's lifecycle (`clown daemon ...`
// execs these so clown itself never links the HTTP stack).
#include <iostream>
#include <memory>

#include "cli/clownd_commands.hpp"
#include "cli/common_options.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "ingest/otel_queue.hpp"
#include "webui/daemon_control.hpp"
#include "webui/daemon_open.hpp"
#include "webui/metrics.hpp"
#include "webui/server.hpp"

namespace clown::cli {

namespace {

std::string idle_text(const webui::DaemonInfo& info) {
  if (info.stay_alive || info.idle_timeout_secs <= 0) return "stays alive until `clown daemon stop`";
  const int64_t s = info.idle_timeout_secs;
  return "exits after " + (s % 60 == 0 ? std::to_string(s / 60) + " min" : std::to_string(s) + " s") +
         " without requests (use --stay-alive to keep it)";
}

// The one-time login link (docs/security.md#login): the dashboard needs it.
// A daemon still starting (another `daemon start` won the race) may not
// answer yet: the start itself succeeded, so point at `clown daemon open`.
std::string login_line(const webui::DaemonInfo& info) {
  auto url = webui::login_url(info);
  if (!url) return "Log in with: clown daemon open\n";
  return "Log in once with " + *url + " (or run: clown daemon open)\n";
}

void set_open_command(CLI::App& daemon, const Paths& paths) {
  auto* open = daemon.add_subcommand("open", "Open the dashboard in a browser with a one-time login link");
  open->callback([&paths] {
    auto result = unwrap(webui::open_dashboard(paths));
    if (result.opened)
      std::cout << "Opened the dashboard in your browser (via " << result.via_file.string() << ").\n";
    else
      std::cout << "Open this one-time login link in your browser: " << result.login_url << "\n";
  });
}

// clownd daemon metrics-token [--new|--remove] (webui/metrics.hpp).
void set_metrics_token_command(CLI::App& daemon, const Paths& paths) {
  auto token_args = std::make_shared<std::pair<bool, bool>>(false, false);  // --new, --remove
  auto* token = daemon.add_subcommand("metrics-token", "Print the read-only token Prometheus scrapes /metrics with");
  token->add_flag("--new", token_args->first, "Replace the token (the old one stops working)");
  token->add_flag("--remove", token_args->second, "Remove the token: only the daemon token can scrape then");
  token->callback([&paths, token_args] {
    if (token_args->second) {
      const bool removed = unwrap(webui::remove_metrics_token(paths));
      std::cout << (removed ? "Removed the scrape token.\n" : "There was no scrape token.\n");
      return;
    }
    std::cout << unwrap(webui::metrics_token(paths, token_args->first)) << "\n";
  });
}

// The OTLP forward (ingest/otel_queue.hpp): nothing when it was never used.
std::string otel_text(const ingest::ForwardStatus& st) {
  const auto& c = st.counters;
  if (!st.upstream && st.upstream_error.empty() && st.queue_length == 0 && c.queued == 0 && st.run_upstreams == 0)
    return "";
  std::string out = "  otel     ";
  out += st.upstream ? "forwarding to " + st.upstream->url + " (" + ingest::to_string(st.upstream->source) + ")"
                     : std::string("no default upstream");
  if (st.run_upstreams > 0) out += ", " + std::to_string(st.run_upstreams) + " run upstream(s)";
  out += "\n           " + std::to_string(st.queue_length) + " queued now, " + std::to_string(c.queued) +
         " queued in all, " + std::to_string(c.delivered) + " delivered, " + std::to_string(c.failed_attempts) +
         " failed attempts, " + std::to_string(c.dropped) + " dropped\n";
  if (c.last_success_ms > 0) out += "           last delivered " + format_iso8601_ms(c.last_success_ms) + "\n";
  if (!c.last_error.empty())
    out += "           last error " + format_iso8601_ms(c.last_error_ms) + ": " + c.last_error + "\n";
  if (!st.upstream_error.empty()) out += "           " + st.upstream_error + "\n";
  return out;
}

// clownd daemon status [--json]: the daemon, and the OTLP forward.
void set_status_command(CLI::App& daemon, const Paths& paths) {
  auto json = std::make_shared<bool>(false);
  auto* status = daemon.add_subcommand("status", "Show whether the daemon runs, its pid and URL");
  status->add_flag("--json", *json, "Machine-readable output");
  status->callback([&paths, json] {
    auto st = webui::daemon_status(paths);
    const auto& otel = st.otel;
    if (*json) {
      std::cout << webui::to_json(st).dump(2) << "\n";
      return;
    }
    if (!st.running) {
      std::cout << "clown daemon is not running (start it with: clown daemon start).\n";
      if (st.stale)
        std::cout << "daemon.json" << (st.info ? " from pid " + std::to_string(st.info->pid) : std::string())
                  << " is stale (that daemon was killed); the next start replaces it.\n";
      std::cout << otel_text(otel);
      return;
    }
    if (!st.info) {
      std::cout << "clown daemon is starting.\n";
      return;
    }
    std::cout << "clown daemon is running (pid " << st.info->pid << "): " << st.info->url << "/usage\n"
              << "  started  " << st.info->started_at << "\n"
              << "  idle     " << idle_text(*st.info) << "\n"
              << "  log      " << st.info->log_file << "\n";
    if (!st.info->team_listen.empty())
      std::cout << "  team     " << st.info->team_listen << " (OTLP from other machines, with the team token)\n";
    std::cout << otel_text(otel);
  });
}

}  // namespace

void set_clownd_daemon_command(CLI::App& app, const Paths& paths, int& exit_code) {
  (void)exit_code;
  auto* daemon = app.add_subcommand("daemon", "Start, stop or inspect the web UI daemon");
  daemon->require_subcommand(1);

  auto args = std::make_shared<DaemonStartOptions>();
  auto* start = daemon->add_subcommand("start", "Start the daemon (web UI at http://127.0.0.1:8765/usage)");
  add_daemon_start_options(*start, *args);
  start->callback([&paths, args] {
    webui::ServeOptions options;
    options.port = args->port;
    options.stay_alive = args->stay_alive;
    options.idle_timeout_secs = webui::idle_timeout_secs_from_env();
    if (args->foreground) {
      options.log_to_stderr = true;
      options.on_ready = [](const webui::DaemonInfo& info) {
        std::cout << "clown daemon listening on " << info.url << "/usage (pid " << info.pid << "); Ctrl-C stops it\n"
                  << login_line(info) << std::flush;
      };
      auto served = webui::serve(paths, options);
      if (!served && served.error().exit_code == webui::k_exit_already_running) {
        std::cout << served.error().message << "\n";
        return;
      }
      unwrap(std::move(served));
      return;
    }
    auto result = unwrap(webui::start_daemon(paths, options));
    if (result.stale_pid)
      std::cout << "Replaced a stale daemon.json (pid " << *result.stale_pid << " is no longer running).\n";
    if (result.already_running) {
      std::cout << "clown daemon is already running (pid " << result.info.pid << "): " << result.info.url << "/usage\n"
                << login_line(result.info);
      return;
    }
    std::cout << "clown daemon started (pid " << result.info.pid << "): " << result.info.url << "/usage\n"
              << login_line(result.info) << "It " << idle_text(result.info) << ".\n";
  });

  set_open_command(*daemon, paths);

  auto* stop = daemon->add_subcommand("stop", "Stop the daemon (requests in flight finish first)");
  stop->callback([&paths] {
    auto result = unwrap(webui::stop_daemon(paths));
    if (result.stale_pid)
      std::cout << "Removed a stale daemon.json (pid " << *result.stale_pid << " is no longer running).\n";
    if (!result.was_running) {
      std::cout << "clown daemon is not running.\n";
      return;
    }
    std::cout << "clown daemon stopped (pid " << result.pid << ").\n";
  });

  set_status_command(*daemon, paths);
  set_metrics_token_command(*daemon, paths);
}

}  // namespace clown::cli
