// clown usage [daily|hourly|models|profiles|sessions|projects|export|import-claude]
#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/usage_render.hpp"
#include "common/time.hpp"
#include "reports/export.hpp"
#include "reports/report.hpp"
#include "reports/report_json.hpp"
#include "runs/run_finish.hpp"

namespace clown::cli {

namespace {

// The filters every `clown usage` command takes (defined once, added to each
// subcommand, all writing the same storage).
struct UsageOptions {
  reports::UsageFilter filter;
  std::string since, until;
  bool json = false;
  reports::Paging paging;
  std::string format = "csv";

  reports::UsageFilter resolved() const {
    reports::UsageFilter f = filter;
    if (!since.empty()) f.since = since;
    if (!until.empty()) f.until = until;
    return f;
  }
};

void add_filter_options(CLI::App& cmd, UsageOptions& o, bool with_json = true) {
  cmd.add_option("--period", o.filter.period,
                 "today|yesterday|week|month|7d|30d|all (default: today; week starts Monday)")
      ->type_name("PERIOD");
  cmd.add_option("--since", o.since, "first day YYYY-MM-DD (inclusive) or an ISO-8601 time; replaces --period")
      ->type_name("DATE");
  cmd.add_option("--until", o.until, "last day YYYY-MM-DD (inclusive) or an ISO-8601 time; replaces --period")
      ->type_name("DATE");
  cmd.add_option("--profile", o.filter.profile, "only this clown profile (claude-native: imported history)")
      ->type_name("PROFILE");
  cmd.add_option("--model", o.filter.model, "only this model (a prefix such as claude-sonnet-4-5 matches its versions)")
      ->type_name("MODEL");
  cmd.add_option("--agent", o.filter.agent, "only this agent (e.g. claude)")->type_name("AGENT");
  cmd.add_option("--project", o.filter.project, "only this project directory (full path or its last component)")
      ->type_name("PROJECT");
  cmd.add_option("--timezone", o.filter.timezone,
                 "IANA zone that cuts days, e.g. Europe/Berlin (default: config.toml timezone, else the system zone)")
      ->type_name("ZONE");
  if (with_json) cmd.add_flag("--json", o.json, "print JSON instead of a table");
}

void run_report(const Context& ctx, const UsageOptions& o, reports::ReportKind kind) {
  const auto report = unwrap(runs::report_with_recovery(ctx.paths, o.resolved(), kind, o.paging, now_ms()));
  if (o.json)
    std::cout << reports::to_json(report).dump(2) << "\n";
  else
    render_report(std::cout, report);
}

}  // namespace

void set_usage_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<UsageOptions>();
  auto* usage = app.add_subcommand("usage", "Token usage and cost: summary (default), reports, export, import");
  add_filter_options(*usage, *opts);
  usage->callback([&ctx, opts, usage] {
    if (usage->get_subcommands().empty()) run_report(ctx, *opts, reports::ReportKind::summary);
  });

  for (const auto& report : reports::report_kinds()) {
    if (report.kind == reports::ReportKind::summary) continue;  // plain `clown usage`
    auto* sub = usage->add_subcommand(std::string(report.name), std::string(report.help));
    add_filter_options(*sub, *opts);
    const auto kind = report.kind;
    if (kind == reports::ReportKind::sessions) {
      sub->add_option("--limit", opts->paging.limit, "sessions per page (default 100; 0 = all)");
      sub->add_option("--offset", opts->paging.offset, "sessions to skip (default 0)");
    }
    sub->callback([&ctx, opts, kind] { run_report(ctx, *opts, kind); });
  }

  auto* exp = usage->add_subcommand("export", "Every request in range: CSV (RFC 4180, with header) or JSON");
  add_filter_options(*exp, *opts, false);
  exp->add_option("--format", opts->format, "csv (default) or json")->check(CLI::IsMember({"csv", "json"}));
  exp->callback(
      [&ctx, opts] { unwrap(reports::export_usage(ctx.paths, opts->resolved(), opts->format, std::cout, now_ms())); });

  add_usage_import_command(*usage, ctx);
}

}  // namespace clown::cli
