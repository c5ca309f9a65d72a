#pragma once
// `clown usage limits` (docs/api.md#usage-limits): the plan quota snapshots
// the statusline recorded (store/rate_limits_table.hpp), one row per profile,
// window and reset time, with the percentages seen over time.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/filter.hpp"
#include "reports/report_types.hpp"

namespace clown::reports {

// Snapshots first seen in the filter's period (default 7d), of its profile
// when set; the other filters do not apply (a quota belongs to no model or
// project).
Expected<LimitsReport> limits_report(const Paths& paths, const UsageFilter& filter, int64_t now_ms);

// The one JSON mapping (`--json`, /api/usage/limits).
nlohmann::json limits_json(const LimitsReport& r);

}  // namespace clown::reports
