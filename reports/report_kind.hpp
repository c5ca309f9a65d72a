#pragma once
// The kinds of usage report: one list, read by the report builder, the CLI
// (one subcommand each) and the daemon (one /api/usage route each).
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace clown::reports {

enum class ReportKind {
  summary,
  daily,
  hourly,
  models,
  profiles,
  sessions,
  projects,
  weekly,
  monthly,
  blocks,
  session,
  roi,
  budget,
  insights,
  limits,
  activity,
};

struct ReportKindInfo {
  ReportKind kind;
  std::string_view name;                      // CLI subcommand and /api/usage/<name> ("summary" is plain /api/usage)
  std::string_view title;                     // table heading
  std::string_view help;                      // one line for --help
  std::string_view default_period = "today";  // when neither --period nor --since/--until is given
};

std::span<const ReportKindInfo> report_kinds();
const ReportKindInfo& info(ReportKind kind);
std::optional<ReportKind> report_kind_from(std::string_view name);
// "summary, daily, ..." for error messages.
std::string report_kind_names();

}  // namespace clown::reports
