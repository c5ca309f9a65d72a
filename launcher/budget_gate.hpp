#pragma once
// The budget gate of `clown run` (docs/cost.md#budget-gate): before the
// agent starts, the budgets in config.toml that cover the profile (its own
// [budgets.profiles.<alias>] and the overall [budgets]) are checked against
// the current day, week and month. Pure decision + one read of the rollup.
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "profiles/profile.hpp"
#include "reports/report_types.hpp"

namespace clown::launcher {

// What the gate decided from the budget statuses: lines to print before the
// agent starts, or a refusal (exit 2, saying how to override).
// warning/critical: one line; exceeded: refused under `block` (unless
// `over_budget`), one line under `warn`; `off`: nothing.
Expected<std::vector<std::string>> gate_decision(const std::string& alias, profiles::BudgetGate gate,
                                                 const std::vector<reports::BudgetStatus>& statuses, bool over_budget);

// Reads the budgets and decides. No budgets configured: nothing read past
// config.toml.
Expected<std::vector<std::string>> check_budget_gate(const Paths& paths, const profiles::Profile& profile,
                                                     bool over_budget, int64_t now_ms);

}  // namespace clown::launcher
