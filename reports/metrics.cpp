#include "reports/metrics.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "reports/blocks.hpp"
#include "reports/budget.hpp"
#include "reports/report_data.hpp"

namespace clown::reports {

namespace {

// Sums per (profile, agent, provider, model) string ids of the rollup.
std::vector<MetricsSeries> sum_series(const ReportData& data) {
  std::map<std::array<int32_t, 4>, GroupSum> groups;
  for (const auto* r : data.rows) groups[{r->profile, r->agent, r->provider, r->model}].add(*r, false);
  std::vector<MetricsSeries> out;
  out.reserve(groups.size());
  for (auto& [key, sum] : groups) {
    MetricsSeries s;
    s.profile = data.str(key[0]);
    s.agent = data.str(key[1]);
    s.provider = data.str(key[2]);
    s.model = data.str(key[3]);
    s.tokens = sum.tokens;
    s.cost_usd = sum.cost_total;
    s.requests = sum.requests;
    out.push_back(std::move(s));
  }
  auto key = [](const MetricsSeries& s) { return std::tie(s.profile, s.agent, s.provider, s.model); };
  std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
  return out;
}

}  // namespace

Expected<UsageMetrics> usage_metrics(const Paths& paths, int64_t now_ms) {
  UsageFilter all;
  all.period = "all";
  TRY_ASSIGN(const auto data, load_report_data(paths, all, now_ms));
  UsageMetrics m;
  m.series = sum_series(data);
  m.sessions = sum_all(data).session_count();
  TRY_ASSIGN(m.budgets, budget_statuses(paths, data.config, UsageFilter{}, now_ms));
  TRY_ASSIGN(const auto block, active_block(paths, UsageFilter{}, now_ms));
  if (block) {
    m.block_cost_usd = block->total_cost;
    if (block->burn) m.block_burn_usd_per_hour = block->burn->cost_per_hour;
  }
  return m;
}

std::string budget_label(const BudgetStatus& budget) {
  const std::string window = to_string(budget.window);
  return budget.profile.empty() ? window : budget.profile + ":" + window;
}

}  // namespace clown::reports
