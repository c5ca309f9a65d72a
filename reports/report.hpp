#pragma once
// Usage reports shared by `clown usage ...` and the daemon's /api/usage...
// Bad period / date / timezone / kind -> Error with exit_code k_exit_usage
// (the daemon answers HTTP 400).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/filter.hpp"
#include "reports/report_kind.hpp"
#include "reports/report_types.hpp"

namespace clown::reports {

// The report of `kind` over the filter's period (the kind's default period
// when it names none), relative to `now_ms` (what `today` etc. mean).
Expected<Report> build_report(const Paths& paths, const UsageFilter& filter, ReportKind kind,
                              const ReportOptions& options, int64_t now_ms);

// The filter with the kind's default period when it has no period, --since or --until.
UsageFilter with_default_period(const UsageFilter& filter, ReportKind kind);

// The report's JSON (reports/report_json.hpp), with the kind given by name.
Expected<nlohmann::json> usage_json_at(const Paths& paths, const UsageFilter& filter, const std::string& kind,
                                       const ReportOptions& options, int64_t now_ms);
Expected<nlohmann::json> usage_json(const Paths& paths, const UsageFilter& filter, const std::string& kind,
                                    const ReportOptions& options = {});

}  // namespace clown::reports
