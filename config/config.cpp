#include "config/config.hpp"

#include <toml++/toml.h>

#include <system_error>

namespace clown::config {

const std::vector<std::string>& config_file_keys() {
  static const std::vector<std::string> keys = {"daemon.port", "timezone", "registry.pricing_url"};
  return keys;
}

Expected<Config> load_config(const Paths& paths) {
  Config config;
  std::error_code ec;
  const auto file = paths.config_file();
  if (!std::filesystem::exists(file, ec)) return config;
  toml::table table;
  try {
    table = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    return fail(file.string() + ":" + std::to_string(e.source().begin.line) + ":" +
                std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
  if (auto port = table["daemon"]["port"].value<int64_t>()) {
    if (*port < 1 || *port > 65535) return fail(file.string() + ": daemon.port must be 1-65535");
    config.daemon_port = static_cast<int>(*port);
  }
  if (auto tz = table["timezone"].value<std::string>()) config.timezone = *tz;
  if (auto url = table["registry"]["pricing_url"].value<std::string>()) config.pricing_url = *url;
  return config;
}

}  // namespace clown::config
