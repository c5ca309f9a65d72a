#include "reports/limits.hpp"

#include <algorithm>
#include <tuple>

#include "reports/analytics_json.hpp"
#include "reports/report_data.hpp"
#include "store/store.hpp"

namespace clown::reports {

namespace {

// Rows come ordered by window, then first sight: group them per profile,
// window and reset time.
std::vector<QuotaPeriod> group_rows(const std::vector<store::RateLimitRow>& rows, int64_t now) {
  std::vector<QuotaPeriod> out;
  for (const auto& row : rows) {
    auto it = std::find_if(out.begin(), out.end(), [&](const QuotaPeriod& p) {
      return p.profile == row.profile && p.window == row.window && p.resets_at_ms == row.resets_at_ms;
    });
    if (it == out.end()) {
      QuotaPeriod p;
      p.profile = row.profile;
      p.window = row.window;
      p.resets_at_ms = row.resets_at_ms;
      p.first_seen_ms = row.first_seen_ms;
      p.current = row.resets_at_ms > now;
      out.push_back(std::move(p));
      it = out.end() - 1;
    }
    it->points.push_back({row.first_seen_ms, row.used_percent});
    it->peak_percent = std::max(it->peak_percent, row.used_percent);
    if (row.last_seen_ms >= it->last_seen_ms) {
      it->last_seen_ms = row.last_seen_ms;
      it->last_percent = row.used_percent;
    }
  }
  std::sort(out.begin(), out.end(), [](const QuotaPeriod& a, const QuotaPeriod& b) {
    return std::tie(a.profile, a.window, a.resets_at_ms) < std::tie(b.profile, b.window, b.resets_at_ms);
  });
  return out;
}

}  // namespace

Expected<LimitsReport> limits_report(const Paths& paths, const UsageFilter& filter, int64_t now) {
  TRY_ASSIGN(const auto context, load_report_context(paths, filter, now));
  LimitsReport r;
  r.period = context.period;
  TRY_ASSIGN(auto store, store::Store::open_readonly(paths));
  try {
    const auto rows = store::rate_limit_rows(store->db(), filter.profile, context.period.since_ms.value_or(INT64_MIN),
                                             context.period.until_ms.value_or(INT64_MAX));
    r.windows = group_rows(rows, now);
  } catch (const SQLite::Exception& e) {
    return fail(std::string("cannot read the quota history: ") + e.what());
  }
  return r;
}

nlohmann::json limits_json(const LimitsReport& r) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& w : r.windows) {
    nlohmann::json points = nlohmann::json::array();
    for (const auto& p : w.points)
      points.push_back({{"seen_at", time_or_null(r.period, p.seen_ms)}, {"used_percent", p.used_percent}});
    list.push_back({{"profile", w.profile},
                    {"window", store::to_string(w.window)},
                    {"resets_at", time_or_null(r.period, w.resets_at_ms)},
                    {"current", w.current},
                    {"peak_percent", w.peak_percent},
                    {"last_percent", w.last_percent},
                    {"first_seen_at", time_or_null(r.period, w.first_seen_ms)},
                    {"last_seen_at", time_or_null(r.period, w.last_seen_ms)},
                    {"points", std::move(points)}});
  }
  return list_report(r, "windows", std::move(list));
}

}  // namespace clown::reports
