#include "reports/budget.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <unordered_map>

#include <date/date.h>

#include "common/format.hpp"
#include "reports/report_data.hpp"
#include "reports/report_rollup.hpp"
#include "store/store.hpp"

namespace clown::reports {

namespace {

struct Window {
  BudgetWindow kind;
  int64_t since_ms, until_ms;
};

// Today, this week and this month in the report zone.
std::vector<Window> windows(const ResolvedPeriod& p, int64_t now) {
  const int64_t today = local_day_index(p.zone, now);
  const int64_t week = week_start_day(today, p.start_of_week);
  const date::year_month_day ymd{date::sys_days{date::days{today}}};
  const date::sys_days first{ymd.year() / ymd.month() / date::day{1}};
  const date::sys_days next{(ymd.year() / ymd.month() + date::months{1}) / date::day{1}};
  auto midnight = [&](int64_t day) { return local_midnight_ms(p.zone, day); };
  return {
      {BudgetWindow::daily, midnight(today), midnight(today + 1)},
      {BudgetWindow::weekly, midnight(week), midnight(week + 7)},
      {BudgetWindow::monthly, midnight(first.time_since_epoch().count()), midnight(next.time_since_epoch().count())}};
}

std::optional<double> limit_of(const config::BudgetLimits& limits, BudgetWindow w) {
  switch (w) {
    case BudgetWindow::daily: return limits.daily;
    case BudgetWindow::weekly: return limits.weekly;
    case BudgetWindow::monthly: return limits.monthly;
  }
  return std::nullopt;
}

void add_statuses(std::vector<BudgetStatus>& out, const std::string& profile, const config::BudgetLimits& limits,
                  const std::vector<Window>& ws, const double spent[3]) {
  for (size_t i = 0; i < ws.size(); ++i) {
    const auto limit = limit_of(limits, ws[i].kind);
    if (!limit) continue;
    BudgetStatus s;
    s.profile = profile;
    s.window = ws[i].kind;
    s.limit = *limit;
    s.spent = spent[i];
    s.percent = *limit > 0 ? spent[i] / *limit * 100.0 : (spent[i] > 0 ? 100.0 : 0.0);
    s.level = budget_level(spent[i], *limit);
    s.since_ms = ws[i].since_ms;
    s.until_ms = ws[i].until_ms;
    out.push_back(s);
  }
}

}  // namespace

std::string describe_budget(const BudgetStatus& b) {
  char pct[16];
  std::snprintf(pct, sizeof pct, "%.0f%%", b.percent);
  return std::string(b.profile.empty() ? "the overall" : "profile '" + b.profile + "''s") + " " + to_string(b.window) +
         " budget: " + format_usd(b.spent) + " of " + format_usd(b.limit) + " (" + pct + ", " + to_string(b.level) +
         ")";
}

BudgetLevel budget_level(double spent, double limit) {
  if (limit <= 0) return spent > 0 ? BudgetLevel::exceeded : BudgetLevel::safe;
  if (spent >= limit) return BudgetLevel::exceeded;
  if (spent >= 0.8 * limit) return BudgetLevel::critical;
  if (spent >= 0.5 * limit) return BudgetLevel::warning;
  return BudgetLevel::safe;
}

const char* to_string(BudgetLevel level) {
  switch (level) {
    case BudgetLevel::safe: return "safe";
    case BudgetLevel::warning: return "warning";
    case BudgetLevel::critical: return "critical";
    case BudgetLevel::exceeded: return "exceeded";
  }
  return "safe";
}

const char* to_string(BudgetWindow window) {
  switch (window) {
    case BudgetWindow::daily: return "daily";
    case BudgetWindow::weekly: return "weekly";
    case BudgetWindow::monthly: return "monthly";
  }
  return "daily";
}

std::vector<BudgetStatus> budget_statuses_of(const ReportData& data, const config::Config& config,
                                             const UsageFilter& filter, int64_t now) {
  const auto& budgets = config.budgets;
  const bool overall = filter.profile.empty() && !budgets.overall.empty();
  const auto ws = windows(data.period, now);

  // Spend per window, overall and per profile string id.
  double total[3] = {0, 0, 0};
  std::unordered_map<int32_t, std::array<double, 3>> by_profile;
  for (const auto* r : data.rows)
    for (size_t i = 0; i < 3; ++i)
      if (r->first_ms >= ws[i].since_ms && r->first_ms < ws[i].until_ms) {
        total[i] += r->cost_total;
        by_profile[r->profile][i] += r->cost_total;
      }
  std::vector<BudgetStatus> out;
  if (overall) add_statuses(out, "", budgets.overall, ws, total);
  for (const auto& [name, limits] : budgets.profiles) {
    if (!filter.profile.empty() && filter.profile != name) continue;
    double spent[3] = {0, 0, 0};
    for (const auto& [idx, sums] : by_profile)
      if (data.str(idx) == name) std::copy(sums.begin(), sums.end(), spent);
    add_statuses(out, name, limits, ws, spent);
  }
  return out;
}

Expected<std::vector<BudgetStatus>> budget_statuses(const Paths& paths, const config::Config& config,
                                                    const UsageFilter& filter, int64_t now) {
  const auto& budgets = config.budgets;
  const bool overall = filter.profile.empty() && !budgets.overall.empty();
  bool any_profile = false;
  for (const auto& [name, limits] : budgets.profiles)
    any_profile |= !limits.empty() && (filter.profile.empty() || filter.profile == name);
  if (!overall && !any_profile) return std::vector<BudgetStatus>{};

  UsageFilter f = filter;
  f.profile.clear();
  f.period = "all";
  f.since.reset();
  f.until.reset();
  ReportContext context{config, {}};
  TRY_ASSIGN(context.period, resolve_report_period(config, f, now));
  const auto ws = windows(context.period, now);
  ResolvedPeriod range = context.period;
  range.since_ms = std::min(ws[1].since_ms, ws[2].since_ms);
  range.until_ms = std::max(ws[1].until_ms, ws[2].until_ms);
  TRY_ASSIGN(const auto data, load_report_data(paths, f, context, range));
  return budget_statuses_of(data, config, filter, now);
}

namespace {

// The profile's spend in each window, from the covering index (profile,
// ts_ms, cost_total): one index range, summed inside SQLite, never the table.
std::array<double, 3> profile_spend(SQLite::Database& db, const std::string& profile, const std::vector<Window>& ws) {
  SQLite::Statement q(db,
                      "SELECT total(cost_total) FILTER (WHERE ts_ms >= ?2 AND ts_ms < ?3), "
                      "total(cost_total) FILTER (WHERE ts_ms >= ?4 AND ts_ms < ?5), "
                      "total(cost_total) FILTER (WHERE ts_ms >= ?6 AND ts_ms < ?7) "
                      "FROM requests WHERE profile = ?1 AND ts_ms >= ?8 AND ts_ms < ?9");
  q.bind(1, profile);
  for (int i = 0; i < 3; ++i) {
    q.bind(2 + 2 * i, ws[static_cast<size_t>(i)].since_ms);
    q.bind(3 + 2 * i, ws[static_cast<size_t>(i)].until_ms);
  }
  q.bind(8, std::min({ws[0].since_ms, ws[1].since_ms, ws[2].since_ms}));
  q.bind(9, std::max({ws[0].until_ms, ws[1].until_ms, ws[2].until_ms}));
  std::array<double, 3> spent = {0, 0, 0};
  if (q.executeStep())
    for (int i = 0; i < 3; ++i) spent[static_cast<size_t>(i)] = q.getColumn(i).getDouble();
  return spent;
}

// Every profile's spend in each window from the all-time rollup (buckets
// are quarter hours and the windows start at local midnights, so a bucket is
// inside a window or outside it whole).
std::map<std::string, std::array<double, 3>> rollup_spend(const Rollup& rollup, const std::vector<Window>& ws) {
  std::map<std::string, std::array<double, 3>> out;
  for (const auto& row : rollup.rows)
    for (size_t i = 0; i < 3; ++i)
      if (row.first_ms >= ws[i].since_ms && row.first_ms < ws[i].until_ms)
        out[rollup.strings[static_cast<size_t>(row.profile)]][i] += row.cost_total;
  return out;
}

// The same from the covering index: one range per profile in the history.
std::map<std::string, std::array<double, 3>> index_spend(SQLite::Database& db, const std::vector<Window>& ws) {
  std::map<std::string, std::array<double, 3>> out;
  SQLite::Statement next(db, "SELECT min(profile) FROM requests WHERE profile > ?");
  std::string name;
  for (next.bind(1, name); next.executeStep() && !next.getColumn(0).isNull(); next.bind(1, name)) {
    name = next.getColumn(0).getString();
    next.reset();
    out[name] = profile_spend(db, name, ws);
  }
  return out;
}

}  // namespace

Expected<std::vector<BudgetStatus>> launch_budget_statuses(const Paths& paths, const config::Config& config,
                                                           const std::string& profile, int64_t now) {
  const auto& budgets = config.budgets;
  const auto own = budgets.profiles.find(profile);
  const bool overall = !budgets.overall.empty();
  const bool own_budget = own != budgets.profiles.end() && !own->second.empty();
  if (!overall && !own_budget) return std::vector<BudgetStatus>{};
  UsageFilter f;
  f.period = "today";
  TRY_ASSIGN(const auto period, resolve_report_period(config, f, now));
  const auto ws = windows(period, now);
  std::vector<BudgetStatus> out;
  // The rollup every writer saves after its commit (docs/file-formats.md#report-cache)
  // when it is current: neither the database nor a request is read. Else index ranges.
  std::map<std::string, std::array<double, 3>> spend;
  std::unique_ptr<store::Store> store;
  const auto rollup = unchanged_cached_rollup(paths);
  if (!rollup) {
    TRY_ASSIGN(store, store::Store::open_readonly(paths));
  }
  try {
    if (rollup)
      spend = rollup_spend(*rollup, ws);
    else if (overall)
      spend = index_spend(store->db(), ws);
    else
      spend[profile] = profile_spend(store->db(), profile, ws);
    if (overall) {
      double total[3] = {0, 0, 0};
      for (const auto& [name, spent] : spend)
        for (size_t i = 0; i < 3; ++i) total[i] += spent[i];
      add_statuses(out, "", budgets.overall, ws, total);
    }
    if (own_budget) add_statuses(out, profile, own->second, ws, spend[profile].data());
  } catch (const SQLite::Exception& e) {
    return fail("cannot read " + paths.usage_db().string() + ": " + e.what());
  }
  return out;
}

Expected<std::vector<BudgetStatus>> budget_statuses(const Paths& paths, int64_t now) {
  TRY_ASSIGN(const auto config, config::load_config(paths));
  return budget_statuses(paths, config, UsageFilter{}, now);
}

Expected<BudgetReport> budget_report(const Paths& paths, const UsageFilter& filter, int64_t now) {
  TRY_ASSIGN(const auto context, load_report_context(paths, filter, now));
  BudgetReport r;
  TRY_ASSIGN(r.budgets, budget_statuses(paths, context.config, filter, now));
  // The report's own period is the month so far (the widest window), its totals what the filter counts in it.
  UsageFilter month = filter;
  month.period = "month";
  month.since.reset();
  month.until.reset();
  ReportContext ctx = context;
  TRY_ASSIGN(ctx.period, resolve_report_period(context.config, month, now));
  TRY_ASSIGN(const auto data, load_report_data(paths, month, ctx, ctx.period));
  fill_base(data, r);
  return r;
}

}  // namespace clown::reports
