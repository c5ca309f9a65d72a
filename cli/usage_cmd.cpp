// clown usage [<report kind>|export|import-claude]
#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/usage_render.hpp"
#include "common/time.hpp"
#include "reports/export.hpp"
#include "reports/report.hpp"
#include "reports/report_json.hpp"
#include "reports/reprice.hpp"
#include "runs/run_finish.hpp"

namespace clown::cli {

namespace {

// The filters every `clown usage` command takes (defined once, added to each
// subcommand, all writing the same storage).
struct UsageOptions {
  reports::UsageFilter filter;
  std::string since, until;
  bool json = false;
  reports::ReportOptions options;
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
                 "today|yesterday|week|month|7d|30d|all (default: today; weekly, monthly, blocks, session: all; "
                 "roi: 30d; insights: 7d)")
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
  cmd.add_option("--machine", o.filter.machine,
                 "only requests counted on this machine (an id from $CLOWN_HOME/machine-id or by_machine)")
      ->type_name("MACHINE");
  cmd.add_option("--timezone", o.filter.timezone,
                 "IANA zone that cuts days, e.g. Europe/Berlin (default: config.toml timezone, else the system zone)")
      ->type_name("ZONE");
  cmd.add_option("--start-of-week", o.filter.start_of_week,
                 "monday..sunday: first day of a week (default: config.toml start_of_week, else monday)")
      ->type_name("DAY");
  cmd.add_option("--project-aliases", o.filter.project_aliases,
                 "PATTERN=NAME[,...]: report projects matching PATTERN (a directory, its last component or a glob) "
                 "as NAME")
      ->take_all();
  if (with_json) cmd.add_flag("--json", o.json, "print JSON instead of a table");
}

// Options only some reports take.
void add_kind_options(CLI::App& sub, UsageOptions& o, reports::ReportKind kind) {
  using reports::ReportKind;
  switch (kind) {
    case ReportKind::sessions:
      sub.add_option("--limit", o.options.paging.limit, "sessions per page (default 100; 0 = all)");
      sub.add_option("--offset", o.options.paging.offset, "sessions to skip (default 0)");
      break;
    case ReportKind::daily:
    case ReportKind::weekly:
    case ReportKind::monthly:
      sub.add_flag("--breakdown", o.options.breakdown, "a row per model under each period");
      break;
    case ReportKind::blocks:
      sub.add_flag("--active", o.options.blocks.active, "only the active block, with its burn rate and projection");
      sub.add_flag("--recent", o.options.blocks.recent, "blocks of the last 3 days");
      sub.add_option("--token-limit", o.options.blocks.token_limit,
                     "N or max (the highest past block): percentage used, warnings above 80 % and 100 %");
      break;
    case ReportKind::session:
      sub.add_option("id", o.options.session_id, "session id or a unique prefix")->required();
      sub.add_option("--limit", o.options.paging.limit, "requests listed (default 100; 0 = all)");
      sub.add_option("--offset", o.options.paging.offset, "requests to skip (default 0)");
      break;
    case ReportKind::roi:
      sub.add_option("--plan", o.options.plan, "the plan you have (pro, max5, max20 or a [[plans]] name)");
      break;
    default: break;
  }
}

void run_report(const Context& ctx, const UsageOptions& o, reports::ReportKind kind) {
  const auto report = unwrap(runs::report_with_recovery(ctx.paths, o.resolved(), kind, o.options, now_ms()));
  std::visit(
      [](const auto& r) {
        for (const auto& w : r.warnings) std::cerr << "clown: warning: " << w << "\n";
      },
      report);
  if (o.json)
    std::cout << reports::to_json(report).dump(2) << "\n";
  else
    render_report(std::cout, report);
}

// clown usage reprice [--unpriced-only | --all] [--dry-run] [filters] [--json]
void add_reprice_command(CLI::App& usage, Context& ctx, const std::shared_ptr<UsageOptions>& opts) {
  struct Flags {
    reports::RepriceOptions options;
    bool unpriced_only = false;  // the default, accepted for clarity
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = usage.add_subcommand(
      "reprice",
      "price stored requests with the current prices (the synced file, else the bundled ones): by default only "
      "those stored without a price; one transaction (default period: all)");
  add_filter_options(*cmd, *opts);
  auto* only =
      cmd->add_flag("--unpriced-only", flags->unpriced_only, "only requests stored without a price (the default)");
  cmd->add_flag("--all", flags->options.all, "every request in range, e.g. after a price correction")->excludes(only);
  cmd->add_flag("--dry-run", flags->options.dry_run, "report what would change, change nothing");
  cmd->callback([&ctx, opts, flags] {
    reports::RepriceOptions o = flags->options;
    o.filter = opts->resolved();
    const auto report = unwrap(reports::reprice(ctx.paths, o, now_ms()));
    if (opts->json)
      std::cout << reports::to_json(report).dump(2) << "\n";
    else
      render_reprice(std::cout, report);
  });
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
    add_kind_options(*sub, *opts, kind);
    sub->callback([&ctx, opts, kind] { run_report(ctx, *opts, kind); });
  }

  auto* exp = usage->add_subcommand("export", "Every request in range: CSV (RFC 4180, with header) or JSON");
  add_filter_options(*exp, *opts, false);
  exp->add_option("--format", opts->format, "csv (default), json, or jsonl (for clown usage merge on another machine)")
      ->check(CLI::IsMember({"csv", "json", "jsonl"}));
  exp->callback(
      [&ctx, opts] { unwrap(reports::export_usage(ctx.paths, opts->resolved(), opts->format, std::cout, now_ms())); });

  add_usage_import_command(*usage, ctx);
  add_reprice_command(*usage, ctx, opts);
  add_usage_live_command(*usage, ctx);
  add_usage_sql_command(*usage, ctx);
}

}  // namespace clown::cli
