#include "reports/report.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include <date/tz.h>

#include "common/suggest.hpp"
#include "common/time.hpp"
#include "reports/report_data.hpp"
#include "reports/report_json.hpp"

namespace clown::reports {

namespace {

// Offsets of the report zone with the last transition interval cached (the
// rows come roughly in time order, so most lookups hit).
class ZoneOffsets {
 public:
  explicit ZoneOffsets(const date::time_zone* zone) : m_zone(zone) {}
  int64_t offset_ms(int64_t ts_ms) {
    const int64_t s = floor_div(ts_ms, 1000);
    if (!(s >= m_begin && s < m_end)) {
      const auto info = m_zone->get_info(date::sys_seconds{std::chrono::seconds{s}});
      m_begin = info.begin.time_since_epoch().count();
      m_end = info.end.time_since_epoch().count();
      m_offset = std::chrono::duration_cast<std::chrono::milliseconds>(info.offset).count();
    }
    return m_offset;
  }
  int64_t day(int64_t ts_ms) { return floor_div(ts_ms + offset_ms(ts_ms), 86400000); }
  int64_t hour_start(int64_t ts_ms) {
    const int64_t off = offset_ms(ts_ms);
    return floor_div(ts_ms + off, 3600000) * 3600000 - off;
  }

 private:
  const date::time_zone* m_zone;
  int64_t m_begin = 1, m_end = 0, m_offset = 0;
};

void fill_base(const ReportData& d, ReportBase& base) {
  base.period = d.period;
  base.totals = sum_all(d).totals();
  base.unpriced_models = unpriced_models(d);
}

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

SummaryReport summary(const ReportData& d) {
  SummaryReport r;
  fill_base(d, r);
  r.by_profile = profile_rows(d);
  r.by_model = model_rows(d);
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

DailyReport daily(const ReportData& d) {
  DailyReport r;
  fill_base(d, r);
  ZoneOffsets zone(d.period.zone);
  for (auto& [day, row] : time_rows<DayRow>(d, [&](int64_t ts) { return zone.day(ts); })) {
    row.date = local_date(d.period.zone, local_midnight_ms(d.period.zone, day));
    r.days.push_back(std::move(row));
  }
  return r;
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

ModelsReport models(const ReportData& d) {
  ModelsReport r;
  fill_base(d, r);
  r.models = model_rows(d);
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
  for (auto& [name, sum] : group_by(
           d, [](const RollupRow& row) { return row.project; }, false)) {
    ProjectRow row;
    static_cast<Group&>(row) = sum.group();
    row.project = name;
    row.last_used_ms = sum.last_used();
    r.projects.push_back(std::move(row));
  }
  sort_by_cost(r.projects);
  return r;
}

std::string most_requests(const ReportData& d, const std::unordered_map<int32_t, int64_t>& counts) {
  int32_t best = -1;
  int64_t best_count = -1;
  for (const auto& [idx, n] : counts)
    if (n > best_count || (n == best_count && d.str(idx) < d.str(best))) best = idx, best_count = n;
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
    sum.project_requests[row->project] += row->requests;
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
    row.profile = most_requests(d, sum->profile_requests);
    row.project = most_requests(d, sum->project_requests);
    row.first_ms = sum->first;
    row.last_ms = sum->last;
    row.models = d.names(sum->models);
    r.sessions.push_back(std::move(row));
  }
  return r;
}

}  // namespace

Expected<Report> build_report(const Paths& paths, const UsageFilter& filter, ReportKind kind, const Paging& paging,
                              int64_t now) {
  if (paging.offset < 0) return fail("offset must be 0 or more", k_exit_usage);
  TRY_ASSIGN(const auto data, load_report_data(paths, filter, now));
  switch (kind) {
    case ReportKind::summary: return summary(data);
    case ReportKind::daily: return daily(data);
    case ReportKind::hourly: return hourly(data);
    case ReportKind::models: return models(data);
    case ReportKind::profiles: return profiles(data);
    case ReportKind::sessions: return sessions(data, paging);
    case ReportKind::projects: return projects(data);
  }
  return fail("unknown report kind", k_exit_usage);
}

Expected<nlohmann::json> usage_json_at(const Paths& paths, const UsageFilter& filter, const std::string& kind,
                                       const Paging& paging, int64_t now) {
  const auto k = report_kind_from(kind);
  if (!k) {
    std::vector<std::string> names;
    for (const auto& r : report_kinds()) names.emplace_back(r.name);
    const auto hint = did_you_mean(kind, names);
    return fail("unknown report '" + kind + "'" + (hint.empty() ? ": use one of " + report_kind_names() : hint),
                k_exit_usage);
  }
  TRY_ASSIGN(const auto report, build_report(paths, filter, *k, paging, now));
  return to_json(report);
}

Expected<nlohmann::json> usage_json(const Paths& paths, const UsageFilter& filter, const std::string& kind,
                                    const Paging& paging) {
  return usage_json_at(paths, filter, kind, paging, now_ms());
}

}  // namespace clown::reports
