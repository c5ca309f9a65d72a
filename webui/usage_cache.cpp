#include "webui/usage_cache.hpp"

#include "common/file_stamp.hpp"
#include "common/time.hpp"

namespace clown::webui {

namespace {

void append_stamp(std::string& out, const fs::path& file, bool empty_is_absent = false) {
  const auto st = stat_file(file);
  if (!st || (empty_is_absent && st->size == 0)) {
    out += "-;";
    return;
  }
  out += std::to_string(st->size) + ":" + std::to_string(st->mtime_ns) + ":" + std::to_string(st->ino) + ";";
}

}  // namespace

std::string UsageCache::data_stamp() const {
  std::string stamp = std::to_string(now_ms() / 60000) + ";";
  const fs::path db = m_paths.usage_db();
  append_stamp(stamp, db);
  // The first reader of a WAL database creates an empty -wal file: that is
  // no change of data. Commits grow it (or, after a checkpoint, touch usage.db).
  append_stamp(stamp, fs::path(db.string() + "-wal"), true);
  append_stamp(stamp, m_paths.sessions_log());
  append_stamp(stamp, m_paths.config_file());
  append_stamp(stamp, m_paths.profiles_dir());
  return stamp;
}

CachedBody UsageCache::get(const std::string& key, const std::function<CachedBody()>& compute) {
  const std::string stamp = data_stamp();
  std::promise<CachedBody> promise;
  {
    std::unique_lock<std::mutex> lock(m_mutex);
    auto it = m_entries.find(key);
    if (it != m_entries.end() && it->second.stamp == stamp) {
      auto value = it->second.value;
      // Wait outside the lock: another request may still be computing it.
      lock.unlock();
      return value.get();
    }
    if (m_entries.size() >= m_max_entries) m_entries.clear();
    m_entries[key] = Entry{stamp, promise.get_future().share()};
  }
  CachedBody result;
  try {
    result = compute();
  } catch (...) {
    promise.set_exception(std::current_exception());
    std::lock_guard<std::mutex> lock(m_mutex);
    m_entries.erase(key);
    throw;
  }
  promise.set_value(result);
  // Errors that depend on more than the stamp (e.g. a locked database) are
  // not kept: only successes and bad-request answers are stable.
  if (result.status != 200 && result.status != 400) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_entries.erase(key);
  }
  return result;
}

}  // namespace clown::webui
