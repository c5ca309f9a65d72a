#include "reports/report_kind.hpp"

#include <array>

namespace clown::reports {

namespace {

constexpr std::array<ReportKindInfo, 16> k_kinds = {{
    {ReportKind::summary, "summary", "Usage", "Totals with breakdowns by profile and model"},
    {ReportKind::daily, "daily", "Daily usage", "Usage per day (days cut in the report time zone)"},
    {ReportKind::hourly, "hourly", "Hourly usage", "Usage per hour"},
    {ReportKind::models, "models", "Usage by model", "Usage per model"},
    {ReportKind::profiles, "profiles", "Usage by profile", "Usage per profile, with runtime"},
    {ReportKind::sessions, "sessions", "Sessions", "Usage per agent session, most recent first"},
    {ReportKind::projects, "projects", "Usage by project", "Usage per project directory"},
    {ReportKind::weekly, "weekly", "Weekly usage", "Usage per calendar week (--start-of-week)", "all"},
    {ReportKind::monthly, "monthly", "Monthly usage", "Usage per calendar month", "all"},
    {ReportKind::blocks, "blocks", "5-hour blocks", "Usage per 5-hour billing block, burn rate of the active one",
     "all"},
    {ReportKind::session, "session", "Session", "One agent session request by request, with its subagents", "all"},
    {ReportKind::roi, "roi", "Plan ROI", "Projected monthly API cost against subscription plans", "30d"},
    {ReportKind::budget, "budget", "Budgets", "Spend against the budgets in config.toml"},
    {ReportKind::insights, "insights", "Insights", "Unusual days, hours, sessions, cache and model use", "7d"},
    {ReportKind::limits, "limits", "Plan limits",
     "5-hour and weekly plan quota over time, as Claude Code's status line reported it", "7d"},
    {ReportKind::activity, "activity", "Activity",
     "Active time, lines of code, commits and pull requests, from the agents' OpenTelemetry metrics", "7d"},
}};

}  // namespace

std::span<const ReportKindInfo> report_kinds() { return k_kinds; }

const ReportKindInfo& info(ReportKind kind) {
  for (const auto& k : k_kinds)
    if (k.kind == kind) return k;
  return k_kinds[0];
}

std::optional<ReportKind> report_kind_from(std::string_view name) {
  for (const auto& k : k_kinds)
    if (k.name == name) return k.kind;
  return std::nullopt;
}

std::string report_kind_names() {
  std::string out;
  for (const auto& k : k_kinds) {
    if (!out.empty()) out += ", ";
    out += k.name;
  }
  return out;
}

}  // namespace clown::reports
