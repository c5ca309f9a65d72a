#pragma once
// `clown usage activity` (docs/api.md#usage-activity): active time, lines of
// code, commits and pull requests per profile, from the OpenTelemetry metrics
// clownd's receiver stored (store/otel_metrics_table.hpp).
#include <cstdint>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/filter.hpp"
#include "reports/report_types.hpp"

namespace clown::reports {

// Points that end in the filter's period (default 7d), of its profile when
// set; the other filters do not apply (the metrics name no project, and their
// model is only on the token and cost ones).
Expected<ActivityReport> activity_report(const Paths& paths, const UsageFilter& filter, int64_t now_ms);

// The one JSON mapping (`--json`, /api/usage/activity).
nlohmann::json activity_json(const ActivityReport& r);

}  // namespace clown::reports
