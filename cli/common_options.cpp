#include "cli/common_options.hpp"

namespace clown::cli {

void add_daemon_start_options(CLI::App& cmd, DaemonStartOptions& o) {
  cmd.add_option("--port", o.port, "Port on 127.0.0.1 (default: [daemon] port in config.toml, else 8765)")
      ->check(CLI::Range(0, 65535));
  cmd.add_flag("--stay-alive", o.stay_alive, "Do not exit after 30 minutes without requests");
  cmd.add_flag("--foreground", o.foreground, "Run in this terminal (logs to stderr too); Ctrl-C stops it");
}

std::vector<std::string> to_args(const DaemonStartOptions& o) {
  std::vector<std::string> args;
  if (o.port) args.insert(args.end(), {"--port", std::to_string(*o.port)});
  if (o.stay_alive) args.push_back("--stay-alive");
  if (o.foreground) args.push_back("--foreground");
  return args;
}

void add_sync_options(CLI::App& cmd, SyncCliOptions& o) {
  cmd.add_flag("--force", o.force, "Download even if synced less than 24 h ago");
  cmd.add_flag("--offline", o.offline, "No network: report the stored prices, else the bundled snapshot");
  cmd.add_option("--url", o.url, "Pricing JSON URL (default: CLOWN_PRICING_URL, config.toml, LiteLLM on GitHub)");
  cmd.add_flag("--json", o.json, "Print JSON");
}

std::vector<std::string> to_args(const SyncCliOptions& o) {
  std::vector<std::string> args;
  if (o.force) args.push_back("--force");
  if (o.offline) args.push_back("--offline");
  if (!o.url.empty()) args.insert(args.end(), {"--url", o.url});
  if (o.json) args.push_back("--json");
  return args;
}

}  // namespace clown::cli
