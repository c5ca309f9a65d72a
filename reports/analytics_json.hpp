#pragma once
// The JSON of the reports added for analytics (weekly, monthly, blocks,
// session, roi, budget, insights) and of the cache and budget parts other
// reports carry: the rest of reports/report_json.cpp's one mapping, in its
// own file to keep both small.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "reports/report_types.hpp"

namespace clown::reports {

// Shared with report_json.cpp.
nlohmann::json time_or_null(const ResolvedPeriod& p, std::optional<int64_t> ms);
nlohmann::json list_report(const ReportBase& r, const char* key, nlohmann::json list);

nlohmann::json cache_json(const CacheStats& cache);
nlohmann::json budget_json(const ResolvedPeriod& p, const BudgetStatus& b);
nlohmann::json breakdown_json(const std::vector<ModelRow>& rows);
// The name a model is charted under: dated and undated ids of one model are
// one series (registry::normalize_model_name, `pricing show`'s "normalized"
// rule: no provider prefix, no date suffix).
std::string model_series(const std::string& model);

nlohmann::json weekly_json(const WeeklyReport& r);
nlohmann::json monthly_json(const MonthlyReport& r);
nlohmann::json blocks_json(const BlocksReport& r);
nlohmann::json session_json(const SessionReport& r);
nlohmann::json roi_json(const RoiReport& r);
nlohmann::json budget_report_json(const BudgetReport& r);
nlohmann::json insights_json(const InsightsReport& r);

}  // namespace clown::reports
