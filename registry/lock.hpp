#pragma once
// $CLOWN_HOME/registry/registry.lock: where the synced pricing file came from.
// JSON: {"source_url","etag","last_modified","sha256","fetched_at","model_count"}.
#include <filesystem>
#include <optional>
#include <string>

#include "common/error.hpp"

namespace clown::registry {

struct RegistryLock {
  std::string source_url;
  std::string etag;           // ETag response header, empty when the server sent none
  std::string last_modified;  // Last-Modified response header, verbatim
  std::string sha256;         // of the stored file, lowercase hex
  std::string fetched_at;     // ISO-8601 UTC, when the content was last confirmed current
  size_t model_count = 0;
};

// nullopt when the file does not exist; an error when it exists but is unreadable or malformed.
Expected<std::optional<RegistryLock>> read_lock(const std::filesystem::path& path);
std::string lock_to_json_text(const RegistryLock& lock);
Expected<void> write_lock(const std::filesystem::path& path, const RegistryLock& lock);

}  // namespace clown::registry
