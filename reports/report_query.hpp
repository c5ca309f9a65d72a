#pragma once
// Internals of usage reports shared by report.cpp, report_export.cpp and tests.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/period.hpp"
#include "reports/report.hpp"

namespace clown::reports {

// usage_json() with an explicit "now" (what `today` etc. are relative to).
Expected<nlohmann::json> usage_json_at(const Paths& paths, const UsageFilter& filter, const std::string& kind,
                                       const Paging& paging, int64_t now_ms);

// The filter's period in the report zone: --timezone, else config.toml
// `timezone`, else the system zone.
Expected<ResolvedPeriod> resolve_report_period(const Paths& paths, const UsageFilter& filter, int64_t now_ms);

// `clown usage export`: one row per request in range, oldest first.
// format "csv": RFC 4180 with a header line; "json": {period..., "requests":[...]}.
Expected<void> export_usage(const Paths& paths, const UsageFilter& filter, const std::string& format, std::ostream& out,
                            int64_t now_ms);

// {"period","since","until","timezone"}: since/until are local ISO-8601
// times with offset (since inclusive, until exclusive), null when unbounded.
nlohmann::json report_envelope(const ResolvedPeriod& period);

// --model matches the exact name or a name that continues with '-' (so
// `claude-sonnet-4-5` matches `claude-sonnet-4-5-20250929`).
bool model_matches(std::string_view model, std::string_view wanted);
// --project matches the recorded directory or its last path component.
bool project_matches(std::string_view project, std::string_view wanted);

inline constexpr const char* k_report_kinds = "summary, daily, hourly, models, profiles, sessions, projects";

}  // namespace clown::reports
