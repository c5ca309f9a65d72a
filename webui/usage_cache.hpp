#pragma once
// Caches serialized /api/usage responses. A dashboard asks the same few
// questions over and over; with a million requests in the store one summary
// costs tens of milliseconds, so answers are kept until the store changes.
// The key includes a stamp of every file a report reads (size + mtime of
// usage.db, its WAL, sessions.jsonl, config.toml) and the current minute (so
// periods relative to "now" roll over). Concurrent misses for one key wait
// for a single computation instead of all running the query.
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/paths.hpp"

namespace clown::webui {

struct CachedBody {
  int status = 200;
  std::string body;  // serialized response envelope
};

class UsageCache {
 public:
  explicit UsageCache(Paths paths, size_t max_entries = 128) : m_paths(std::move(paths)), m_max_entries(max_entries) {}

  // Returns the cached answer for key, or computes it with compute().
  CachedBody get(const std::string& key, const std::function<CachedBody()>& compute);

  // A stamp of the files reports read; changes whenever any of them does.
  std::string data_stamp() const;

 private:
  struct Entry {
    std::string stamp;
    std::shared_future<CachedBody> value;
  };
  Paths m_paths;
  size_t m_max_entries;
  std::mutex m_mutex;
  std::unordered_map<std::string, Entry> m_entries;
};

}  // namespace clown::webui
