#include "cli/usage_render.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "cli/usage_render_parts.hpp"
#include "reports/display.hpp"
#include "reports/report_kind.hpp"

namespace clown::cli {

namespace {

using namespace clown::reports;

std::string last_used(const ResolvedPeriod& p, std::optional<int64_t> ms) { return ms ? local_minute(p, *ms) : "-"; }

const std::vector<std::string> k_token_headers = {"Input", "Output", "Cache write", "Cache read", "Total tokens"};

std::vector<std::string> usage_headers(const std::vector<std::string>& l, const std::vector<std::string>& t,
                                       bool sessions) {
  std::vector<std::string> h = l;
  h.push_back("Requests");
  if (sessions) h.push_back("Sessions");
  h.insert(h.end(), k_token_headers.begin(), k_token_headers.end());
  h.push_back("Cost");
  h.insert(h.end(), t.begin(), t.end());
  return h;
}

std::vector<bool> usage_aligns(const std::vector<std::string>& l, const std::vector<std::string>& t, bool sessions) {
  std::vector<bool> a(l.size(), false);
  a.insert(a.end(), k_token_headers.size() + (sessions ? 3 : 2), true);
  for (const auto& h : t) a.push_back(h != "Models" && h != "Type" && h != "Description");  // lists read left to right
  return a;
}

void print_title(std::ostream& out, const Style& st, ReportKind kind, const ReportBase& r) {
  out << st.bold(std::string(info(kind).title) + " — " + period_label(r.period))
      << st.dim("  [" + r.period.timezone + "]") << "\n\n";
}

void print_unpriced(std::ostream& out, const Style& st, const ReportBase& r) {
  if (r.unpriced_models.empty()) return;
  std::string names;
  for (const auto& m : r.unpriced_models) names += (names.empty() ? "" : ", ") + m;
  out << "\n"
      << st.yellow("Unpriced models (no price in the pricing table, not in the cost): " + names +
                   " — run `clown registry sync`")
      << "\n";
}

void render(std::ostream& out, const Style& st, const SummaryReport& r) {
  const auto tc = token_cells(r.totals.tokens);
  out << "  Requests  " << with_thousands(r.totals.requests) << "    Sessions  " << with_thousands(r.totals.sessions)
      << "    Runtime  " << format_duration(r.totals.runtime_secs) << "\n"
      << "  Tokens    " << tc[4] << "  (input " << tc[0] << ", output " << tc[1] << ", cache write " << tc[2]
      << ", cache read " << tc[3] << ")\n"
      << "  Cost      " << st.bold(cost_label(r.totals.total_cost, r.totals.cost_complete())) << "\n"
      << "  Cache     hit rate " << percent(r.cache.hit_rate) << ", saved " << format_usd(r.cache.savings)
      << " against uncached input prices\n";
  render_budget_lines(out, st, r.budgets);
  out << "\n";
  UsageTable profiles({"Profile"}, {"Runtime", "Last used"}, true);
  for (const auto& p : r.by_profile)
    profiles.add({p.profile}, p, {format_duration(p.runtime_secs), last_used(r.period, p.last_used_ms)});
  profiles.print(out, st);
  out << "\n";
  // One agent is already the whole report: its table only when there are more.
  if (r.by_agent.size() > 1) {
    UsageTable agents({"Agent"}, {"Runtime", "Last used"}, true);
    for (const auto& a : r.by_agent)
      agents.add({a.agent}, a, {format_duration(a.runtime_secs), last_used(r.period, a.last_used_ms)});
    agents.print(out, st);
    out << "\n";
  }
  UsageTable models({"Model"}, {}, false);
  for (const auto& m : r.by_model) models.add({m.model}, m, {});
  models.add_total(r.totals, 1, {});
  models.print(out, st);
}

void render(std::ostream& out, const Style& st, const HourlyReport& r) {
  UsageTable t({"Hour"}, {"Models"}, false);
  for (const auto& h : r.hours) t.add({local_minute(r.period, h.hour_ms)}, h, {model_list(h.models)});
  t.add_total(r.totals, 1, {""});
  t.print(out, st);
}

void render(std::ostream& out, const Style& st, const ModelsReport& r) {
  UsageTable t({"Model"}, {}, true);
  for (const auto& m : r.models) t.add({m.model}, m, {});
  t.add_total(r.totals, 1, {});
  t.print(out, st);
  // What made the requests, when the agent said (its OpenTelemetry events):
  // the background requests no transcript shows are here.
  const bool known = std::any_of(r.by_query_source.begin(), r.by_query_source.end(),
                                 [](const QuerySourceRow& q) { return !q.query_source.empty(); });
  if (!known) return;
  out << "\n" << st.bold("By what made the requests") << "\n";
  UsageTable q({"Query source", "Kind"}, {}, false);
  for (const auto& s : r.by_query_source) q.add({s.query_source.empty() ? "(unknown)" : s.query_source, s.kind}, s, {});
  q.print(out, st);
}

void render(std::ostream& out, const Style& st, const ProfilesReport& r) {
  UsageTable t({"Profile"}, {"Runtime", "Last used"}, true);
  for (const auto& p : r.profiles)
    t.add({p.profile}, p, {format_duration(p.runtime_secs), last_used(r.period, p.last_used_ms)});
  t.add_total(r.totals, 1, {format_duration(r.totals.runtime_secs), ""});
  t.print(out, st);
}

void render(std::ostream& out, const Style& st, const ProjectsReport& r) {
  UsageTable t({"Project"}, {"Last used"}, true);
  for (const auto& p : r.projects) t.add({p.project}, p, {last_used(r.period, p.last_used_ms)});
  t.add_total(r.totals, 1, {""});
  t.print(out, st);
}

void render(std::ostream& out, const Style& st, const SessionsReport& r) {
  UsageTable t({"Session", "Profile", "Project", "Last"}, {"Subagents", "Models"}, false);
  for (const auto& s : r.sessions)
    t.add({s.session_id, s.profile, project_name(s.project), local_minute(r.period, s.last_ms)}, s,
          {format_usd(s.subagent_cost), model_list(s.models)});
  t.print(out, st);
  const auto shown = static_cast<int64_t>(r.sessions.size());
  out << "\n"
      << (shown ? "Sessions " + std::to_string(r.offset + 1) + "-" + std::to_string(r.offset + shown)
                : std::string("No sessions"))
      << " of " << with_thousands(r.total) << " (most recent first; --limit/--offset page)\n";
}

}  // namespace

std::string model_list(const std::vector<std::string>& models) {
  std::string out;
  for (const auto& m : models) out += (out.empty() ? "" : ", ") + short_model(m);
  return out;
}

std::vector<std::string> token_cells(const store::TokenCounts& t) {
  return {with_thousands(t.input), with_thousands(t.output), with_thousands(t.cache_creation()),
          with_thousands(t.cache_read), with_thousands(t.total())};
}

UsageTable::UsageTable(std::vector<std::string> lead, std::vector<std::string> trail, bool sessions)
    : m_table(usage_headers(lead, trail, sessions), usage_aligns(lead, trail, sessions)), m_sessions(sessions) {}

void UsageTable::add(std::vector<std::string> lead, const Group& g, std::vector<std::string> trail,
                     const std::string& cost_text) {
  std::vector<std::string> row = std::move(lead);
  row.push_back(with_thousands(g.requests));
  if (m_sessions) row.push_back(with_thousands(g.sessions));
  for (auto& c : token_cells(g.tokens)) row.push_back(std::move(c));
  row.push_back(cost_text.empty() ? cost_label(g.total_cost, g.cost_complete()) : cost_text);
  for (auto& c : trail) row.push_back(std::move(c));
  m_table.add(std::move(row));
}

void UsageTable::add_total(const Group& g, size_t lead_cols, std::vector<std::string> trail) {
  m_table.add_rule();
  std::vector<std::string> lead(lead_cols, "");
  if (lead_cols) lead[0] = "Total";
  add(std::move(lead), g, std::move(trail));
}

std::optional<std::string> empty_text(const ReportBase& r) {
  if (r.totals.requests > 0) return std::nullopt;
  return "No usage in " + period_label(r.period) + " — run `clown run <profile>` or `clown usage import-claude`";
}

void render_report(std::ostream& out, const Report& report) {
  const Style st;
  const auto kind = static_cast<ReportKind>(report.index());
  std::visit(
      [&](const auto& r) {
        print_title(out, st, kind, r);
        if (const auto empty = empty_text(r)) {
          out << *empty << "\n";
          return;
        }
        render(out, st, r);
        print_unpriced(out, st, r);
      },
      report);
}

}  // namespace clown::cli
