#pragma once
// `clown usage insights` (docs/api.md#usage-insights): findings a user would
// act on, each with the numbers behind it. Statistical findings need
// config.toml [insights] min_history_days active days in the period and the
// 30 days before it; below that the report says "not enough history".
#include <cstdint>
#include <optional>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/filter.hpp"
#include "reports/report_types.hpp"

namespace clown::reports {

// Robust statistics (Iglewicz & Hoaglin): the median, the median absolute
// deviation, and z = 0.6745 (x - median) / MAD; with MAD = 0 the mean
// absolute deviation stands in, z = (x - median) / (1.253314 mean AD);
// nullopt when both are 0 (no spread to judge by) or there are no values.
double median(std::vector<double> values);
std::optional<double> robust_z(double x, const std::vector<double>& baseline);
// Nearest-rank percentile (p in 0..100) of the values.
double percentile(std::vector<double> values, double p);
const char* to_string(InsightKind kind);

Expected<InsightsReport> insights_report(const Paths& paths, const UsageFilter& filter, int64_t now_ms);

}  // namespace clown::reports
