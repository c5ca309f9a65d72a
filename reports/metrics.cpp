#include "reports/metrics.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <optional>

#include "reports/activity.hpp"
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

// The active block, as blocks.hpp active_block finds it, but from the rows
// already loaded: the rows since a bucket-aligned start that lies 5 h or more
// before the first of them (so that row starts a block as it would in all
// history), widening the window until one does. Reads no table.
std::optional<BlockRow> active_block_of(const ReportData& data, int64_t now_ms) {
  constexpr int64_t k_day_ms = 24 * 3600 * 1000;
  for (int64_t window = k_day_ms;; window *= 2) {
    const bool everything = window > 512 * k_day_ms;
    const int64_t since = (now_ms - window) / k_bucket_ms * k_bucket_ms;
    std::vector<const RollupRow*> rows;
    int64_t earliest = std::numeric_limits<int64_t>::max();
    for (const auto* r : data.rows)
      if (everything || r->first_ms >= since) {
        rows.push_back(r);
        earliest = std::min(earliest, r->first_ms);
      }
    if (rows.empty()) return std::nullopt;
    if (everything || earliest - since >= k_block_ms) {
      auto blocks = split_blocks(data, std::move(rows), now_ms);
      if (blocks.empty() || !blocks.back().active) return std::nullopt;
      return std::move(blocks.back());
    }
  }
}

}  // namespace

Expected<UsageMetrics> usage_metrics(const Paths& paths, int64_t now_ms) {
  UsageFilter all;
  all.period = "all";
  TRY_ASSIGN(const auto data, load_report_data(paths, all, now_ms));
  UsageMetrics m;
  m.series = sum_series(data);
  m.sessions = sum_all(data).session_count();
  m.budgets = budget_statuses_of(data, data.config, UsageFilter{}, now_ms);
  if (const auto block = active_block_of(data, now_ms)) {
    m.block_cost_usd = block->total_cost;
    if (block->burn) m.block_burn_usd_per_hour = block->burn->cost_per_hour;
  }
  TRY_ASSIGN(auto activity, activity_report(paths, all, now_ms));
  m.activity = std::move(activity.by_profile);
  return m;
}

std::string budget_label(const BudgetStatus& budget) {
  const std::string window = to_string(budget.window);
  return budget.profile.empty() ? window : budget.profile + ":" + window;
}

}  // namespace clown::reports
