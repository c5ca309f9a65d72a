#include "reports/report_kind.hpp"

#include <array>

namespace clown::reports {

namespace {

constexpr std::array<ReportKindInfo, 7> k_kinds = {{
    {ReportKind::summary, "summary", "Usage", "Totals with breakdowns by profile and model"},
    {ReportKind::daily, "daily", "Daily usage", "Usage per day (days cut in the report time zone)"},
    {ReportKind::hourly, "hourly", "Hourly usage", "Usage per hour"},
    {ReportKind::models, "models", "Usage by model", "Usage per model"},
    {ReportKind::profiles, "profiles", "Usage by profile", "Usage per profile, with runtime"},
    {ReportKind::sessions, "sessions", "Sessions", "Usage per agent session, most recent first"},
    {ReportKind::projects, "projects", "Usage by project", "Usage per project directory"},
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
