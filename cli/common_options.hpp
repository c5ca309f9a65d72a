#pragma once
// Option groups clown and clownd both declare (micromamba's
// common_options.cpp): `clown daemon start` and `clown registry sync` parse
// them for --help and errors, then exec clownd with the same options.
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace clown::cli {

struct DaemonStartOptions {
  std::optional<int> port;
  bool stay_alive = false;
  bool foreground = false;
};
void add_daemon_start_options(CLI::App& cmd, DaemonStartOptions& o);
// The same options as arguments for clownd.
std::vector<std::string> to_args(const DaemonStartOptions& o);

struct SyncCliOptions {
  bool force = false;
  bool offline = false;
  std::string url;
  bool json = false;
};
void add_sync_options(CLI::App& cmd, SyncCliOptions& o);
std::vector<std::string> to_args(const SyncCliOptions& o);

}  // namespace clown::cli
