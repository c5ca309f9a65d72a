#pragma once
// What every report is computed from: the resolved period, the rollup rows
// in it that pass the filter, and the runs that started in it; plus the
// running sums reports build groups with.
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "config/config.hpp"
#include "reports/filter.hpp"
#include "reports/period.hpp"
#include "reports/report_rollup.hpp"
#include "reports/report_types.hpp"
#include "store/runs_table.hpp"

namespace clown::reports {

struct ReportData {
  Paths paths;
  ResolvedPeriod period;
  config::Config config;  // config.toml as read for this report
  std::shared_ptr<const Rollup> rollup;
  std::vector<const RollupRow*> rows;  // in the period and passing the filter
  std::vector<store::RunRow> runs;     // started in the period and passing the filter
  // A row's project as reported (reports/projects.hpp): rollup string id ->
  // string id, ids past the rollup's strings index `extra_strings`.
  std::vector<int32_t> project_ids;
  std::vector<std::string> extra_strings;
  // This machine's id: rows with machine "" (stored before schema 6) are its.
  std::string local_machine;

  const std::string& str(int32_t idx) const {
    const auto i = static_cast<size_t>(idx);
    return i < rollup->strings.size() ? rollup->strings[i] : extra_strings[i - rollup->strings.size()];
  }
  int32_t project(const RollupRow& r) const { return project_ids[static_cast<size_t>(r.project)]; }
  // The machine that counted a row ("" resolved to this one).
  const std::string& machine(const RollupRow& r) const {
    const std::string& m = str(r.machine);
    return m.empty() ? local_machine : m;
  }
  // The strings behind ids, once each, sorted.
  std::vector<std::string> names(std::vector<int32_t> ids) const;
};

// config.toml and the filter's period (the report kind's default period
// applied by the caller).
struct ReportContext {
  config::Config config;
  ResolvedPeriod period;
};
Expected<ReportContext> load_report_context(const Paths& paths, const UsageFilter& filter, int64_t now_ms);

Expected<ReportData> load_report_data(const Paths& paths, const UsageFilter& filter, int64_t now_ms);
// Rows of `range` (which may differ from the report's period: blocks read all
// history, insights the 30 days before the period too).
Expected<ReportData> load_report_data(const Paths& paths, const UsageFilter& filter, const ReportContext& context,
                                      const ResolvedPeriod& range);

// `--profile P` must name a profile or one the history knows (a deleted
// profile, claude-native): else "unknown profile" (k_exit_usage), not "No usage".
Expected<void> check_profile_filter(const Paths& paths, SQLite::Database& db, const std::string& profile);

// Every model the store has requests of, sorted (shell completion).
Expected<std::vector<std::string>> stored_models(const Paths& paths);

// Running sums for one group of a report. Sessions and models are collected
// as string ids and deduplicated once at the end (cheaper than a set insert
// per row).
struct GroupSum {
  store::TokenCounts tokens;
  store::CostParts cost;
  double cost_total = 0;
  int64_t requests = 0;
  int64_t unpriced = 0;
  double subagent_cost = 0;
  std::vector<int32_t> sessions, models;
  int64_t first = std::numeric_limits<int64_t>::max();
  int64_t last = std::numeric_limits<int64_t>::min();
  double runtime_secs = 0;
  int64_t last_run_end = std::numeric_limits<int64_t>::min();
  std::unordered_map<int32_t, int64_t> profile_requests, project_requests;

  void add(const RollupRow& r, bool track_models);
  void add_run(const store::RunRow& run);
  int64_t session_count();
  std::optional<int64_t> last_used() const;
  Group group();
  Totals totals();
};

// Sorts and deduplicates ids.
void dedup(std::vector<int32_t>& ids);

// The whole filtered data summed (runtime from the runs).
GroupSum sum_all(const ReportData& data);
// Models with unpriced requests in the data, sorted.
std::vector<std::string> unpriced_models(const ReportData& data);
// Fills a report's period, totals and unpriced models.
void fill_base(const ReportData& data, ReportBase& base);

}  // namespace clown::reports
