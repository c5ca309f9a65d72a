#pragma once
// The usage figures the daemon's GET /metrics exposes to Prometheus
// (docs/api.md#metrics): all-time sums per profile, agent, provider and
// model, distinct sessions, budgets, the active 5-hour block. All of them are
// sums of the all-time rollup (reports/report_rollup.hpp), which the daemon
// keeps in memory while usage.db is unchanged, so a scrape scans no request;
// the agents' own metrics (active time, lines of code) are read from the small
// otel_metrics table.
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/report_types.hpp"
#include "store/usage_types.hpp"

namespace clown::reports {

// One series of the per-model counters.
struct MetricsSeries {
  std::string profile, agent, provider, model;
  store::TokenCounts tokens;
  double cost_usd = 0;  // sum of the stored cost_total, as `clown usage` sums it
  int64_t requests = 0;
};

struct UsageMetrics {
  std::vector<MetricsSeries> series;  // sorted by profile, agent, provider, model
  int64_t sessions = 0;               // distinct agent sessions (as `clown usage` counts them)
  std::vector<BudgetStatus> budgets;  // config.toml [budgets], with this window's spend
  double block_cost_usd = 0;          // the active 5-hour block (0 when none)
  double block_burn_usd_per_hour = 0;
  std::vector<ActivityRow> activity;  // all-time OpenTelemetry metrics per profile (reports/activity.hpp)
};

Expected<UsageMetrics> usage_metrics(const Paths& paths, int64_t now_ms);

// The value of the budget label: "daily", or "<profile>:daily" for a profile's
// budget (':' is never part of a profile name).
std::string budget_label(const BudgetStatus& budget);

}  // namespace clown::reports
