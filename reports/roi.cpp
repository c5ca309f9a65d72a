#include "reports/roi.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>

#include <date/date.h>

#include "reports/report_data.hpp"

namespace clown::reports {

namespace {

// Anthropic's consumer plans (claude.com/pricing), USD per month.
const std::vector<config::PlanConfig>& builtin_plans() {
  static const std::vector<config::PlanConfig> k_plans = {
      {"Pro", 20, std::nullopt}, {"Max 5x", 100, std::nullopt}, {"Max 20x", 200, std::nullopt}};
  return k_plans;
}

constexpr double k_day_ms = 86400000.0;

// Days of the local month holding `now`.
double days_in_month(const ResolvedPeriod& p, int64_t now) {
  const date::year_month_day ymd{date::sys_days{date::days{local_day_index(p.zone, now)}}};
  const date::sys_days first{ymd.year() / ymd.month() / date::day{1}};
  const date::sys_days next{(ymd.year() / ymd.month() + date::months{1}) / date::day{1}};
  return static_cast<double>((next - first).count());
}

}  // namespace

std::vector<config::PlanConfig> plans(const config::Config& config) {
  std::vector<config::PlanConfig> out = builtin_plans();
  for (const auto& custom : config.plans) {
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const config::PlanConfig& p) { return plan_key(p.name) == plan_key(custom.name); });
    if (same != out.end())
      *same = custom;
    else
      out.push_back(custom);
  }
  return out;
}

std::string plan_key(std::string_view name) {
  std::string key;
  for (size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c == 0xC3 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) == 0x97) {  // U+00D7 ×
      key += 'x';
      ++i;
    } else if (std::isalnum(c)) {
      key += static_cast<char>(std::tolower(c));
    }
  }
  if (key.rfind("claude", 0) == 0 && key.size() > 6) key.erase(0, 6);
  if (key.size() >= 2 && key.back() == 'x' && std::isdigit(static_cast<unsigned char>(key[key.size() - 2])))
    key.pop_back();
  return key;
}

std::optional<config::PlanConfig> find_plan(const std::vector<config::PlanConfig>& all, std::string_view name) {
  const std::string key = plan_key(name);
  for (const auto& p : all)
    if (plan_key(p.name) == key) return p;
  return std::nullopt;
}

double project_monthly(double cost, double basis_days, double month_days) {
  return basis_days > 0 ? cost / basis_days * month_days : 0.0;
}

RoiRow compare_plans(std::string profile, double cost, double projected, const std::vector<config::PlanConfig>& all) {
  RoiRow row;
  row.profile = std::move(profile);
  row.cost = cost;
  row.projected_monthly = projected;
  // Every option that fits, by monthly price: paying per token first, so it wins ties.
  std::vector<std::pair<std::string, double>> options = {{"api", projected}};
  for (size_t i = 0; i < all.size(); ++i) {
    PlanOption p;
    p.name = all[i].name;
    p.monthly_usd = all[i].monthly_usd;
    p.difference = all[i].monthly_usd - projected;
    p.value = all[i].monthly_usd > 0 ? projected / all[i].monthly_usd : 0.0;
    p.covers_usd = all[i].covers_usd;
    p.fits = !p.covers_usd || *p.covers_usd >= projected;
    p.custom = std::none_of(builtin_plans().begin(), builtin_plans().end(), [&](const config::PlanConfig& b) {
      return b.name == all[i].name && b.monthly_usd == all[i].monthly_usd && !all[i].covers_usd;
    });
    row.plans.push_back(p);
    if (p.fits) options.emplace_back(p.name, p.monthly_usd);
  }
  std::stable_sort(options.begin(), options.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  row.cheapest = options[0].first;
  row.cheapest_margin = options.size() > 1 ? options[1].second - options[0].second : 0.0;
  return row;
}

Expected<RoiReport> roi_report(const Paths& paths, const UsageFilter& filter, const ReportOptions& options,
                               int64_t now) {
  TRY_ASSIGN(const auto data, load_report_data(paths, filter, now));
  RoiReport r;
  fill_base(data, r);
  const auto all = plans(data.config);
  if (!options.plan.empty()) {
    const auto plan = find_plan(all, options.plan);
    if (!plan) {
      std::string names;
      for (const auto& p : all) names += (names.empty() ? "" : ", ") + p.name;
      return fail("unknown plan '" + options.plan + "': use one of " + names + " (or add it under [[plans]])",
                  k_exit_usage);
    }
    r.plan = plan->name;
  }
  // The basis: from the period's start (else the first request) to now (or the period's end, if earlier).
  int64_t since = data.period.since_ms.value_or(std::numeric_limits<int64_t>::max());
  if (!data.period.since_ms)
    for (const auto* row : data.rows) since = std::min(since, row->first_ms);
  const int64_t until = std::min(now, data.period.until_ms.value_or(now));
  r.basis_days = since < until ? static_cast<double>(until - since) / k_day_ms : 0.0;
  r.month_days = data.period.period == "month" ? days_in_month(data.period, now) : 30.0;

  const double total = r.totals.total_cost;
  r.overall = compare_plans("", total, project_monthly(total, r.basis_days, r.month_days), all);
  std::map<std::string, double> by_profile;
  for (const auto* row : data.rows) by_profile[data.str(row->profile)] += row->cost_total;
  for (const auto& [profile, cost] : by_profile)
    r.profiles.push_back(compare_plans(profile, cost, project_monthly(cost, r.basis_days, r.month_days), all));
  std::stable_sort(r.profiles.begin(), r.profiles.end(),
                   [](const RoiRow& a, const RoiRow& b) { return a.cost > b.cost; });
  return r;
}

}  // namespace clown::reports
