#include "reports/report.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include <date/tz.h>

#include "common/suggest.hpp"
#include "common/time.hpp"
#include "reports/activity.hpp"
#include "reports/blocks.hpp"
#include "reports/budget.hpp"
#include "reports/cache_savings.hpp"
#include "reports/calendar.hpp"
#include "reports/display.hpp"
#include "reports/insights.hpp"
#include "reports/limits.hpp"
#include "reports/projects.hpp"
#include "reports/report_data.hpp"
#include "reports/report_json.hpp"
#include "reports/roi.hpp"
#include "reports/session_detail.hpp"
#include "reports/zone_offsets.hpp"

namespace clown::reports {

namespace {

// Groups rows by one string column, keyed by the string itself.
template <class KeyOf>
std::map<std::string, GroupSum> group_by(const ReportData& d, KeyOf key_of, bool track_models) {
  std::unordered_map<int32_t, GroupSum> by_index;
  for (const auto* r : d.rows) by_index[key_of(*r)].add(*r, track_models);
  std::map<std::string, GroupSum> out;
  for (auto& [idx, sum] : by_index) out.emplace(d.str(idx), std::move(sum));
  return out;
}

// Most expensive first; ties by name (the map's order) so the order is stable.
template <class Row>
void sort_by_cost(std::vector<Row>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.total_cost > b.total_cost; });
}

std::vector<ProfileRow> profile_rows(const ReportData& d) {
  auto groups = group_by(
      d, [](const RollupRow& r) { return r.profile; }, false);
  for (const auto& run : d.runs) groups[run.profile].add_run(run);
  std::vector<ProfileRow> rows;
  for (auto& [name, sum] : groups) {
    ProfileRow row;
    static_cast<Totals&>(row) = sum.totals();
    row.profile = name;
    row.last_used_ms = sum.last_used();
    rows.push_back(std::move(row));
  }
  sort_by_cost(rows);
  return rows;
}

std::vector<AgentRow> agent_rows(const ReportData& d) {
  auto groups = group_by(
      d, [](const RollupRow& r) { return r.agent; }, false);
  for (const auto& run : d.runs) groups[run.agent].add_run(run);
  std::vector<AgentRow> rows;
  for (auto& [name, sum] : groups) {
    AgentRow row;
    static_cast<Totals&>(row) = sum.totals();
    row.agent = name;
    row.last_used_ms = sum.last_used();
    rows.push_back(std::move(row));
  }
  sort_by_cost(rows);
  return rows;
}

std::vector<ModelRow> model_rows(const ReportData& d) {
  std::vector<ModelRow> rows;
  for (auto& [name, sum] : group_by(
           d, [](const RollupRow& r) { return r.model; }, false)) {
    ModelRow row;
    static_cast<Group&>(row) = sum.group();
    row.model = name;
    row.priced = sum.unpriced == 0;
    rows.push_back(std::move(row));
  }
  sort_by_cost(rows);
  return rows;
}

std::vector<MachineRow> machine_rows(const ReportData& d) {
  std::map<std::string, GroupSum> groups;
  for (const auto* r : d.rows) groups[d.machine(*r)].add(*r, false);
  std::vector<MachineRow> rows;
  for (auto& [name, sum] : groups) {
    MachineRow row;
    static_cast<Group&>(row) = sum.group();
    row.machine = name;
    rows.push_back(std::move(row));
  }
  sort_by_cost(rows);
  return rows;
}

SummaryReport summary(const ReportData& d) {
  SummaryReport r;
  fill_base(d, r);
  r.by_profile = profile_rows(d);
  r.by_agent = agent_rows(d);
  r.by_model = model_rows(d);
  r.by_machine = machine_rows(d);
  InputPrices prices(report_pricing(d.paths));
  r.cache = cache_stats(r.totals, r.by_model, prices);
  return r;
}

// All of a quarter hour (a rollup row) lies in one local hour and day.
template <class Row, class KeyOf>
std::vector<std::pair<int64_t, Row>> time_rows(const ReportData& d, KeyOf key_of) {
  std::map<int64_t, GroupSum> buckets;
  for (const auto* r : d.rows) buckets[key_of(r->first_ms)].add(*r, true);
  std::vector<std::pair<int64_t, Row>> out;
  for (auto& [key, sum] : buckets) {
    Row row;
    static_cast<Group&>(row) = sum.group();
    row.models = d.names(sum.models);
    out.emplace_back(key, std::move(row));
  }
  return out;
}

HourlyReport hourly(const ReportData& d) {
  HourlyReport r;
  fill_base(d, r);
  ZoneOffsets zone(d.period.zone);
  for (auto& [hour, row] : time_rows<HourRow>(d, [&](int64_t ts) { return zone.hour_start(ts); })) {
    row.hour_ms = hour;
    r.hours.push_back(std::move(row));
  }
  return r;
}

std::vector<QuerySourceRow> query_source_rows(const ReportData& d) {
  std::vector<QuerySourceRow> rows;
  for (auto& [name, sum] : group_by(
           d, [](const RollupRow& r) { return r.query_source; }, false)) {
    QuerySourceRow row;
    static_cast<Group&>(row) = sum.group();
    row.query_source = name;
    row.kind = query_kind(name);
    rows.push_back(std::move(row));
  }
  sort_by_cost(rows);
  return rows;
}

ModelsReport models(const ReportData& d) {
  ModelsReport r;
  fill_base(d, r);
  r.models = model_rows(d);
  r.by_query_source = query_source_rows(d);
  return r;
}

ProfilesReport profiles(const ReportData& d) {
  ProfilesReport r;
  fill_base(d, r);
  r.profiles = profile_rows(d);
  return r;
}

ProjectsReport projects(const ReportData& d) {
  ProjectsReport r;
  fill_base(d, r);
  const auto reported = row_projects(d);
  std::unordered_map<int32_t, GroupSum> by_index;
  for (size_t i = 0; i < d.rows.size(); ++i) by_index[reported[i]].add(*d.rows[i], false);
  std::map<std::string, GroupSum> groups;
  for (auto& [idx, sum] : by_index) groups.emplace(d.str(idx), std::move(sum));
  for (auto& [name, sum] : groups) {
    ProjectRow row;
    static_cast<Group&>(row) = sum.group();
    row.project = name;
    row.last_used_ms = sum.last_used();
    r.projects.push_back(std::move(row));
  }
  sort_by_cost(r.projects);
  return r;
}

// The string with the most requests; an empty one (a project unknown for
// some rows) only when nothing else is known.
std::string most_requests(const ReportData& d, const std::unordered_map<int32_t, int64_t>& counts) {
  int32_t best = -1;
  int64_t best_count = -1;
  for (const auto& [idx, n] : counts) {
    if (d.str(idx).empty() && counts.size() > 1) continue;
    if (n > best_count || (n == best_count && d.str(idx) < d.str(best))) best = idx, best_count = n;
  }
  return best < 0 ? std::string() : d.str(best);
}

SessionsReport sessions(const ReportData& d, const Paging& paging) {
  SessionsReport r;
  fill_base(d, r);
  std::unordered_map<int32_t, GroupSum> by_session;
  for (const auto* row : d.rows) {
    if (row->no_session) continue;  // history without a session is in the totals only
    GroupSum& sum = by_session[row->session];
    sum.add(*row, true);
    sum.profile_requests[row->profile] += row->requests;
    sum.project_requests[d.project(*row)] += row->requests;
  }
  std::vector<std::pair<int32_t, GroupSum*>> order;
  for (auto& [idx, sum] : by_session) order.emplace_back(idx, &sum);
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    if (a.second->last != b.second->last) return a.second->last > b.second->last;  // most recent first
    return d.str(a.first) < d.str(b.first);
  });
  r.total = static_cast<int64_t>(order.size());
  r.limit = paging.limit;
  r.offset = paging.offset;
  const int64_t begin = std::clamp<int64_t>(paging.offset, 0, r.total);
  const int64_t end = paging.limit > 0 ? std::min(r.total, begin + paging.limit) : r.total;
  for (int64_t i = begin; i < end; ++i) {
    auto& [idx, sum] = order[static_cast<size_t>(i)];
    SessionRow row;
    static_cast<Group&>(row) = sum->group();
    row.session_id = d.str(idx);
    row.subagent_cost = sum->subagent_cost;
    row.profile = most_requests(d, sum->profile_requests);
    row.project = most_requests(d, sum->project_requests);
    row.first_ms = sum->first;
    row.last_ms = sum->last;
    row.models = d.names(sum->models);
    r.sessions.push_back(std::move(row));
  }
  return r;
}

// Standard reports: one pass over the filtered rows of the period.
Report standard_report(const ReportData& data, ReportKind kind, const ReportOptions& options) {
  switch (kind) {
    case ReportKind::daily: return daily_report(data, options.breakdown);
    case ReportKind::weekly: return weekly_report(data, options.breakdown);
    case ReportKind::monthly: return monthly_report(data, options.breakdown);
    case ReportKind::hourly: return hourly(data);
    case ReportKind::models: return models(data);
    case ReportKind::profiles: return profiles(data);
    case ReportKind::sessions: return sessions(data, options.paging);
    case ReportKind::projects: return projects(data);
    default: return summary(data);
  }
}

template <class T>
Expected<Report> as_report(Expected<T> r) {
  if (!r) return tl::unexpected(std::move(r.error()));
  return Report(std::move(*r));
}

}  // namespace

UsageFilter with_default_period(const UsageFilter& filter, ReportKind kind) {
  UsageFilter f = filter;
  const bool custom = (f.since && !f.since->empty()) || (f.until && !f.until->empty());
  if (f.period.empty() && !custom) f.period = std::string(info(kind).default_period);
  return f;
}

Expected<Report> build_report(const Paths& paths, const UsageFilter& filter, ReportKind kind,
                              const ReportOptions& options, int64_t now) {
  if (options.paging.offset < 0) return fail("offset must be 0 or more", k_exit_usage);
  const UsageFilter f = with_default_period(filter, kind);
  auto with_warnings = [&paths](Expected<Report> report) -> Expected<Report> {
    if (!report) return report;
    auto config = config::load_config(paths);  // already read once: a file in the page cache
    if (config) std::visit([&](auto& r) { r.warnings = config->warnings; }, *report);
    return report;
  };
  switch (kind) {
    case ReportKind::blocks: return with_warnings(as_report(blocks_report(paths, f, options.blocks, now)));
    case ReportKind::session: return with_warnings(as_report(session_report(paths, f, options, now)));
    case ReportKind::roi: return with_warnings(as_report(roi_report(paths, f, options, now)));
    case ReportKind::budget: return with_warnings(as_report(budget_report(paths, f, now)));
    case ReportKind::insights: return with_warnings(as_report(insights_report(paths, f, now)));
    case ReportKind::limits: return with_warnings(as_report(limits_report(paths, f, now)));
    case ReportKind::activity: return with_warnings(as_report(activity_report(paths, f, now)));
    default: break;
  }
  TRY_ASSIGN(const auto data, load_report_data(paths, f, now));
  Report report = standard_report(data, kind, options);
  std::visit([&](auto& r) { r.warnings = data.config.warnings; }, report);
  if (auto* s = std::get_if<SummaryReport>(&report)) {
    // Budget levels are today's, whatever the period; only the zone and week start of the filter apply.
    UsageFilter windows;
    windows.timezone = f.timezone;
    windows.start_of_week = f.start_of_week;
    TRY_ASSIGN(s->budgets, budget_statuses(paths, data.config, windows, now));
  }
  return report;
}

Expected<nlohmann::json> usage_json_at(const Paths& paths, const UsageFilter& filter, const std::string& kind,
                                       const ReportOptions& options, int64_t now) {
  const auto k = report_kind_from(kind);
  if (!k) {
    std::vector<std::string> names;
    for (const auto& r : report_kinds()) names.emplace_back(r.name);
    const auto hint = did_you_mean(kind, names);
    return fail("unknown report '" + kind + "'" + (hint.empty() ? ": use one of " + report_kind_names() : hint),
                k_exit_usage);
  }
  TRY_ASSIGN(const auto report, build_report(paths, filter, *k, options, now));
  return to_json(report);
}

Expected<nlohmann::json> usage_json(const Paths& paths, const UsageFilter& filter, const std::string& kind,
                                    const ReportOptions& options) {
  return usage_json_at(paths, filter, kind, options, now_ms());
}

}  // namespace clown::reports
