// clown usage [daily|hourly|models|profiles|sessions|projects|export|import-claude]
#include <algorithm>
#include <iostream>
#include <memory>

#include <date/date.h>

#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "common/format.hpp"
#include "common/time.hpp"
#include "reports/report.hpp"
#include "reports/report_query.hpp"
#include "runs/run_finish.hpp"

namespace clown::cli {

namespace {

using nlohmann::json;

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
                 "today|yesterday|week|month|7d|30d|all (default: today; week starts Monday)");
  cmd.add_option("--since", o.since, "first day YYYY-MM-DD (inclusive) or an ISO-8601 time; replaces --period");
  cmd.add_option("--until", o.until, "last day YYYY-MM-DD (inclusive) or an ISO-8601 time; replaces --period");
  cmd.add_option("--profile", o.filter.profile, "only this clown profile (claude-native: imported history)");
  cmd.add_option("--model", o.filter.model,
                 "only this model (a prefix such as claude-sonnet-4-5 matches its versions)");
  cmd.add_option("--agent", o.filter.agent, "only this agent (e.g. claude)");
  cmd.add_option("--project", o.filter.project, "only this project directory (full path or its last component)");
  cmd.add_option("--timezone", o.filter.timezone,
                 "IANA zone that cuts days, e.g. Europe/Berlin (default: config.toml timezone, else the system zone)");
  if (with_json) cmd.add_flag("--json", o.json, "print JSON instead of a table");
}

struct Style {
  bool color = use_color();
  std::string bold(const std::string& s) const { return color ? "\x1b[1m" + s + "\x1b[0m" : s; }
  std::string yellow(const std::string& s) const { return color ? "\x1b[33m" + s + "\x1b[0m" : s; }
  std::string dim(const std::string& s) const { return color ? "\x1b[2m" + s + "\x1b[0m" : s; }
};

std::string num(const json& v) { return with_thousands(v.is_number() ? v.get<int64_t>() : 0); }
std::string usd(const json& cost) { return format_usd(cost.value("total_cost", 0.0)); }

// "2026-11-24T00:00:00+01:00" -> "2026-11-24"; exclusive ends become the day before.
std::string day_of(const json& iso, bool exclusive_end) {
  if (!iso.is_string()) return "";
  std::string s = iso.get<std::string>();
  if (s.size() < 10) return s;
  if (!exclusive_end || s.compare(10, 9, "T00:00:00") != 0) return s.substr(0, 10);
  const int64_t days = days_from_civil(std::stoi(s.substr(0, 4)), static_cast<unsigned>(std::stoi(s.substr(5, 2))),
                                       static_cast<unsigned>(std::stoi(s.substr(8, 2))));
  const date::year_month_day ymd{date::sys_days{date::days{days - 1}}};
  return date::format("%F", date::sys_days{ymd});
}

// "today (2026-11-24)", "week (2026-11-23 to 2026-11-24)", "all time".
std::string period_label(const json& data) {
  const std::string since = day_of(data["since"], false), until = day_of(data["until"], true);
  std::string name = data.value("period", "");
  if (name == "all") name = "all time";
  if (since.empty() && until.empty()) return name;
  std::string range = since.empty()    ? "until " + until
                      : until.empty()  ? "since " + since
                      : since == until ? since
                                       : since + " to " + until;
  return name + " (" + range + ")";
}

std::string local_time(const json& iso) {
  if (!iso.is_string()) return "-";
  const std::string s = iso.get<std::string>();
  return s.size() >= 16 ? s.substr(0, 10) + " " + s.substr(11, 5) : s;
}

// "claude-sonnet-4-5-20250929" -> "sonnet-4-5" for the Models column of
// daily/hourly/sessions tables (the full names are in `clown usage models`).
std::string short_model(std::string name) {
  if (name.rfind("claude-", 0) == 0) name = name.substr(7);
  const auto dash = name.rfind('-');
  if (dash != std::string::npos && name.size() - dash == 9 &&
      name.find_first_not_of("0123456789", dash + 1) == std::string::npos)
    name.resize(dash);
  return name;
}

// Input, output, cache write, cache read, total.
std::vector<std::string> token_cells(const json& t) {
  const int64_t in = t.value("input_tokens", int64_t{0}), out = t.value("output_tokens", int64_t{0}),
                cw = t.value("cache_creation_input_tokens", int64_t{0}),
                cr = t.value("cache_read_input_tokens", int64_t{0});
  return {with_thousands(in), with_thousands(out), with_thousands(cw), with_thousands(cr),
          with_thousands(in + out + cw + cr)};
}

const std::vector<std::string> k_token_headers = {"Input", "Output", "Cache write", "Cache read", "Total tokens"};

// A table whose rows are: leading columns, then Requests, token columns, Cost, then trailing columns.
struct UsageTable {
  std::vector<std::string> lead, trail;
  Table table;
  UsageTable(std::vector<std::string> lead_headers, std::vector<std::string> trail_headers, bool sessions)
      : lead(lead_headers),
        trail(trail_headers),
        table(headers(lead_headers, trail_headers, sessions), aligns(lead_headers, trail_headers, sessions)),
        m_sessions(sessions) {}

  void add(std::vector<std::string> lead_cells, const json& entry, std::vector<std::string> trail_cells,
           const std::string& cost_text = "") {
    std::vector<std::string> row = std::move(lead_cells);
    row.push_back(num(entry["requests"]));
    if (m_sessions) row.push_back(num(entry["sessions"]));
    for (auto& c : token_cells(entry["tokens"])) row.push_back(std::move(c));
    row.push_back(cost_text.empty() ? usd(entry["cost"]) : cost_text);
    for (auto& c : trail_cells) row.push_back(std::move(c));
    table.add(std::move(row));
  }

 private:
  bool m_sessions;
  static std::vector<std::string> headers(const std::vector<std::string>& l, const std::vector<std::string>& t,
                                          bool sessions) {
    std::vector<std::string> h = l;
    h.push_back("Requests");
    if (sessions) h.push_back("Sessions");
    h.insert(h.end(), k_token_headers.begin(), k_token_headers.end());
    h.push_back("Cost");
    h.insert(h.end(), t.begin(), t.end());
    return h;
  }
  static std::vector<bool> aligns(const std::vector<std::string>& l, const std::vector<std::string>& t, bool sessions) {
    std::vector<bool> a(l.size(), false);
    a.insert(a.end(), k_token_headers.size() + (sessions ? 3 : 2), true);
    for (const auto& h : t) a.push_back(h != "Models");  // lists read left to right
    return a;
  }
};

void print_title(const Style& st, const std::string& what, const json& data) {
  std::cout << st.bold(what + " — " + period_label(data)) << st.dim("  [" + data.value("timezone", "") + "]") << "\n\n";
}

bool print_empty(const json& data, int64_t requests) {
  if (requests > 0) return false;
  std::cout << "No usage in " << period_label(data) << " — run `clown run <profile>` or `clown usage import-claude`\n";
  return true;
}

void print_unpriced(const Style& st, const json& data) {
  const auto& unpriced = data["unpriced_models"];
  if (!unpriced.is_array() || unpriced.empty()) return;
  std::string names;
  for (const auto& m : unpriced) names += (names.empty() ? "" : ", ") + m.get<std::string>();
  std::cout << "\n"
            << st.yellow("Unpriced models (no price in the pricing table, not in the cost): " + names +
                         " — run `clown registry sync`")
            << "\n";
}

void add_total(UsageTable& t, const json& totals, size_t lead_cols, size_t trail_cols) {
  t.table.add_rule();
  std::vector<std::string> lead(lead_cols, "");
  if (lead_cols) lead[0] = "Total";
  t.add(lead, totals, std::vector<std::string>(trail_cols, ""));
}

// Object entries (name -> group), most expensive first, ties by name.
std::vector<std::pair<std::string, json>> by_cost(const json& groups) {
  std::vector<std::pair<std::string, json>> v;
  for (const auto& [name, e] : groups.items()) v.emplace_back(name, e);
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second["cost"].value("total_cost", 0.0) > b.second["cost"].value("total_cost", 0.0);
  });
  return v;
}

void render_summary(const json& d) {
  const Style st;
  print_title(st, "Usage", d);
  if (print_empty(d, d.value("total_requests", int64_t{0}))) return;
  const auto tc = token_cells(d["total_tokens"]);
  std::cout << "  Requests  " << num(d["total_requests"]) << "    Sessions  " << num(d["total_sessions"])
            << "    Runtime  " << format_duration(d.value("total_runtime_secs", 0.0)) << "\n"
            << "  Tokens    " << tc[4] << "  (input " << tc[0] << ", output " << tc[1] << ", cache write " << tc[2]
            << ", cache read " << tc[3] << ")\n"
            << "  Cost      " << st.bold(usd(d["total_cost"])) << "\n\n";
  json totals = {{"requests", d["total_requests"]},
                 {"sessions", d["total_sessions"]},
                 {"tokens", d["total_tokens"]},
                 {"cost", d["total_cost"]}};
  UsageTable profiles({"Profile"}, {"Runtime", "Last used"}, true);
  for (const auto& [name, e] : by_cost(d["aggregates"]["by_profile"]))
    profiles.add({name}, e, {format_duration(e.value("runtime_secs", 0.0)), local_time(e["last_used"])});
  profiles.table.print(std::cout, st.color);
  std::cout << "\n";
  UsageTable models({"Model"}, {}, false);
  const auto& unpriced = d["unpriced_models"];
  for (const auto& [name, e] : by_cost(d["aggregates"]["by_model"])) {
    const bool priced = std::find(unpriced.begin(), unpriced.end(), json(name)) == unpriced.end();
    models.add({name}, e, {}, priced ? "" : "unpriced");
  }
  add_total(models, totals, 1, 0);
  models.table.print(std::cout, st.color);
  print_unpriced(st, d);
}

void render_list(const std::string& kind, const json& d) {
  const Style st;
  static const std::map<std::string, std::string> titles = {
      {"daily", "Daily usage"},         {"hourly", "Hourly usage"}, {"models", "Usage by model"},
      {"profiles", "Usage by profile"}, {"sessions", "Sessions"},   {"projects", "Usage by project"}};
  print_title(st, titles.at(kind), d);
  const json& totals = d["totals"];
  if (print_empty(d, totals.value("requests", int64_t{0}))) return;
  const json& list = d[kind];
  if (kind == "daily" || kind == "hourly") {
    UsageTable t({kind == "daily" ? "Date" : "Hour"}, {"Models"}, false);
    for (const auto& e : list) {
      std::string models;
      for (const auto& m : e["models"]) models += (models.empty() ? "" : ", ") + short_model(m.get<std::string>());
      t.add({kind == "daily" ? e.value("date", "") : local_time(e["hour"])}, e, {models});
    }
    add_total(t, totals, 1, 1);
    t.table.print(std::cout, st.color);
  } else if (kind == "models") {
    UsageTable t({"Model"}, {}, true);
    for (const auto& e : list) t.add({e.value("model", "")}, e, {}, e.value("priced", true) ? "" : "unpriced");
    add_total(t, totals, 1, 0);
    t.table.print(std::cout, st.color);
  } else if (kind == "profiles") {
    UsageTable t({"Profile"}, {"Runtime", "Last used"}, true);
    for (const auto& e : list)
      t.add({e.value("profile", "")}, e, {format_duration(e.value("runtime_secs", 0.0)), local_time(e["last_used"])});
    t.table.add_rule();
    t.add({"Total"}, totals, {format_duration(totals.value("runtime_secs", 0.0)), ""});
    t.table.print(std::cout, st.color);
  } else if (kind == "projects") {
    UsageTable t({"Project"}, {"Last used"}, true);
    for (const auto& e : list) t.add({e.value("project", "")}, e, {local_time(e["last_used"])});
    add_total(t, totals, 1, 1);
    t.table.print(std::cout, st.color);
  } else {
    UsageTable t({"Session", "Profile", "Project", "Last"}, {"Models"}, false);
    for (const auto& e : list) {
      std::string models;
      for (const auto& m : e["models"]) models += (models.empty() ? "" : ", ") + short_model(m.get<std::string>());
      std::string project = e.value("project", "");
      if (auto slash = project.rfind('/'); slash != std::string::npos && slash + 1 < project.size())
        project = project.substr(slash + 1);
      t.add({e.value("session_id", ""), e.value("profile", ""), project, local_time(e["last"])}, e, {models});
    }
    t.table.print(std::cout, st.color);
    const int64_t total = d.value("total", int64_t{0}), offset = d.value("offset", int64_t{0});
    const auto shown = static_cast<int64_t>(list.size());
    std::cout << "\n"
              << (shown ? "Sessions " + std::to_string(offset + 1) + "-" + std::to_string(offset + shown)
                        : std::string("No sessions"))
              << " of " << with_thousands(total) << " (most recent first; --limit/--offset page)\n";
  }
  print_unpriced(st, d);
}

void run_report(const Context& ctx, const UsageOptions& o, const std::string& kind) {
  // A run whose launcher and agent are gone is recorded before reporting.
  runs::recover_abandoned_runs(ctx.paths);
  auto data = unwrap(reports::usage_json(ctx.paths, o.resolved(), kind, o.paging));
  if (o.json) {
    std::cout << data.dump(2) << "\n";
  } else if (kind == "summary") {
    render_summary(data);
  } else {
    render_list(kind, data);
  }
}

}  // namespace

void set_usage_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<UsageOptions>();
  auto* usage = app.add_subcommand("usage", "Token usage and cost: summary (default), reports, export, import");
  add_filter_options(*usage, *opts);
  usage->callback([&ctx, opts, usage] {
    if (usage->get_subcommands().empty()) run_report(ctx, *opts, "summary");
  });

  const std::pair<const char*, const char*> reports[] = {
      {"daily", "Usage per day (days cut in the report time zone)"},
      {"hourly", "Usage per hour"},
      {"models", "Usage per model"},
      {"profiles", "Usage per profile, with runtime"},
      {"sessions", "Usage per agent session, most recent first"},
      {"projects", "Usage per project directory"},
  };
  for (const auto& [name, help] : reports) {
    auto* sub = usage->add_subcommand(name, help);
    add_filter_options(*sub, *opts);
    const std::string kind = name;
    if (kind == "sessions") {
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
