#pragma once
// `clown registry status`: where the active prices come from.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/paths.hpp"
#include "registry/pricing_table.hpp"

namespace clown::registry {

struct RegistryStatus {
  PricingSource source;                // synced file or bundled snapshot
  std::optional<int64_t> age_seconds;  // since fetched_at, when synced
  std::string etag;
  std::string last_modified;
  std::string sha256;
  size_t bundled_model_count = 0;
  std::string warning;  // why a synced file was not used, if it exists but is broken
};

// 90 -> "1m", 7200 -> "2h 0m", 266400 -> "3d 2h" (under a minute: "0m").
std::string format_age(int64_t seconds);

RegistryStatus registry_status(const Paths& paths, int64_t now_epoch_ms);
nlohmann::ordered_json to_json(const RegistryStatus& status);

}  // namespace clown::registry
