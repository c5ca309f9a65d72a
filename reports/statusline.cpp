// `clown statusline`: the quota snapshots go into the store; today's spend
// and the active block come from a few bounded index reads on every update;
// a small per-profile cache (telemetry/statusline/<profile>.json) keeps the
// local day's bounds, where the block chain stands and the last figures (shown
// when the store cannot be read at once) (docs/api.md#statusline).
#include "reports/statusline.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "reports/blocks.hpp"
#include "reports/period.hpp"
#include "store/store.hpp"

namespace clown::reports {

namespace {

using nlohmann::json;

struct Cache {
  std::string zone_key;                      // config.toml's timezone and $TZ the day was resolved for
  int64_t day_start_ms = 0, day_end_ms = 0;  // the local day
  std::optional<int64_t> block_anchor_ms;    // a block start of the profile's chain (reset daily)
  std::string session_id;                    // the figures were computed for this session
  std::optional<int64_t> stored_until_ms;    // ... whose requests the store holds up to here
  std::optional<StatuslineFigures> figures;
  std::vector<QuotaSnapshot> recorded;  // the last quota snapshots stored
};

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
    c.zone_key = j.at("zone").get<std::string>();
    c.day_start_ms = j.at("day_start_ms").get<int64_t>();
    c.day_end_ms = j.at("day_end_ms").get<int64_t>();
    if (const auto& a = j.at("block_anchor_ms"); !a.is_null()) c.block_anchor_ms = a.get<int64_t>();
    c.session_id = j.at("session_id").get<std::string>();
    if (const auto& u = j.at("stored_until_ms"); !u.is_null()) c.stored_until_ms = u.get<int64_t>();
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
  json j = {
      {"zone", c.zone_key},         {"day_start_ms", c.day_start_ms},
      {"day_end_ms", c.day_end_ms}, {"block_anchor_ms", c.block_anchor_ms ? json(*c.block_anchor_ms) : json(nullptr)},
      {"session_id", c.session_id}, {"stored_until_ms", c.stored_until_ms ? json(*c.stored_until_ms) : json(nullptr)},
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

// The first request of the profile at or after `t` (the covering index
// (profile, ts_ms, cost_total): one seek).
std::optional<int64_t> first_at_or_after(SQLite::Database& db, const std::string& profile, int64_t t) {
  SQLite::Statement q(db, "SELECT min(ts_ms) FROM requests WHERE profile = ? AND ts_ms >= ?");
  q.bind(1, profile);
  q.bind(2, t);
  if (!q.executeStep() || q.getColumn(0).isNull()) return std::nullopt;
  return q.getColumn(0).getInt64();
}

double spend_between(SQLite::Database& db, const std::string& profile, int64_t since, int64_t until) {
  SQLite::Statement q(
      db, "SELECT coalesce(sum(cost_total), 0) FROM requests WHERE profile = ? AND ts_ms >= ? AND ts_ms < ?");
  q.bind(1, profile);
  q.bind(2, since);
  q.bind(3, until);
  return q.executeStep() ? q.getColumn(0).getDouble() : 0;
}

int64_t floor_hour(int64_t ts) {
  constexpr int64_t k_hour = 3600 * 1000;
  return ts - ((ts % k_hour) + k_hour) % k_hour;
}

// The active 5-hour block of the profile (reports/blocks.hpp's rule: a block
// starts at a request floored to the UTC hour and ends 5 h later; the first
// request at or after its end starts the next, which also covers a pause of
// 5 h). Walked forward block by block, one index seek each, from `anchor`
// (a block start found before) or else from the profile's first request:
// never a scan of the history. `anchor` is left at the last block start.
std::optional<StatuslineBlock> active_block_sql(SQLite::Database& db, const std::string& profile, int64_t now,
                                                std::optional<int64_t>& anchor) {
  // An anchor without a request in its block (history moved away) is dropped.
  if (anchor) {
    const auto first = first_at_or_after(db, profile, *anchor);
    if (!first || *first >= *anchor + k_block_ms || *first > now) anchor.reset();
  }
  if (!anchor) {
    const auto first = first_at_or_after(db, profile, std::numeric_limits<int64_t>::min());
    if (!first || *first > now) return std::nullopt;
    anchor = floor_hour(*first);
  }
  while (now >= *anchor + k_block_ms) {
    const auto next = first_at_or_after(db, profile, *anchor + k_block_ms);
    if (!next || *next > now) return std::nullopt;
    anchor = floor_hour(*next);
  }
  return StatuslineBlock{*anchor, *anchor + k_block_ms, spend_between(db, profile, *anchor, now + 1)};
}

// The local day holding `now` in the report zone. Resolving the zone reads
// the time zone database: done once a day, the bounds are cached.
Expected<void> refresh_day(const config::Config& config, int64_t now, Cache& cache) {
  const char* tz = std::getenv("TZ");
  const std::string zone_key = config.timezone + "|" + (tz ? tz : "");
  if (cache.zone_key == zone_key && now >= cache.day_start_ms && now < cache.day_end_ms) return {};
  UsageFilter filter;
  filter.period = "today";
  TRY_ASSIGN(const auto period, resolve_report_period(config, filter, now));
  cache.zone_key = zone_key;
  cache.day_start_ms = period.since_ms.value_or(now);
  cache.day_end_ms = period.until_ms.value_or(now + 1);
  // A new day also walks the block chain again from the start, so requests
  // imported since (older ones included) are taken into account.
  cache.block_anchor_ms.reset();
  return {};
}

// Today's spend and the active block of the profile, from bounded index
// ranges (schema 9's covering index). Never waits for a writer (busy
// timeout 0): a store that cannot be read now is an error, and the caller
// shows the last figures.
Expected<void> compute_figures(const Paths& paths, const StatuslineInput& in, const std::string& profile, int64_t now,
                               Cache& cache) {
  TRY_ASSIGN(auto store, store::Store::open_readonly(paths));
  StatuslineFigures fig;
  std::optional<int64_t> stored;
  auto anchor = cache.block_anchor_ms;
  try {
    auto& db = store->db();
    db.setBusyTimeout(0);
    fig.today = spend_between(db, profile, cache.day_start_ms, cache.day_end_ms);
    if (!in.session_id.empty()) {
      // `+profile`: by the session index (a session has few rows), not the profile's.
      SQLite::Statement q(db, "SELECT max(ts_ms) FROM requests WHERE session_id = ? AND +profile = ?");
      q.bind(1, in.session_id);
      q.bind(2, profile);
      if (q.executeStep() && !q.getColumn(0).isNull()) stored = q.getColumn(0).getInt64();
    }
    fig.block = active_block_sql(db, profile, now, anchor);
  } catch (const SQLite::Exception& e) {
    return fail(std::string("cannot read the store: ") + e.what());
  }
  cache.figures = fig;
  cache.block_anchor_ms = anchor;
  cache.session_id = in.session_id;
  cache.stored_until_ms = stored;
  return {};
}

// Adds what of the running session the store does not hold yet (its requests
// reach the store when its run ends, or through clownd's OTLP receiver).
void add_session(const StatuslineInput& in, const std::optional<SessionSpend>& spend, const Cache& cache,
                 StatuslineFigures& figures) {
  const auto stored = cache.session_id == in.session_id ? cache.stored_until_ms : std::nullopt;
  if (spend) {
    const int64_t after = stored ? *stored + 1 : std::numeric_limits<int64_t>::min();
    figures.today += spend->since(std::max(after, cache.day_start_ms));
    if (figures.block) figures.block->cost += spend->since(std::max(after, figures.block->start_ms));
  } else if (!stored && in.session_cost) {
    // Claude Code's estimate of the whole session, when its transcript cannot be read.
    figures.today += *in.session_cost;
    if (figures.block) figures.block->cost += *in.session_cost;
  }
}

}  // namespace

Expected<std::string> statusline(const Paths& paths, std::string_view input_json, const std::string& profile,
                                 bool color_allowed, int64_t now, const SessionSpendReader& session_spend) {
  TRY_ASSIGN(auto in, parse_statusline_input(input_json));
  TRY_ASSIGN(const auto config, config::load_config(paths));
  const auto file = cache_file(paths, profile);
  Cache cache = read_cache(file);
  record_limits(paths, in, profile, now, cache);
  TRY(refresh_day(config, now, cache));
  // A store that cannot be read now keeps the last figures (shown stale).
  (void)compute_figures(paths, in, profile, now, cache);
  write_cache(file, cache);
  const auto spend = session_spend ? session_spend(in) : std::nullopt;
  auto figures = cache.figures;
  if (figures) add_session(in, spend, cache, *figures);
  if (spend) in.session_cost = spend->total;
  return render_statusline(in, profile, figures, config.statusline, color_allowed && config.statusline.color, now);
}

}  // namespace clown::reports
