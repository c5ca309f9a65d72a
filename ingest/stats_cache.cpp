#include "ingest/stats_cache.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "common/file_stamp.hpp"
#include "common/time.hpp"

namespace clown::ingest {

namespace {

int64_t count_field(const nlohmann::json& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end() || !it->is_number()) return 0;
  double v = it->get<double>();
  return v > 0 ? static_cast<int64_t>(v) : 0;
}

// When the history happened: before the first transcript Claude Code still
// remembers (firstSessionDate, else the earliest dailyActivity day).
std::optional<int64_t> history_time(const nlohmann::json& doc) {
  if (auto it = doc.find("firstSessionDate"); it != doc.end() && it->is_string())
    if (auto ms = parse_iso8601_ms(it->get<std::string>())) return *ms;
  std::optional<int64_t> earliest;
  if (auto it = doc.find("dailyActivity"); it != doc.end() && it->is_array()) {
    for (const auto& day : *it) {
      if (!day.is_object() || !day.contains("date") || !day["date"].is_string()) continue;
      auto ms = parse_iso8601_ms(day["date"].get<std::string>() + "T00:00:00Z");
      if (ms && (!earliest || *ms < *earliest)) earliest = ms;
    }
  }
  return earliest;
}

}  // namespace

Expected<int64_t> import_stats_cache(SQLite::Database& db, store::RequestWriter& writer,
                                     const std::filesystem::path& config_dir, const store::Attribution& attribution,
                                     bool transcripts_changed) {
  const auto file = config_dir / "stats-cache.json";
  const auto st = stat_file(file);
  if (!st) return 0;
  const int64_t size = st->size;
  const int64_t mtime_ns = st->mtime_ns;
  const std::string dir = config_dir.string();

  SQLite::Statement seen(db, "SELECT size, mtime_ns FROM stats_cache_files WHERE config_dir=?");
  seen.bind(1, dir);
  bool unchanged =
      seen.executeStep() && seen.getColumn(0).getInt64() == size && seen.getColumn(1).getInt64() == mtime_ns;
  if (unchanged && !transcripts_changed) return 0;

  auto text = read_file(file);
  if (!text) return fail(text.error().message);
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return fail(file.string() + " is not valid JSON; its history was not imported (Claude Code rewrites it)");
  auto usage = doc.find("modelUsage");
  if (usage == doc.end() || !usage->is_object()) return 0;

  struct Sums {
    int64_t input = 0, output = 0, cache_read = 0, cache_creation = 0;
  };
  std::map<std::string, Sums> held;
  {
    SQLite::Statement q(db,
                        "SELECT model, SUM(input), SUM(output), SUM(cache_read), SUM(cache_write_5m+cache_write_1h) "
                        "FROM requests WHERE config_dir=? AND source != 'stats-cache' GROUP BY model");
    q.bind(1, dir);
    while (q.executeStep())
      held[q.getColumn(0).getString()] = {q.getColumn(1).getInt64(), q.getColumn(2).getInt64(),
                                          q.getColumn(3).getInt64(), q.getColumn(4).getInt64()};
  }
  const int64_t ts = history_time(doc).value_or(st->mtime_ns / 1000000000 * 1000);

  SQLite::Statement remove(db, "DELETE FROM requests WHERE dedup_key=?");
  SQLite::Statement remember(db,
                             "INSERT OR REPLACE INTO stats_cache(config_dir, model, input, output, cache_read, "
                             "cache_creation) VALUES(?,?,?,?,?,?)");
  store::Attribution a = attribution;
  a.source = store::RequestSource::stats_cache;
  a.run_id.clear();
  int64_t written = 0;
  for (const auto& [model, totals] : usage->items()) {
    if (!totals.is_object()) continue;
    Sums s{count_field(totals, "inputTokens"), count_field(totals, "outputTokens"),
           count_field(totals, "cacheReadInputTokens"), count_field(totals, "cacheCreationInputTokens")};
    Sums h = held.count(model) ? held[model] : Sums{};
    store::RequestUsage r;
    r.key = "stats-cache|" + dir + "|" + model;
    r.ts_ms = ts;
    r.session_id = "stats-cache";
    r.model = model;
    r.tokens.input = std::max<int64_t>(0, s.input - h.input);
    r.tokens.output = std::max<int64_t>(0, s.output - h.output);
    r.tokens.cache_read = std::max<int64_t>(0, s.cache_read - h.cache_read);
    // stats-cache.json has no 5m/1h split; 5-minute is Claude Code's default TTL.
    r.tokens.cache_write_5m = std::max<int64_t>(0, s.cache_creation - h.cache_creation);
    remove.bind(1, r.key);
    remove.exec();
    remove.reset();
    if (r.tokens.total() > 0) {
      writer.write(r, a);
      ++written;
    }
    remember.bind(1, dir);
    remember.bind(2, model);
    remember.bind(3, s.input);
    remember.bind(4, s.output);
    remember.bind(5, s.cache_read);
    remember.bind(6, s.cache_creation);
    remember.exec();
    remember.reset();
  }
  SQLite::Statement mark(db, "INSERT OR REPLACE INTO stats_cache_files(config_dir, size, mtime_ns) VALUES(?,?,?)");
  mark.bind(1, dir);
  mark.bind(2, size);
  mark.bind(3, mtime_ns);
  mark.exec();
  return written;
}

}  // namespace clown::ingest
