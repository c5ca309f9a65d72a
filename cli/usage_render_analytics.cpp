// Tables of the calendar reports and of blocks, session, roi, budget and
// insights (cli/usage_render_parts.hpp).
#include <algorithm>
#include <cstdio>

#include "cli/usage_render_parts.hpp"
#include "reports/budget.hpp"
#include "reports/display.hpp"
#include "reports/session_detail.hpp"

namespace clown::cli {

using namespace clown::reports;

namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string hours_minutes(int64_t ms) {
  const int64_t minutes = (ms + 30000) / 60000;
  return std::to_string(minutes / 60) + "h " + (minutes % 60 < 10 ? "0" : "") + std::to_string(minutes % 60) + "m";
}

template <class Row>
void calendar_table(std::ostream& out, const Style& st, const char* label, const std::vector<Row>& rows,
                    const ReportBase& r, std::string (*name_of)(const Row&)) {
  UsageTable t({label}, {"Hit rate", "Saved", "Models"}, true);
  for (const auto& row : rows) {
    t.add({name_of(row)}, row, {percent(row.cache.hit_rate), format_usd(row.cache.savings), model_list(row.models)});
    for (const auto& m : row.breakdown) t.add({"  " + short_model(m.model)}, m, {"", "", ""});
  }
  t.add_total(r.totals, 1, {"", "", ""});
  t.print(out, st);
}

std::string level_text(const Style& st, BudgetLevel level) {
  const std::string name = to_string(level);
  switch (level) {
    case BudgetLevel::safe: return st.green(name);
    case BudgetLevel::warning: return st.yellow(name);
    default: return st.red(name);
  }
}

void print_burn(std::ostream& out, const Style& st, const BlocksReport& r, const BlockRow& b) {
  out << "\n"
      << st.bold("Active block") << "  " << local_minute(r.period, b.start_ms) << " – "
      << local_minute(r.period, b.end_ms) << ", " << hours_minutes(b.burn->remaining_ms) << " left\n"
      << "  Burn rate   " << with_thousands(std::llround(b.burn->tokens_per_minute)) << " tokens/min, "
      << format_usd(b.burn->cost_per_hour) << "/h\n"
      << "  Projected   " << with_thousands(b.burn->projected_tokens) << " tokens, "
      << format_usd(b.burn->projected_cost) << " at the block's end\n";
  if (b.projected_percent)
    out << "  Limit       " << fixed(*b.percent_used, 1) << "% used, " << fixed(*b.projected_percent, 1)
        << "% projected of " << with_thousands(*r.token_limit) << " tokens\n";
}

void print_limit_warnings(std::ostream& out, const Style& st, const BlocksReport& r) {
  for (const auto& b : r.blocks) {
    if (b.gap || b.limit_level == LimitLevel::ok) continue;
    const bool over = b.limit_level == LimitLevel::exceeded;
    const std::string text = "block " + local_minute(r.period, b.start_ms) + (b.active ? " (active)" : "") + ": " +
                             fixed(*b.percent_used, 1) + "% of the " + with_thousands(*r.token_limit) + "-token limit" +
                             (b.projected_percent ? ", " + fixed(*b.projected_percent, 1) + "% projected" : "") +
                             (over ? " — over the limit" : " — above 80 %");
    out << (over ? st.red("! " + text) : st.yellow("! " + text)) << "\n";
  }
}

}  // namespace

std::string percent(double fraction) { return fixed(fraction * 100.0, 1) + "%"; }

std::string project_name(const std::string& project) {
  if (auto slash = project.rfind('/'); slash != std::string::npos && slash + 1 < project.size())
    return project.substr(slash + 1);
  return project;
}

void render(std::ostream& out, const Style& st, const DailyReport& r) {
  calendar_table<DayRow>(out, st, "Date", r.days, r, [](const DayRow& d) { return d.date; });
}

void render(std::ostream& out, const Style& st, const WeeklyReport& r) {
  out << st.dim("Weeks start on " + r.start_of_week) << "\n";
  calendar_table<CalendarRow>(out, st, "Week of", r.weeks, r, [](const CalendarRow& w) { return w.label; });
}

void render(std::ostream& out, const Style& st, const MonthlyReport& r) {
  calendar_table<CalendarRow>(out, st, "Month", r.months, r, [](const CalendarRow& m) { return m.label; });
}

void render(std::ostream& out, const Style& st, const BlocksReport& r) {
  const bool limit = r.token_limit.has_value();
  std::vector<std::string> trail = {"Last activity", "Models"};
  if (limit) trail.insert(trail.begin(), "% of limit");
  UsageTable t({"Block start", "Status"}, trail, true);
  for (const auto& b : r.blocks) {
    if (b.gap) {
      t.add({local_minute(r.period, b.start_ms), "(" + hours_minutes(b.end_ms - b.start_ms) + " gap)"}, Group{}, {},
            "");
      continue;
    }
    std::vector<std::string> cells = {local_minute(r.period, b.last_ms), model_list(b.models)};
    if (limit) cells.insert(cells.begin(), fixed(*b.percent_used, 1) + "%");
    t.add({local_minute(r.period, b.start_ms), b.active ? "active" : "done"}, b, cells);
  }
  t.add_total(r.totals, 2, std::vector<std::string>(trail.size(), ""));
  t.print(out, st);
  for (const auto& b : r.blocks)
    if (b.active && b.burn) print_burn(out, st, r, b);
  if (limit) {
    out << "\n"
        << st.dim("Token limit " + with_thousands(*r.token_limit) +
                  (r.token_limit_is_max ? " (the highest past block)" : ""))
        << "\n";
    print_limit_warnings(out, st, r);
  }
}

void render(std::ostream& out, const Style& st, const SessionReport& r) {
  out << "  Session   " << r.session_id << "\n"
      << "  Profile   " << r.profile << "    Project  " << (r.project.empty() ? "-" : r.project) << "\n"
      << "  Time      " << local_minute(r.period, r.first_ms) << " – " << local_minute(r.period, r.last_ms) << "\n"
      << "  Cost      " << st.bold(cost_label(r.totals.total_cost, r.totals.cost_complete())) << "  ("
      << with_thousands(r.totals.requests) << " requests, subagents "
      << format_usd(r.totals.total_cost - r.main.total_cost) << ")\n\n";
  UsageTable agents({"Agent"}, {"Share", "Type", "Description"}, false);
  agents.add({"main"}, r.main, {percent(r.main.share), "", ""});
  for (const auto& a : r.subagents) agents.add({"└ " + a.agent_id}, a, {percent(a.share), a.agent_type, a.description});
  agents.print(out, st);
  out << "\n";
  // What titles and compaction cost, when the agent said (its OpenTelemetry events).
  const bool known = std::any_of(r.by_query_source.begin(), r.by_query_source.end(),
                                 [](const QuerySourceRow& q) { return !q.query_source.empty(); });
  if (known) {
    UsageTable sources({"Query source", "Role"}, {}, false);
    for (const auto& s : r.by_query_source)
      sources.add({s.query_source.empty() ? "(transcript)" : s.query_source, s.kind}, s, {});
    sources.print(out, st);
    out << "\n";
  }
  Table t({"Time", "Agent", "Role", "Model", "Input", "Output", "Cache write", "Cache read", "Cost", "Cumulative"},
          {false, false, false, false, true, true, true, true, true, true});
  for (const auto& q : r.requests)
    t.add({local_iso(r.period.zone, q.ts_ms).substr(11, 8), q.subagent.empty() ? "main" : q.subagent,
           to_string(q.role) + (q.query_source.empty() ? std::string() : " (" + q.query_source + ")"),
           short_model(q.model), with_thousands(q.tokens.input), with_thousands(q.tokens.output),
           with_thousands(q.tokens.cache_creation()), with_thousands(q.tokens.cache_read),
           q.priced ? format_usd(q.total_cost) : "unpriced", format_usd(q.cumulative_cost)});
  t.print(out, st.color);
  const auto shown = static_cast<int64_t>(r.requests.size());
  if (shown < r.totals.requests)
    out << "\n"
        << (shown ? "Requests " + std::to_string(r.offset + 1) + "-" + std::to_string(r.offset + shown)
                  : std::string("No requests"))
        << " of " << with_thousands(r.totals.requests) << " (oldest first; --limit/--offset page, --limit 0 all)\n";
}

void render(std::ostream& out, const Style& st, const RoiReport& r) {
  out << "  Projected API cost  " << st.bold(format_usd(r.overall.projected_monthly) + "/month") << "  (from "
      << format_usd(r.overall.cost) << " over " << fixed(r.basis_days, 1) << " days, scaled to "
      << fixed(r.month_days, 0) << " days)\n\n";
  Table plans({"Plan", "Per month", "Against API"}, {false, true, true});
  for (const auto& p : r.overall.plans)
    plans.add({p.name + (p.custom ? " (config)" : "") + (p.name == r.plan ? " ← yours" : ""), format_usd(p.monthly_usd),
               (p.difference > 0 ? "+" : "") + format_usd(p.difference)});
  plans.print(out, st.color);
  const std::string cheapest = r.overall.cheapest == "api" ? "paying per token (API)" : r.overall.cheapest;
  out << "\nCheapest: " << st.bold(cheapest) << ", " << format_usd(r.overall.cheapest_margin)
      << "/month less than the next option\n";
  if (r.profiles.size() > 1) {
    out << "\n";
    Table t({"Profile", "Cost", "Projected/month", "Cheapest", "Saves/month"}, {false, true, true, false, true});
    for (const auto& p : r.profiles)
      t.add(
          {p.profile, format_usd(p.cost), format_usd(p.projected_monthly), p.cheapest, format_usd(p.cheapest_margin)});
    t.print(out, st.color);
  }
}

void render(std::ostream& out, const Style& st, const BudgetReport& r) {
  Table t({"Budget", "Window", "Spent", "Limit", "Used", "Level"}, {false, false, true, true, true, false});
  for (const auto& b : r.budgets)
    t.add({b.profile.empty() ? "overall" : b.profile, to_string(b.window), format_usd(b.spent), format_usd(b.limit),
           fixed(b.percent, 1) + "%", level_text(st, b.level)});
  t.print(out, st.color);
}

void render(std::ostream& out, const Style& st, const InsightsReport& r) {
  if (!r.enough_history)
    out << st.yellow("Not enough history: " + std::to_string(r.history_days) + " active days, " +
                     std::to_string(r.min_history_days) + " needed (config.toml [insights] min_history_days)")
        << "\n";
  if (r.insights.empty() && r.enough_history) out << "Nothing unusual.\n";
  for (const auto& i : r.insights) out << "• " << i.message << "\n";
}

void render_budget_lines(std::ostream& out, const Style& st, const std::vector<BudgetStatus>& budgets) {
  for (size_t i = 0; i < budgets.size(); ++i) {
    const auto& b = budgets[i];
    out << (i == 0 ? "  Budgets   " : "            ") << (b.profile.empty() ? "" : b.profile + " ")
        << to_string(b.window) << " " << format_usd(b.spent) << " of " << format_usd(b.limit) << " ("
        << fixed(b.percent, 0) << "%, " << level_text(st, b.level) << ")\n";
  }
}

std::optional<std::string> empty_text(const BlocksReport& r) {
  if (!r.blocks.empty()) return std::nullopt;
  if (r.active_only) return std::string("No active block: the last one ended, or there is no usage yet");
  return r.period.period == "recent" || r.totals.requests == 0
             ? std::optional<std::string>("No blocks in " + period_label(r.period))
             : std::nullopt;
}

void render(std::ostream& out, const Style& st, const LimitsReport& r) {
  Table t({"Profile", "Window", "Resets", "Peak", "Last", "Last seen", "Snapshots"},
          {false, false, false, true, true, false, true});
  for (const auto& w : r.windows) {
    const std::string window = w.window == store::QuotaWindow::five_hour ? "5-hour" : "weekly";
    auto level = [&](double p) {
      const std::string text = fixed(p, 1) + "%";
      return p >= 80 ? st.red(text) : p >= 50 ? st.yellow(text) : text;
    };
    t.add({w.profile, window, local_minute(r.period, w.resets_at_ms) + (w.current ? "" : " (past)"),
           level(w.peak_percent), level(w.last_percent), local_minute(r.period, w.last_seen_ms),
           std::to_string(w.points.size())});
  }
  t.print(out, st.color);
}

std::optional<std::string> empty_text(const LimitsReport& r) {
  if (!r.windows.empty()) return std::nullopt;
  return "No plan quota seen in " + period_label(r.period) +
         ": Claude Code reports it to its status line (clown statusline, set up by clown run) on claude.ai plans";
}

std::optional<std::string> empty_text(const BudgetReport& r) {
  if (!r.budgets.empty()) return std::nullopt;
  return std::string(
      "No budgets: add them to config.toml, e.g.\n  [budgets]\n  daily = 10\n  monthly = 200\n"
      "  [budgets.profiles.work]\n  weekly = 50");
}

std::optional<std::string> empty_text(const InsightsReport&) { return std::nullopt; }

}  // namespace clown::cli
