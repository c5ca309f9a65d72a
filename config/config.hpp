#pragma once
// $CLOWN_HOME/config.toml (all keys optional):
//   [daemon] port = 8765
//   timezone = "Europe/Berlin"        # default for usage reports
//   [registry] pricing_url = "https://..."
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::config {

struct Config {
  int daemon_port = 8765;
  std::string timezone;     // empty = system zone
  std::string pricing_url;  // empty = default
};

// A missing file gives defaults; a malformed one is an error naming file, line, column.
Expected<Config> load_config(const Paths& paths);

// The keys load_config reads, dotted ("daemon.port"), for `clown doctor`'s unknown-key warning.
const std::vector<std::string>& config_file_keys();

}  // namespace clown::config
