// `clown statusline`: the quota snapshots go into the store, the figures come
// from a small per-profile cache (telemetry/statusline/<profile>.json) that is
// recomputed only when usage.db changed, the local day ended or the session
// is new (docs/api.md#statusline).
#include "reports/statusline.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "common/file_stamp.hpp"
#include "reports/blocks.hpp"
#include "reports/report_data.hpp"
#include "reports/report_rollup.hpp"
#include "store/store.hpp"

namespace clown::reports {

namespace {

using nlohmann::json;

struct Cache {
  json db_stamp;                // usage.db and its WAL, as stat(2) saw them
  int64_t day_end_ms = 0;       // the figures' local day ends here
  std::string session_id;       // ... were computed for this session
  bool session_stored = false;  // its requests are in the store (else its live cost is added)
  std::optional<StatuslineFigures> figures;
  std::vector<QuotaSnapshot> recorded;  // the last quota snapshots stored
};

json stamp_json(const std::optional<FileStamp>& s) {
  if (!s) return nullptr;
  return json::array({s->dev, s->ino, s->size, s->mtime_ns});
}

json db_stamp(const Paths& paths) {
  return json::array(
      {stamp_json(stat_file(paths.usage_db())), stamp_json(stat_file(paths.usage_db().string() + "-wal"))});
}

fs::path cache_file(const Paths& paths, const std::string& profile) {
  std::string name;
  for (char c : profile) name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return paths.telemetry_dir() / "statusline" / (name + ".json");
}

bool same(const QuotaSnapshot& a, const QuotaSnapshot& b) {
  return a.window == b.window && a.used_percent == b.used_percent && a.resets_at_ms == b.resets_at_ms;
}

// A missing or unreadable cache is an empty one (it is rebuilt).
Cache read_cache(const fs::path& file) {
  Cache c;
  auto text = read_file(file);
  if (!text) return c;
  const json j = json::parse(*text, nullptr, false);
  if (!j.is_object()) return c;
  try {
    c.db_stamp = j.at("db");
    c.day_end_ms = j.at("day_end_ms").get<int64_t>();
    c.session_id = j.at("session_id").get<std::string>();
    c.session_stored = j.at("session_stored").get<bool>();
    if (const auto& f = j.at("figures"); f.is_object()) {
      StatuslineFigures fig;
      fig.today = f.at("today").get<double>();
      if (const auto& b = f.at("block"); b.is_object())
        fig.block =
            StatuslineBlock{b.at("start_ms").get<int64_t>(), b.at("end_ms").get<int64_t>(), b.at("cost").get<double>()};
      c.figures = fig;
    }
    for (const auto& r : j.at("recorded")) {
      const auto w = store::quota_window_from(r.at(0).get<std::string>());
      if (w) c.recorded.push_back({*w, r.at(1).get<double>(), r.at(2).get<int64_t>()});
    }
  } catch (const json::exception&) {
    return Cache{};
  }
  return c;
}

void write_cache(const fs::path& file, const Cache& c) {
  json j = {{"db", c.db_stamp},           {"day_end_ms", c.day_end_ms},
            {"session_id", c.session_id}, {"session_stored", c.session_stored},
            {"figures", nullptr},         {"recorded", json::array()}};
  if (c.figures) {
    j["figures"] = {{"today", c.figures->today}, {"block", nullptr}};
    if (const auto& b = c.figures->block)
      j["figures"]["block"] = {{"start_ms", b->start_ms}, {"end_ms", b->end_ms}, {"cost", b->cost}};
  }
  for (const auto& r : c.recorded)
    j["recorded"].push_back(json::array({store::to_string(r.window), r.used_percent, r.resets_at_ms}));
  // A cache: losing it costs one recomputation, so no fsync.
  if (ensure_dir(file.parent_path(), 0700)) (void)write_file_atomic(file, j.dump(), 0600, Durability::atomic_only);
}

// Stores the snapshots not stored last time. Never waits: a busy database
// leaves them for the next update.
void record_limits(const Paths& paths, const StatuslineInput& in, const std::string& profile, int64_t now,
                   Cache& cache) {
  const bool all_recorded = std::all_of(in.limits.begin(), in.limits.end(), [&](const QuotaSnapshot& s) {
    return std::any_of(cache.recorded.begin(), cache.recorded.end(), [&](const auto& r) { return same(r, s); });
  });
  if (all_recorded) return;
  auto opened = store::Store::open(paths);
  if (!opened) return;
  try {
    auto& db = (*opened)->db();
    db.setBusyTimeout(0);
    SQLite::Transaction tx(db);
    for (const auto& s : in.limits)
      store::record_rate_limit(db, {profile, s.window, s.resets_at_ms, s.used_percent, 0, 0, in.session_id}, now);
    tx.commit();
    cache.recorded = in.limits;
  } catch (const SQLite::Exception&) {
  }
}

// The active 5-hour block of the profile (reports/blocks.hpp's rule: a block
// starts at a request floored to the UTC hour and ends 5 h later or after a
// pause of 5 h), from its requests of the last day, or further back while the
// window's first request may continue an earlier block.
std::optional<StatuslineBlock> active_block_sql(SQLite::Database& db, const std::string& profile, int64_t now) {
  constexpr int64_t k_hour = 3600 * 1000;
  for (int64_t window = 24 * k_hour; window <= 512 * 24 * k_hour; window *= 2) {
    SQLite::Statement q(db, "SELECT ts_ms, cost_total FROM requests WHERE profile = ? AND ts_ms >= ? ORDER BY ts_ms");
    q.bind(1, profile);
    q.bind(2, now - window);
    std::optional<StatuslineBlock> block;
    int64_t first = -1, last = 0;
    while (q.executeStep()) {
      const int64_t ts = q.getColumn(0).getInt64();
      if (first < 0) first = ts;
      if (!block || ts >= block->end_ms || ts - last >= k_block_ms) {
        const int64_t start = ts - ((ts % k_hour) + k_hour) % k_hour;
        block = StatuslineBlock{start, start + k_block_ms, 0};
      }
      block->cost += q.getColumn(1).getDouble();
      last = ts;
    }
    if (first < 0) return std::nullopt;
    if (first - (now - window) >= k_block_ms) {
      if (block && now < block->end_ms && now - last < k_block_ms) return block;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Today's spend and the active block of the profile, straight from the
// requests (the profile/time index): no rollup rebuild on this path.
Expected<void> compute_figures(const Paths& paths, const StatuslineInput& in, const std::string& profile, int64_t now,
                               Cache& cache) {
  UsageFilter filter;
  filter.period = "today";
  TRY_ASSIGN(const auto context, load_report_context(paths, filter, now));
  TRY_ASSIGN(auto store, store::Store::open_readonly(paths));
  StatuslineFigures fig;
  bool stored = false;
  try {
    auto& db = store->db();
    db.setBusyTimeout(0);
    SQLite::Statement q(db,
                        "SELECT coalesce(sum(cost_total), 0), coalesce(max(session_id = ?), 0) FROM requests "
                        "WHERE profile = ? AND ts_ms >= ? AND ts_ms < ?");
    q.bind(1, in.session_id);
    q.bind(2, profile);
    q.bind(3, context.period.since_ms.value_or(now));
    q.bind(4, context.period.until_ms.value_or(now));
    if (q.executeStep()) {
      fig.today = q.getColumn(0).getDouble();
      stored = !in.session_id.empty() && q.getColumn(1).getInt() != 0;
    }
    fig.block = active_block_sql(db, profile, now);
  } catch (const SQLite::Exception& e) {
    return fail(std::string("cannot read the store: ") + e.what());
  }
  cache.figures = fig;
  cache.day_end_ms = context.period.until_ms.value_or(now);
  cache.session_id = in.session_id;
  cache.session_stored = stored;
  return {};
}

}  // namespace

Expected<std::string> statusline(const Paths& paths, std::string_view input_json, const std::string& profile,
                                 bool color_allowed, int64_t now) {
  TRY_ASSIGN(const auto in, parse_statusline_input(input_json));
  TRY_ASSIGN(const auto config, config::load_config(paths));
  const auto file = cache_file(paths, profile);
  Cache cache = read_cache(file);
  const auto recorded_before = cache.recorded.size();
  record_limits(paths, in, profile, now, cache);
  const json stamp = db_stamp(paths);
  const bool fresh =
      cache.figures && cache.db_stamp == stamp && now < cache.day_end_ms && cache.session_id == in.session_id;
  bool changed = cache.recorded.size() != recorded_before;
  if (!fresh) {
    // A store that cannot be read now keeps the last figures (shown stale).
    if (compute_figures(paths, in, profile, now, cache)) {
      cache.db_stamp = stamp;
      changed = true;
    }
  }
  if (changed || !fresh) write_cache(file, cache);
  auto figures = cache.figures;
  // The running session's requests reach the store when its run ends: until
  // then its own cost counts towards today and the block.
  if (figures && !cache.session_stored && in.session_cost) {
    figures->today += *in.session_cost;
    if (figures->block) figures->block->cost += *in.session_cost;
  }
  return render_statusline(in, profile, figures, config.statusline, color_allowed && config.statusline.color, now);
}

}  // namespace clown::reports
