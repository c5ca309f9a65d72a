#include "reports/insights.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

#include "common/format.hpp"
#include "reports/cache_savings.hpp"
#include "reports/report_data.hpp"
#include "reports/zone_offsets.hpp"

namespace clown::reports {

namespace {

constexpr int64_t k_baseline_days = 30;
constexpr int64_t k_day_ms = 86400000;
constexpr size_t k_max_per_kind = 5;

std::string num(double v, int digits = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// The loaded rows, split at the period's start.
struct Split {
  std::vector<const RollupRow*> period, before;
};

Split split(const ReportData& d) {
  Split s;
  for (const auto* r : d.rows) (d.period.contains(r->first_ms) ? s.period : s.before).push_back(r);
  return s;
}

// Days and hours flagged by their robust z against the 30 days before each.
// Median, MAD and mean absolute deviation of sorted values (the deviations
// of a sorted list about its median are two sorted runs: merged up to the
// middle, no sort and no allocation).
struct Spread {
  double median = 0, mad = 0, mean_ad = 0;
};

Spread spread_of_sorted(const std::vector<double>& v) {
  Spread s;
  const size_t n = v.size();
  if (n == 0) return s;
  s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  const auto split = static_cast<size_t>(std::lower_bound(v.begin(), v.end(), s.median) - v.begin());
  size_t left = split, right = split;  // next deviation: v[left - 1] below, v[right] above
  double lower = 0;
  for (size_t k = 0; k <= n / 2; ++k) {
    const bool take_left = left > 0 && (right == n || s.median - v[left - 1] <= v[right] - s.median);
    const double dev = take_left ? s.median - v[--left] : v[right++] - s.median;
    if (k + 1 == n / 2) lower = dev;
    if (k == n / 2) s.mad = n % 2 ? dev : (lower + dev) / 2.0;
  }
  double sum = 0;
  for (double x : v) sum += std::fabs(x - s.median);
  s.mean_ad = sum / static_cast<double>(n);
  return s;
}

std::optional<double> z_of(double x, const Spread& s) {
  if (s.mad > 0) return 0.6745 * (x - s.median) / s.mad;
  if (s.mean_ad > 0) return (x - s.median) / (1.253314 * s.mean_ad);
  return std::nullopt;
}

// `cost` is keyed by day index or hour start; `window` is 30 days in those
// units. The baseline of each key is a sorted window sliding with it.
template <class InPeriod, class Label>
void spikes(const std::map<int64_t, double>& cost, const ReportData& d, InsightKind kind, int64_t window,
            InPeriod in_period, Label label, std::vector<Insight>& out) {
  const auto& th = d.config.insights;
  std::vector<Insight> found;
  std::vector<double> baseline;  // sorted costs of the keys in [key - window, key)
  auto oldest = cost.begin();
  for (auto it = cost.begin(); it != cost.end(); ++it) {
    for (; oldest != it && oldest->first < it->first - window; ++oldest)
      baseline.erase(std::lower_bound(baseline.begin(), baseline.end(), oldest->second));
    if (in_period(it->first) && static_cast<int64_t>(baseline.size()) >= th.min_history_days) {
      const Spread spread = spread_of_sorted(baseline);
      const auto z = z_of(it->second, spread);
      if (z && *z >= th.z_threshold && it->second > spread.median) {
        Insight i;
        i.kind = kind;
        i.subject = label(it->first);
        i.value = it->second;
        i.baseline = spread.median;
        i.spread = spread.mad;
        i.score = *z;
        i.threshold = th.z_threshold;
        i.message = i.subject + " cost " + format_usd(i.value) + " against a median of " + format_usd(i.baseline) +
                    " over the " + std::to_string(baseline.size()) + " active " +
                    (kind == InsightKind::cost_spike_day ? "days" : "hours") + " of the 30 days before (robust z " +
                    num(*z) + " >= " + num(th.z_threshold) + ")";
        found.push_back(std::move(i));
      }
    }
    baseline.insert(std::upper_bound(baseline.begin(), baseline.end(), it->second), it->second);
  }
  std::stable_sort(found.begin(), found.end(), [](const Insight& a, const Insight& b) { return a.score > b.score; });
  if (found.size() > k_max_per_kind) found.resize(k_max_per_kind);
  out.insert(out.end(), found.begin(), found.end());
}

void expensive_sessions(const ReportData& d, std::vector<Insight>& out) {
  const auto& th = d.config.insights;
  std::unordered_map<int32_t, std::pair<double, int64_t>> sessions;  // cost, last request
  for (const auto* r : d.rows) {
    if (r->no_session) continue;
    auto& s = sessions[r->session];
    s.first += r->cost_total;
    s.second = std::max(s.second, r->last_ms);
  }
  if (static_cast<int64_t>(sessions.size()) < th.min_sessions) return;
  std::vector<double> costs;
  for (const auto& [id, s] : sessions) costs.push_back(s.first);
  const double p = percentile(costs, th.session_percentile);
  std::vector<Insight> found;
  for (const auto& [id, s] : sessions) {
    if (s.first <= p || !d.period.contains(s.second)) continue;
    Insight i;
    i.kind = InsightKind::expensive_session;
    i.subject = d.str(id);
    i.value = s.first;
    i.baseline = p;
    i.threshold = th.session_percentile;
    i.score = p > 0 ? s.first / p : 0;
    i.message = "session " + i.subject + " cost " + format_usd(s.first) + ", above the " +
                num(th.session_percentile, 0) + "th percentile " + format_usd(p) + " of " +
                std::to_string(sessions.size()) + " sessions";
    found.push_back(std::move(i));
  }
  std::sort(found.begin(), found.end(), [](const Insight& a, const Insight& b) {
    return a.value != b.value ? a.value > b.value : a.subject < b.subject;
  });
  if (found.size() > k_max_per_kind) found.resize(k_max_per_kind);
  out.insert(out.end(), found.begin(), found.end());
}

void cache_drop(const ReportData& d, const Split& s, int64_t days_before, std::vector<Insight>& out) {
  const auto& th = d.config.insights;
  if (days_before < th.min_history_days) return;
  store::TokenCounts now_tokens, before_tokens;
  for (const auto* r : s.period) now_tokens += r->tokens;
  for (const auto* r : s.before) before_tokens += r->tokens;
  const double current = cache_hit_rate(now_tokens), baseline = cache_hit_rate(before_tokens);
  const double drop = (baseline - current) * 100.0;
  if (now_tokens.total() == 0 || drop < th.cache_drop_points) return;
  Insight i;
  i.kind = InsightKind::cache_drop;
  i.subject = "cache hit rate";
  i.value = current;
  i.baseline = baseline;
  i.score = drop;
  i.threshold = th.cache_drop_points;
  i.message = "the cache hit rate fell to " + num(current * 100) + "% from " + num(baseline * 100) +
              "% in the 30 days before (" + num(drop) + " points >= " + num(th.cache_drop_points) + ")";
  out.push_back(std::move(i));
}

void unpriced(const ReportData& d, const Split& s, std::vector<Insight>& out) {
  std::map<std::string, std::pair<int64_t, int64_t>> models;  // unpriced requests, their tokens
  for (const auto* r : s.period)
    if (r->unpriced_requests > 0) {
      auto& m = models[d.str(r->model)];
      m.first += r->unpriced_requests;
      m.second += r->tokens.total();
    }
  for (const auto& [model, m] : models) {
    Insight i;
    i.kind = InsightKind::unpriced_model;
    i.subject = model;
    i.value = static_cast<double>(m.first);
    i.message = model + " is in use without a price: " + with_thousands(m.first) + " requests, " +
                with_thousands(m.second) + " tokens not in any cost (run `clown registry sync`)";
    out.push_back(std::move(i));
  }
}

// One model with most of the cost, where another model was the main model
// of enough sessions in the same projects at a lower cost per session.
struct SessionUse {
  std::unordered_map<int32_t, double> cost_by_model;
  int32_t project = -1;
  double cost = 0;
  int32_t main_model() const {
    int32_t best = -1;
    for (const auto& [m, c] : cost_by_model)
      if (best < 0 || c > cost_by_model.at(best) || (c == cost_by_model.at(best) && m < best)) best = m;
    return best;
  }
};

void concentration(const ReportData& d, const Split& s, std::vector<Insight>& out) {
  const auto& th = d.config.insights;
  std::unordered_map<int32_t, double> by_model;
  std::unordered_map<int32_t, SessionUse> sessions;
  double total = 0;
  for (const auto* r : s.period) {
    by_model[r->model] += r->cost_total;
    total += r->cost_total;
    if (r->no_session) continue;
    auto& use = sessions[r->session];
    use.cost_by_model[r->model] += r->cost_total;
    use.cost += r->cost_total;
    if (use.project < 0) use.project = d.project(*r);
  }
  if (total <= 0) return;
  int32_t top = -1;
  for (const auto& [m, c] : by_model)
    if (top < 0 || c > by_model[top] || (c == by_model[top] && d.str(m) < d.str(top))) top = m;
  const double share = by_model[top] / total;
  if (share < th.concentration_share) return;
  // Per project: the top model's sessions, and every other main model's.
  std::map<std::pair<int32_t, int32_t>, std::pair<int64_t, double>> per;  // (project, main model) -> sessions, cost
  for (const auto& [id, use] : sessions) {
    auto& p = per[{use.project, use.main_model()}];
    p.first += 1;
    p.second += use.cost;
  }
  Insight best;
  for (const auto& [m, c] : by_model) {
    if (m == top) continue;
    int64_t n_alt = 0, n_top = 0;
    double cost_alt = 0, cost_top = 0;
    for (const auto& [key, v] : per) {
      if (key.second != m) continue;
      const auto top_here = per.find({key.first, top});
      if (top_here == per.end()) continue;
      n_alt += v.first, cost_alt += v.second;
      n_top += top_here->second.first, cost_top += top_here->second.second;
    }
    if (n_alt < th.min_similar_sessions || n_top == 0) continue;
    const double avg_alt = cost_alt / static_cast<double>(n_alt), avg_top = cost_top / static_cast<double>(n_top);
    const double savings = (avg_top - avg_alt) * static_cast<double>(n_top);
    if (avg_alt >= avg_top || savings <= best.estimated_savings) continue;
    best.alternative = d.str(m);
    best.baseline = avg_alt;
    best.score = avg_top;
    best.estimated_savings = savings;
    best.spread = static_cast<double>(n_top);
  }
  if (best.alternative.empty()) return;
  best.kind = InsightKind::model_concentration;
  best.subject = d.str(top);
  best.value = share;
  best.threshold = th.concentration_share;
  best.message = best.subject + " is " + num(share * 100, 0) + "% of the cost; in the same projects " +
                 best.alternative + " sessions averaged " + format_usd(best.baseline) + " against " +
                 format_usd(best.score) + " for " + best.subject + " (" + num(best.spread, 0) + " sessions): about " +
                 format_usd(best.estimated_savings) + " less";
  out.push_back(std::move(best));
}

}  // namespace

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return spread_of_sorted(v).median;
}

std::optional<double> robust_z(double x, const std::vector<double>& baseline) {
  std::vector<double> v = baseline;
  std::sort(v.begin(), v.end());
  return z_of(x, spread_of_sorted(v));
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

const char* to_string(InsightKind kind) {
  switch (kind) {
    case InsightKind::cost_spike_day: return "cost_spike_day";
    case InsightKind::cost_spike_hour: return "cost_spike_hour";
    case InsightKind::expensive_session: return "expensive_session";
    case InsightKind::cache_drop: return "cache_drop";
    case InsightKind::unpriced_model: return "unpriced_model";
    case InsightKind::model_concentration: return "model_concentration";
  }
  return "cost_spike_day";
}

Expected<InsightsReport> insights_report(const Paths& paths, const UsageFilter& filter, int64_t now) {
  TRY_ASSIGN(const auto context, load_report_context(paths, filter, now));
  ResolvedPeriod range = context.period;
  if (range.since_ms)
    range.since_ms = local_midnight_ms(range.zone, local_day_index(range.zone, *range.since_ms) - k_baseline_days);
  // The period's rows plus the 30 days before it, the baselines.
  TRY_ASSIGN(const auto data, load_report_data(paths, filter, context, range));
  const Split s = split(data);
  InsightsReport r;
  r.period = data.period;
  GroupSum sum;
  std::vector<int32_t> unpriced_ids;
  for (const auto* row : s.period) {
    sum.add(*row, false);
    if (row->unpriced_requests > 0) unpriced_ids.push_back(row->model);
  }
  r.totals = sum.totals();
  r.unpriced_models = data.names(std::move(unpriced_ids));

  ZoneOffsets zone(data.period.zone);
  std::map<int64_t, double> day_cost, hour_cost;  // by local day index / local hour start (UTC ms)
  std::set<int64_t> days_before;
  for (const auto* row : data.rows) {
    const int64_t day = zone.day(row->first_ms);
    day_cost[day] += row->cost_total;
    hour_cost[zone.hour_start(row->first_ms)] += row->cost_total;
    if (!data.period.contains(row->first_ms)) days_before.insert(day);
  }
  r.history_days = static_cast<int64_t>(day_cost.size());
  r.min_history_days = data.config.insights.min_history_days;
  r.enough_history = r.history_days >= r.min_history_days;
  unpriced(data, s, r.insights);
  if (!r.enough_history) return r;
  const auto* tz = data.period.zone;
  const auto& period = data.period;
  spikes(
      day_cost, data, InsightKind::cost_spike_day, k_baseline_days,
      [&](int64_t day) { return period.contains(local_midnight_ms(tz, day)); },
      [&](int64_t day) { return local_date(tz, local_midnight_ms(tz, day)); }, r.insights);
  spikes(
      hour_cost, data, InsightKind::cost_spike_hour, k_baseline_days * k_day_ms,
      [&](int64_t ms) { return period.contains(ms); },
      [&](int64_t ms) { return local_date(tz, ms) + " " + local_iso(tz, ms).substr(11, 5); }, r.insights);
  expensive_sessions(data, r.insights);
  cache_drop(data, s, static_cast<int64_t>(days_before.size()), r.insights);
  concentration(data, s, r.insights);
  return r;
}

}  // namespace clown::reports
