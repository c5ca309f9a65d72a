#pragma once
// Usage reports as C++ types. The report builder (reports/report.hpp)
// produces them; the CLI renders them as tables and reports/report_json.hpp
// turns them into the JSON of `clown usage --json` and /api/usage (the one
// place that JSON shape is spelled out).
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "reports/period.hpp"
#include "store/usage_types.hpp"

namespace clown::reports {

// Usage summed over a group of requests. total_cost is the sum of each
// request's stored total (web searches included).
struct Group {
  store::TokenCounts tokens;
  store::CostParts cost;
  double total_cost = 0;
  int64_t requests = 0;
  int64_t sessions = 0;
};

// A group with the runtime of the runs in it.
struct Totals : Group {
  double runtime_secs = 0;
};

struct ProfileRow : Totals {
  std::string profile;
  std::optional<int64_t> last_used_ms;  // last request or run end
};

struct AgentRow : Totals {
  std::string agent;
  std::optional<int64_t> last_used_ms;  // last request or run end
};

struct ModelRow : Group {
  std::string model;
  bool priced = true;  // false: some of its requests have no price
};

// What made requests: Claude Code's query_source (from its OpenTelemetry
// events; "" when no event told, e.g. history imported from transcripts).
struct QuerySourceRow : Group {
  std::string query_source;
  std::string kind;  // main | subagent | title | compaction | background (reports/display.hpp query_kind)
};

struct ProjectRow : Group {
  std::string project;
  std::optional<int64_t> last_used_ms;
};

struct DayRow : Group {
  std::string date;  // local YYYY-MM-DD
  std::vector<std::string> models;
};

struct HourRow : Group {
  int64_t hour_ms = 0;  // UTC ms of the local hour's start
  std::vector<std::string> models;
};

struct SessionRow : Group {  // `sessions` is not part of a session row
  std::string session_id;
  std::string profile;  // the profile with most of its requests
  std::string project;  // likewise
  int64_t first_ms = 0, last_ms = 0;
  std::vector<std::string> models;
};

// What every report carries: its period and the models in it without a price.
struct ReportBase {
  ResolvedPeriod period;
  Totals totals;
  std::vector<std::string> unpriced_models;  // sorted
};

// `clown usage`: totals with breakdowns (both most expensive first).
struct SummaryReport : ReportBase {
  std::vector<ProfileRow> by_profile;
  std::vector<AgentRow> by_agent;
  std::vector<ModelRow> by_model;
};

struct DailyReport : ReportBase {
  std::vector<DayRow> days;  // oldest first
};
struct HourlyReport : ReportBase {
  std::vector<HourRow> hours;  // oldest first
};
struct ModelsReport : ReportBase {
  std::vector<ModelRow> models;                 // most expensive first
  std::vector<QuerySourceRow> by_query_source;  // most expensive first
};
struct ProfilesReport : ReportBase {
  std::vector<ProfileRow> profiles;  // most expensive first
};
struct ProjectsReport : ReportBase {
  std::vector<ProjectRow> projects;  // most expensive first
};
struct SessionsReport : ReportBase {
  std::vector<SessionRow> sessions;  // most recent first, one page
  int64_t total = 0;                 // sessions in the period
  int64_t limit = 0;                 // 0 = all
  int64_t offset = 0;
};

// In ReportKind order.
using Report = std::variant<SummaryReport, DailyReport, HourlyReport, ModelsReport, ProfilesReport, SessionsReport,
                            ProjectsReport>;

}  // namespace clown::reports
