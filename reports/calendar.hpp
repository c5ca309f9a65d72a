#pragma once
// Calendar reports: usage per local day, week (starting on the configured
// weekday) and month, each row with its cache efficiency and, on request, a
// per-model breakdown. All of a quarter hour (a rollup row) lies in one local
// day, so every row is a whole number of rollup rows and the rows of a report
// sum to its totals exactly.
#include "reports/report_data.hpp"
#include "reports/report_types.hpp"

namespace clown::reports {

DailyReport daily_report(const ReportData& data, bool breakdown);
WeeklyReport weekly_report(const ReportData& data, bool breakdown);
MonthlyReport monthly_report(const ReportData& data, bool breakdown);

// Rows per model of the given sums, most expensive first (ties by name).
std::vector<ModelRow> model_rows_of(const ReportData& data, std::unordered_map<int32_t, GroupSum>& by_model);

}  // namespace clown::reports
