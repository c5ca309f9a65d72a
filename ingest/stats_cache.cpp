#include "ingest/stats_cache.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "common/file_stamp.hpp"
#include "common/time.hpp"
#include "store/sql.hpp"

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

struct Sums {
  int64_t input = 0, output = 0, cache_read = 0, cache_creation = 0;
};

// What clown holds for the dir, per model, besides earlier history rows.
std::map<std::string, Sums> held_by_model(SQLite::Database& db, const std::string& dir) {
  std::map<std::string, Sums> held;
  store::Sql q(db,
               "SELECT model, SUM(input), SUM(output), SUM(cache_read), SUM(cache_write_5m+cache_write_1h) "
               "FROM requests WHERE config_dir=? AND source != ? GROUP BY model");
  q.bind(1, dir).bind(2, store::to_string(store::RequestSource::stats_cache));
  while (q.step()) held[std::string(q.text(0))] = {q.int64(1), q.int64(2), q.int64(3), q.int64(4)};
  return held;
}

bool unchanged_since_last_import(SQLite::Database& db, const std::string& dir, const FileStamp& st) {
  store::Sql seen(db, "SELECT size, mtime_ns FROM stats_cache_files WHERE config_dir=?");
  seen.bind(1, dir);
  return seen.step() && seen.int64(0) == st.size && seen.int64(1) == st.mtime_ns;
}

void mark_imported(SQLite::Database& db, const std::string& dir, const FileStamp& st) {
  store::Sql mark(db, "INSERT OR REPLACE INTO stats_cache_files(config_dir, size, mtime_ns) VALUES(?,?,?)");
  mark.bind(1, dir).bind(2, st.size).bind(3, st.mtime_ns);
  mark.exec();
}

// Replaces the dir's history row of one model with the excess of
// stats-cache.json's totals over what clown holds; returns whether it wrote one.
bool write_history_row(store::RequestWriter& writer, store::Sql& remove, store::Sql& remember, const std::string& dir,
                       const std::string& model, const Sums& claimed, const Sums& held, int64_t ts,
                       const store::Attribution& a) {
  store::RequestUsage r;
  r.key = "stats-cache|" + dir + "|" + model;
  r.ts_ms = ts;
  r.session_id = "stats-cache";
  r.model = model;
  r.tokens.input = std::max<int64_t>(0, claimed.input - held.input);
  r.tokens.output = std::max<int64_t>(0, claimed.output - held.output);
  r.tokens.cache_read = std::max<int64_t>(0, claimed.cache_read - held.cache_read);
  // stats-cache.json has no 5m/1h split; 5-minute is Claude Code's default TTL.
  r.tokens.cache_write_5m = std::max<int64_t>(0, claimed.cache_creation - held.cache_creation);
  remove.bind(1, r.key);
  remove.exec();
  remove.reset();
  remember.bind(1, dir).bind(2, model).bind(3, claimed.input).bind(4, claimed.output).bind(5, claimed.cache_read);
  remember.bind(6, claimed.cache_creation);
  remember.exec();
  remember.reset();
  if (r.tokens.total() == 0) return false;
  writer.write(r, a);
  return true;
}

}  // namespace

Expected<int64_t> import_stats_cache(SQLite::Database& db, store::RequestWriter& writer,
                                     const std::filesystem::path& config_dir, const store::Attribution& attribution,
                                     bool transcripts_changed) {
  const auto file = config_dir / "stats-cache.json";
  const auto st = stat_file(file);
  if (!st) return 0;
  const std::string dir = config_dir.string();
  if (!transcripts_changed && unchanged_since_last_import(db, dir, *st)) return 0;

  TRY_ASSIGN(const auto text, read_file(file));
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return fail(file.string() + " is not valid JSON; its history was not imported (Claude Code rewrites it)");
  auto usage = doc.find("modelUsage");
  if (usage == doc.end() || !usage->is_object()) return 0;

  const auto held = held_by_model(db, dir);
  const int64_t ts = history_time(doc).value_or(st->mtime_ns / 1000000000 * 1000);
  store::Sql remove(db, "DELETE FROM requests WHERE dedup_key=?");
  store::Sql remember(db,
                      "INSERT OR REPLACE INTO stats_cache(config_dir, model, input, output, cache_read, "
                      "cache_creation) VALUES(?,?,?,?,?,?)");
  store::Attribution a = attribution;
  a.source = store::RequestSource::stats_cache;
  a.run_id.clear();
  int64_t written = 0;
  for (const auto& [model, totals] : usage->items()) {
    if (!totals.is_object()) continue;
    const Sums claimed{count_field(totals, "inputTokens"), count_field(totals, "outputTokens"),
                       count_field(totals, "cacheReadInputTokens"), count_field(totals, "cacheCreationInputTokens")};
    const auto it = held.find(model);
    if (write_history_row(writer, remove, remember, dir, model, claimed, it == held.end() ? Sums{} : it->second, ts, a))
      ++written;
  }
  mark_imported(db, dir, *st);
  return written;
}

}  // namespace clown::ingest
