#pragma once
// `clown usage roi` (docs/cost.md#roi): the API-equivalent cost of the
// period projected to a month, against subscription plans: Claude Pro $20,
// Max 5x $100, Max 20x $200 and config.toml [[plans]].
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "config/config.hpp"
#include "reports/filter.hpp"
#include "reports/report_types.hpp"

namespace clown::reports {

// The built-in plans, then config.toml's (a custom plan with a built-in's
// name replaces it).
std::vector<config::PlanConfig> plans(const config::Config& config);

// A forgiving key for plan names: lower case, letters and digits only, "×"
// as x, a leading "claude" and an "x" after the multiplier dropped:
// "Max 5×", "max5x", "MAX-5" -> "max5".
std::string plan_key(std::string_view name);
// The plan `name` means, or nullopt.
std::optional<config::PlanConfig> find_plan(const std::vector<config::PlanConfig>& plans, std::string_view name);

// Projected monthly cost = cost / basis_days * month_days.
double project_monthly(double cost, double basis_days, double month_days);

// Each plan against `projected` (USD per month), the cheapest option that
// fits ("api" = paying per token; a plan fits unless its covers_usd is below
// the projection) and its margin over the next cheapest that fits. A plan is
// cheaper than paying per token when the projection exceeds its price (the
// break-even rule; its usage limits decide whether it covers you).
RoiRow compare_plans(std::string profile, double cost, double projected, const std::vector<config::PlanConfig>& plans);

// `clown usage roi`: the period (default the last 30 days; `month` = the
// month so far, projected to the month's length) from its start (or the first
// request) to now.
Expected<RoiReport> roi_report(const Paths& paths, const UsageFilter& filter, const ReportOptions& options,
                               int64_t now_ms);

}  // namespace clown::reports
