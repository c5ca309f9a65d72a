#pragma once
// Budgets (docs/cost.md#budgets): config.toml [budgets] daily / weekly /
// monthly limits in USD, overall and per profile ([budgets.profiles.<alias>]),
// against the spend of the current local day, week and month. Plain
// functions of the store, for `clown usage budget`, the summary and anything
// that must check a budget quickly (a launch gate, a status line).
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "config/config.hpp"
#include "reports/filter.hpp"
#include "reports/report_types.hpp"

namespace clown::reports {

struct ReportData;

// safe < 50 % <= warning < 80 % <= critical < 100 % <= exceeded; a limit of
// 0 is exceeded by any spend and safe without.
BudgetLevel budget_level(double spent, double limit);
const char* to_string(BudgetLevel level);
const char* to_string(BudgetWindow window);

// "profile 'p''s daily budget: $6.00 of $10.00 (60%, warning)" (the overall:
// "the overall daily budget: ..."): what the launch gate and the hook say.
std::string describe_budget(const BudgetStatus& status);

// Every budget in `config` with its spend at `now_ms`: overall budgets first,
// then profiles by name; daily, weekly, monthly. The filter's time zone and
// start of week cut the windows; its profile, when set, keeps only that
// profile's budgets; its model, agent and project narrow what is counted; its
// period is ignored (each budget has its own window).
Expected<std::vector<BudgetStatus>> budget_statuses(const Paths& paths, const config::Config& config,
                                                    const UsageFilter& filter, int64_t now_ms);
// The same from rows already loaded (`data`: every row of the windows that
// passes the filter, e.g. all history; its period's zone and start of week
// cut the windows).
std::vector<BudgetStatus> budget_statuses_of(const ReportData& data, const config::Config& config,
                                             const UsageFilter& filter, int64_t now_ms);
// The same with config.toml read and no filter.
Expected<std::vector<BudgetStatus>> budget_statuses(const Paths& paths, int64_t now_ms);

// The budgets that cover `profile` (its own and the overall ones) for the
// launch gate and the hook: the same figures as budget_statuses, summed from
// the requests' covering index over the widest window only (no rollup
// rebuild after the store changed, no row outside the windows read).
Expected<std::vector<BudgetStatus>> launch_budget_statuses(const Paths& paths, const config::Config& config,
                                                           const std::string& profile, int64_t now_ms);

// `clown usage budget`.
Expected<BudgetReport> budget_report(const Paths& paths, const UsageFilter& filter, int64_t now_ms);

}  // namespace clown::reports
