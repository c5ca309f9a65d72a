#pragma once
// What the `clown usage` table renderers share (cli/usage_render.cpp for the
// totals and breakdown reports, cli/usage_render_analytics.cpp for blocks,
// session, roi, budget, insights and the calendar reports).
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/table.hpp"
#include "common/format.hpp"
#include "reports/report_types.hpp"

namespace clown::cli {

struct Style {
  bool color = use_color();
  std::string bold(const std::string& s) const { return color ? "\x1b[1m" + s + "\x1b[0m" : s; }
  std::string yellow(const std::string& s) const { return color ? "\x1b[33m" + s + "\x1b[0m" : s; }
  std::string red(const std::string& s) const { return color ? "\x1b[31m" + s + "\x1b[0m" : s; }
  std::string green(const std::string& s) const { return color ? "\x1b[32m" + s + "\x1b[0m" : s; }
  std::string dim(const std::string& s) const { return color ? "\x1b[2m" + s + "\x1b[0m" : s; }
};

std::string model_list(const std::vector<std::string>& models);
// "93.4%"
std::string percent(double fraction);
// The last path component of a project directory.
std::string project_name(const std::string& project);

// Input, output, cache write, cache read, total.
std::vector<std::string> token_cells(const store::TokenCounts& t);

// A table whose rows are: leading columns, Requests, [Sessions,] token columns, Cost, trailing columns.
class UsageTable {
 public:
  UsageTable(std::vector<std::string> lead, std::vector<std::string> trail, bool sessions);
  void add(std::vector<std::string> lead, const reports::Group& g, std::vector<std::string> trail,
           const std::string& cost_text = "");
  // A rule, then "Total" in the first column.
  void add_total(const reports::Group& g, size_t lead_cols, std::vector<std::string> trail);
  void print(std::ostream& out, const Style& st) const { m_table.print(out, st.color); }

 private:
  Table m_table;
  bool m_sessions;
};

// The calendar reports (daily, weekly, monthly) print a row per period with
// its cache hit rate and savings, model rows under each with --breakdown.
void render(std::ostream& out, const Style& st, const reports::WeeklyReport& r);
void render(std::ostream& out, const Style& st, const reports::MonthlyReport& r);
void render(std::ostream& out, const Style& st, const reports::DailyReport& r);
void render(std::ostream& out, const Style& st, const reports::BlocksReport& r);
void render(std::ostream& out, const Style& st, const reports::SessionReport& r);
void render(std::ostream& out, const Style& st, const reports::RoiReport& r);
void render(std::ostream& out, const Style& st, const reports::BudgetReport& r);
void render(std::ostream& out, const Style& st, const reports::InsightsReport& r);
void render(std::ostream& out, const Style& st, const reports::LimitsReport& r);
void render(std::ostream& out, const Style& st, const reports::ActivityReport& r);
// "Budgets   daily $3.20 of $10.00 (32%, safe) …" lines (nothing without budgets).
void render_budget_lines(std::ostream& out, const Style& st, const std::vector<reports::BudgetStatus>& budgets);

// What a report with nothing to show prints instead of its table (nullopt:
// the table is printed).
std::optional<std::string> empty_text(const reports::BlocksReport& r);
std::optional<std::string> empty_text(const reports::BudgetReport& r);
std::optional<std::string> empty_text(const reports::InsightsReport& r);
std::optional<std::string> empty_text(const reports::LimitsReport& r);
std::optional<std::string> empty_text(const reports::ActivityReport& r);
std::optional<std::string> empty_text(const reports::ReportBase& r);

}  // namespace clown::cli
