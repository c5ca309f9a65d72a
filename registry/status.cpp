#include "registry/status.hpp"

#include "common/time.hpp"
#include "registry/lock.hpp"

namespace clown::registry {

std::string format_age(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  const int64_t d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60;
  if (d > 0) return std::to_string(d) + "d " + std::to_string(h) + "h";
  if (h > 0) return std::to_string(h) + "h " + std::to_string(m) + "m";
  return std::to_string(m) + "m";
}

RegistryStatus registry_status(const Paths& paths, int64_t now_epoch_ms) {
  RegistryStatus status;
  auto loaded = load_pricing(paths);
  status.source = loaded.pricing.source;
  status.warning = loaded.warning;
  status.bundled_model_count = bundled_pricing().size();
  if (status.source.kind == PriceFile::synced) {
    if (auto lock = read_lock(paths.registry_lock()); lock && *lock) {
      status.etag = (*lock)->etag;
      status.last_modified = (*lock)->last_modified;
      status.sha256 = (*lock)->sha256;
    }
    if (auto at = parse_iso8601_ms(status.source.fetched_at))
      status.age_seconds = std::max<int64_t>(0, (now_epoch_ms - *at) / 1000);
  }
  return status;
}

nlohmann::ordered_json to_json(const RegistryStatus& s) {
  nlohmann::ordered_json j{
      {"source", to_string(s.source.kind)},
      {"path", s.source.path.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s.source.path)},
      {"model_count", s.source.model_count},
      {"source_url",
       s.source.source_url.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s.source.source_url)},
      {"fetched_at",
       s.source.fetched_at.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s.source.fetched_at)},
      {"age_seconds", s.age_seconds ? nlohmann::ordered_json(*s.age_seconds) : nlohmann::ordered_json()},
      {"etag", s.etag.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s.etag)},
      {"last_modified", s.last_modified.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s.last_modified)},
      {"sha256", s.sha256.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s.sha256)},
      {"bundled_model_count", s.bundled_model_count}};
  if (!s.warning.empty()) j["warning"] = s.warning;
  return j;
}

}  // namespace clown::registry
