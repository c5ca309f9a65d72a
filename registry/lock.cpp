#include "registry/lock.hpp"

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"

namespace clown::registry {

Expected<std::optional<RegistryLock>> read_lock(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<RegistryLock>{};
  auto text = read_file(path);
  if (!text) return tl::unexpected(text.error());
  auto doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return fail(path.string() + " is not valid JSON; run `clown registry sync --force` to rewrite it");
  auto str = [&](const char* name) {
    auto it = doc.find(name);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  RegistryLock lock;
  lock.source_url = str("source_url");
  lock.etag = str("etag");
  lock.last_modified = str("last_modified");
  lock.sha256 = str("sha256");
  lock.fetched_at = str("fetched_at");
  if (auto it = doc.find("model_count"); it != doc.end() && it->is_number_unsigned())
    lock.model_count = it->get<size_t>();
  return std::optional<RegistryLock>{std::move(lock)};
}

std::string lock_to_json_text(const RegistryLock& lock) {
  nlohmann::ordered_json doc{{"source_url", lock.source_url},       {"etag", lock.etag},
                             {"last_modified", lock.last_modified}, {"sha256", lock.sha256},
                             {"fetched_at", lock.fetched_at},       {"model_count", lock.model_count}};
  return doc.dump(2) + "\n";
}

Expected<void> write_lock(const std::filesystem::path& path, const RegistryLock& lock) {
  return write_file_atomic(path, lock_to_json_text(lock));
}

}  // namespace clown::registry
