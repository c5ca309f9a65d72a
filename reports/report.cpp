#include "reports/report.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <date/tz.h>

#include "common/time.hpp"
#include "profiles/config.hpp"
#include "reports/report_query.hpp"
#include "reports/report_rollup.hpp"
#include "store/store.hpp"
#include "store/usage_json.hpp"

namespace clown::reports {

namespace {

using nlohmann::json;

// Running totals for one group of a report. Sessions and models are
// collected as string indices and deduplicated once at the end (cheaper than
// a set insert per row).
struct Acc {
  store::TokenCounts tokens;
  store::CostParts cost;
  double cost_total = 0;
  int64_t requests = 0;
  int64_t unpriced = 0;
  mutable std::vector<int32_t> sessions, models;
  int64_t first = std::numeric_limits<int64_t>::max();
  int64_t last = std::numeric_limits<int64_t>::min();
  double runtime_secs = 0;
  int64_t last_run_end = std::numeric_limits<int64_t>::min();
  std::unordered_map<int32_t, int64_t> profile_requests, project_requests;

  void add(const RollupRow& r, bool track_models) {
    tokens += r.tokens;
    cost += r.cost;
    cost_total += r.cost_total;
    requests += r.requests;
    unpriced += r.unpriced_requests;
    if (!r.no_session && (sessions.empty() || sessions.back() != r.session)) sessions.push_back(r.session);
    if (track_models && (models.empty() || models.back() != r.model)) models.push_back(r.model);
    first = std::min(first, r.first_ms);
    last = std::max(last, r.last_ms);
  }
  static void dedup(std::vector<int32_t>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  }
  int64_t session_count() const {
    dedup(sessions);
    return static_cast<int64_t>(sessions.size());
  }
  std::optional<int64_t> last_used() const {
    const int64_t v = std::max(last, last_run_end);
    if (v == std::numeric_limits<int64_t>::min()) return std::nullopt;
    return v;
  }
};

// total_cost is the sum of each request's stored total (web searches included).
json cost_json(const Acc& a) { return store::cost_json(a.cost, a.cost_total); }

json time_or_null(const date::time_zone* zone, std::optional<int64_t> ms) {
  return ms ? json(local_iso(zone, *ms)) : json(nullptr);
}

json group_json(const Acc& a) {
  return {{"tokens", store::tokens_json(a.tokens)},
          {"cost", cost_json(a)},
          {"requests", a.requests},
          {"sessions", a.session_count()}};
}

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

struct RunRow {
  std::string profile, agent, model, cwd;
  int64_t started_ms = 0, ended_ms = 0;
  double duration_secs = 0;
};

struct Matcher {
  const UsageFilter& filter;
  bool run(const RunRow& r) const {
    return (filter.profile.empty() || r.profile == filter.profile) &&
           (filter.agent.empty() || r.agent == filter.agent) &&
           (filter.model.empty() || model_matches(r.model, filter.model)) &&
           (filter.project.empty() || project_matches(r.cwd, filter.project));
  }
};

std::vector<RunRow> load_runs(SQLite::Database& db, const ResolvedPeriod& period, const Matcher& match) {
  std::vector<RunRow> out;
  SQLite::Statement q(db,
                      "SELECT profile, agent, model, cwd, started_ms, ended_ms, duration_secs FROM runs "
                      "WHERE started_ms >= ? AND started_ms < ?");
  q.bind(1, period.since_ms.value_or(std::numeric_limits<int64_t>::min()));
  q.bind(2, period.until_ms.value_or(std::numeric_limits<int64_t>::max()));
  while (q.executeStep()) {
    RunRow r{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
             q.getColumn(3).getString(), q.getColumn(4).getInt64(),  q.getColumn(5).getInt64(),
             q.getColumn(6).getDouble()};
    if (match.run(r)) out.push_back(std::move(r));
  }
  return out;
}

// Everything a report kind needs: the resolved period, the filtered rows and runs.
struct ReportData {
  ResolvedPeriod period;
  std::shared_ptr<const Rollup> rollup;
  std::vector<const RollupRow*> rows;
  std::vector<RunRow> runs;

  const std::string& str(int32_t idx) const { return rollup->strings[static_cast<size_t>(idx)]; }
  std::vector<std::string> names(std::vector<int32_t> ids) const {
    Acc::dedup(ids);
    std::vector<std::string> out;
    for (int32_t id : ids) out.push_back(str(id));
    std::sort(out.begin(), out.end());
    return out;
  }
};

Expected<ReportData> load_report(const Paths& paths, const UsageFilter& filter, int64_t now) {
  auto period = resolve_report_period(paths, filter, now);
  if (!period) return tl::unexpected(period.error());
  auto store = store::Store::open_readonly(paths);
  if (!store) return tl::unexpected(store.error());
  ReportData data;
  data.period = std::move(*period);
  auto rollup = load_rollup(paths, (*store)->db(), data.period.since_ms, data.period.until_ms);
  if (!rollup) return tl::unexpected(rollup.error());
  data.rollup = std::move(*rollup);

  // Decide each distinct string once, then filter rows by index.
  const auto& strings = data.rollup->strings;
  std::vector<char> ok_profile(strings.size(), 1), ok_agent(strings.size(), 1), ok_model(strings.size(), 1),
      ok_project(strings.size(), 1);
  for (size_t i = 0; i < strings.size(); ++i) {
    if (!filter.profile.empty()) ok_profile[i] = strings[i] == filter.profile;
    if (!filter.agent.empty()) ok_agent[i] = strings[i] == filter.agent;
    if (!filter.model.empty()) ok_model[i] = model_matches(strings[i], filter.model);
    if (!filter.project.empty()) ok_project[i] = project_matches(strings[i], filter.project);
  }
  for (const auto& r : data.rollup->rows) {
    if (data.period.contains(r.first_ms) && ok_profile[static_cast<size_t>(r.profile)] &&
        ok_agent[static_cast<size_t>(r.agent)] && ok_model[static_cast<size_t>(r.model)] &&
        ok_project[static_cast<size_t>(r.project)])
      data.rows.push_back(&r);
  }
  try {
    data.runs = load_runs((*store)->db(), data.period, Matcher{filter});
  } catch (const std::exception& e) {
    return fail("cannot read runs from " + paths.usage_db().string() + ": " + e.what());
  }
  return data;
}

json envelope(const ResolvedPeriod& p) { return report_envelope(p); }

std::vector<std::string> unpriced_models(const ReportData& d) {
  std::vector<int32_t> ids;
  for (const auto* r : d.rows)
    if (r->unpriced_requests > 0) ids.push_back(r->model);
  return d.names(std::move(ids));
}

Acc totals(const ReportData& d) {
  Acc total;
  for (const auto* r : d.rows) total.add(*r, false);
  for (const auto& run : d.runs) total.runtime_secs += run.duration_secs;
  return total;
}

// Groups rows by one string column, keyed by the string itself.
template <class KeyOf>
std::map<std::string, Acc> group_by(const ReportData& d, KeyOf key_of, bool track_models) {
  std::unordered_map<int32_t, Acc> by_index;
  for (const auto* r : d.rows) by_index[key_of(*r)].add(*r, track_models);
  std::map<std::string, Acc> out;
  for (auto& [idx, acc] : by_index) out.emplace(d.str(idx), std::move(acc));
  return out;
}

std::map<std::string, Acc> profiles_with_runs(const ReportData& d) {
  auto by_profile = group_by(
      d, [](const RollupRow& r) { return r.profile; }, false);
  for (const auto& run : d.runs) {
    Acc& acc = by_profile[run.profile];
    acc.runtime_secs += run.duration_secs;
    acc.last_run_end = std::max(acc.last_run_end, run.ended_ms > 0 ? run.ended_ms : run.started_ms);
  }
  return by_profile;
}

json profile_entry(const ReportData& d, const Acc& a) {
  json j = group_json(a);
  j["runtime_secs"] = a.runtime_secs;
  j["last_used"] = time_or_null(d.period.zone, a.last_used());
  return j;
}

json summary(const ReportData& d) {
  const Acc total = totals(d);
  json by_profile = json::object();
  for (const auto& [name, acc] : profiles_with_runs(d)) by_profile[name] = profile_entry(d, acc);
  json by_model = json::object();
  for (const auto& [name, acc] : group_by(
           d, [](const RollupRow& r) { return r.model; }, false))
    by_model[name] = {{"tokens", store::tokens_json(acc.tokens)}, {"cost", cost_json(acc)}, {"requests", acc.requests}};
  json j = envelope(d.period);
  j["total_tokens"] = store::tokens_json(total.tokens);
  j["total_cost"] = cost_json(total);
  j["total_requests"] = total.requests;
  j["total_sessions"] = total.session_count();
  j["total_runtime_secs"] = total.runtime_secs;
  j["unpriced_models"] = unpriced_models(d);
  j["aggregates"] = {{"by_profile", by_profile}, {"by_model", by_model}};
  return j;
}

json with_totals(const ReportData& d, const char* key, json list) {
  const Acc total = totals(d);
  json j = envelope(d.period);
  json t = group_json(total);
  t["runtime_secs"] = total.runtime_secs;
  j["totals"] = t;
  j["unpriced_models"] = unpriced_models(d);
  j[key] = std::move(list);
  return j;
}

// Most expensive first; ties by name so the order is stable.
std::vector<std::pair<std::string, const Acc*>> by_cost(const std::map<std::string, Acc>& groups) {
  std::vector<std::pair<std::string, const Acc*>> v;
  for (const auto& [name, acc] : groups) v.emplace_back(name, &acc);
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second->cost_total > b.second->cost_total; });
  return v;
}

json time_buckets(const ReportData& d, bool hourly) {
  ZoneOffsets zone(d.period.zone);
  std::map<int64_t, Acc> buckets;
  for (const auto* r : d.rows) {
    const int64_t ts = r->first_ms;  // all of a quarter hour lies in one local hour and day
    buckets[hourly ? zone.hour_start(ts) : zone.day(ts)].add(*r, true);
  }
  json list = json::array();
  for (const auto& [key, acc] : buckets) {
    json e = group_json(acc);
    if (hourly)
      e["hour"] = local_iso(d.period.zone, key);
    else
      e["date"] = local_date(d.period.zone, local_midnight_ms(d.period.zone, key));
    e["models"] = d.names(acc.models);
    list.push_back(std::move(e));
  }
  return with_totals(d, hourly ? "hourly" : "daily", std::move(list));
}

json models_report(const ReportData& d) {
  const auto groups = group_by(
      d, [](const RollupRow& r) { return r.model; }, false);
  json list = json::array();
  for (const auto& [name, acc] : by_cost(groups)) {
    json e = group_json(*acc);
    e["model"] = name;
    e["priced"] = acc->unpriced == 0;
    list.push_back(std::move(e));
  }
  return with_totals(d, "models", std::move(list));
}

json profiles_report(const ReportData& d) {
  const auto groups = profiles_with_runs(d);
  json list = json::array();
  for (const auto& [name, acc] : by_cost(groups)) {
    json e = profile_entry(d, *acc);
    e["profile"] = name;
    list.push_back(std::move(e));
  }
  return with_totals(d, "profiles", std::move(list));
}

json projects_report(const ReportData& d) {
  const auto groups = group_by(
      d, [](const RollupRow& r) { return r.project; }, false);
  json list = json::array();
  for (const auto& [name, acc] : by_cost(groups)) {
    json e = group_json(*acc);
    e["project"] = name;
    e["last_used"] = time_or_null(d.period.zone, acc->last_used());
    list.push_back(std::move(e));
  }
  return with_totals(d, "projects", std::move(list));
}

std::string most_requests(const ReportData& d, const std::unordered_map<int32_t, int64_t>& counts) {
  int32_t best = -1;
  int64_t best_count = -1;
  for (const auto& [idx, n] : counts)
    if (n > best_count || (n == best_count && d.str(idx) < d.str(best))) best = idx, best_count = n;
  return best < 0 ? std::string() : d.str(best);
}

json sessions_report(const ReportData& d, const Paging& paging) {
  std::unordered_map<int32_t, Acc> sessions;
  for (const auto* r : d.rows) {
    if (r->no_session) continue;  // history without a session is in the totals only
    Acc& acc = sessions[r->session];
    acc.add(*r, true);
    acc.profile_requests[r->profile] += r->requests;
    acc.project_requests[r->project] += r->requests;
  }
  std::vector<std::pair<int32_t, const Acc*>> order;
  for (const auto& [idx, acc] : sessions) order.emplace_back(idx, &acc);
  // Most recent first.
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    if (a.second->last != b.second->last) return a.second->last > b.second->last;
    return d.str(a.first) < d.str(b.first);
  });
  const auto total = static_cast<int64_t>(order.size());
  const int64_t begin = std::clamp<int64_t>(paging.offset, 0, total);
  const int64_t end = paging.limit > 0 ? std::min(total, begin + paging.limit) : total;
  json list = json::array();
  for (int64_t i = begin; i < end; ++i) {
    const auto& [idx, acc] = order[static_cast<size_t>(i)];
    json e = group_json(*acc);
    e.erase("sessions");
    e["session_id"] = d.str(idx);
    e["profile"] = most_requests(d, acc->profile_requests);
    e["project"] = most_requests(d, acc->project_requests);
    e["first"] = local_iso(d.period.zone, acc->first);
    e["last"] = local_iso(d.period.zone, acc->last);
    e["models"] = d.names(acc->models);
    list.push_back(std::move(e));
  }
  json j = with_totals(d, "sessions", std::move(list));
  j["total"] = total;
  j["limit"] = paging.limit;
  j["offset"] = paging.offset;
  return j;
}

}  // namespace

nlohmann::json report_envelope(const ResolvedPeriod& p) {
  return {{"period", p.period},
          {"since", time_or_null(p.zone, p.since_ms)},
          {"until", time_or_null(p.zone, p.until_ms)},
          {"timezone", p.timezone}};
}

bool model_matches(std::string_view model, std::string_view wanted) {
  if (model == wanted) return true;
  return model.size() > wanted.size() && model.substr(0, wanted.size()) == wanted && model[wanted.size()] == '-';
}

bool project_matches(std::string_view project, std::string_view wanted) {
  if (project == wanted) return true;
  while (project.size() > 1 && project.back() == '/') project.remove_suffix(1);
  while (wanted.size() > 1 && wanted.back() == '/') wanted.remove_suffix(1);
  if (project == wanted) return true;
  const auto slash = project.rfind('/');
  return slash != std::string_view::npos && project.substr(slash + 1) == wanted;
}

Expected<ResolvedPeriod> resolve_report_period(const Paths& paths, const UsageFilter& filter, int64_t now) {
  std::string zone = filter.timezone;
  if (zone.empty()) {
    auto config = profiles::load_config(paths);
    if (!config) return tl::unexpected(config.error());
    zone = config->timezone;
  }
  return resolve_period(filter, zone, now);
}

Expected<nlohmann::json> usage_json_at(const Paths& paths, const UsageFilter& filter, const std::string& kind,
                                       const Paging& paging, int64_t now) {
  static const std::set<std::string> kinds = {"summary",  "daily",    "hourly",  "models",
                                              "profiles", "sessions", "projects"};
  if (!kinds.count(kind)) return fail("unknown report '" + kind + "': use one of " + k_report_kinds, k_exit_usage);
  if (paging.offset < 0) return fail("offset must be 0 or more", k_exit_usage);
  auto data = load_report(paths, filter, now);
  if (!data) return tl::unexpected(data.error());
  if (kind == "summary") return summary(*data);
  if (kind == "daily") return time_buckets(*data, false);
  if (kind == "hourly") return time_buckets(*data, true);
  if (kind == "models") return models_report(*data);
  if (kind == "profiles") return profiles_report(*data);
  if (kind == "projects") return projects_report(*data);
  return sessions_report(*data, paging);
}

Expected<nlohmann::json> usage_json(const Paths& paths, const UsageFilter& filter, const std::string& kind,
                                    const Paging& paging) {
  return usage_json_at(paths, filter, kind, paging, now_ms());
}

}  // namespace clown::reports
