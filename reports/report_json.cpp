#include "reports/report_json.hpp"

#include "reports/activity.hpp"
#include "reports/analytics_json.hpp"
#include "reports/limits.hpp"
#include "store/usage_types.hpp"

namespace clown::reports {

namespace {

using nlohmann::json;

// With "cost_complete": false when some of the group's requests had no price
// (total_cost is then the priced part: docs/cost.md#unpriced).
json cost_of(const Group& g) {
  json j = store::cost_json(g.cost, g.total_cost);
  j["cost_complete"] = g.cost_complete();
  return j;
}

json profile_entry(const ResolvedPeriod& p, const ProfileRow& r) {
  json j = static_cast<const Group&>(r);
  j["runtime_secs"] = r.runtime_secs;
  j["last_used"] = time_or_null(p, r.last_used_ms);
  return j;
}

json summary_json(const SummaryReport& r) {
  json by_profile = json::object();
  for (const auto& p : r.by_profile) by_profile[p.profile] = profile_entry(r.period, p);
  json by_agent = json::object();
  for (const auto& a : r.by_agent) {
    json e = static_cast<const Group&>(a);
    e["runtime_secs"] = a.runtime_secs;
    e["last_used"] = time_or_null(r.period, a.last_used_ms);
    by_agent[a.agent] = std::move(e);
  }
  json by_model = json::object();
  for (const auto& m : r.by_model)
    by_model[m.model] = {{"tokens", store::tokens_json(m.tokens)}, {"cost", cost_of(m)}, {"requests", m.requests}};
  json by_machine = json::object();
  for (const auto& m : r.by_machine) by_machine[m.machine] = static_cast<const Group&>(m);
  json j = report_envelope(r.period);
  j["total_tokens"] = store::tokens_json(r.totals.tokens);
  j["total_cost"] = cost_of(r.totals);
  j["total_requests"] = r.totals.requests;
  j["total_sessions"] = r.totals.sessions;
  j["total_runtime_secs"] = r.totals.runtime_secs;
  j["unpriced_models"] = r.unpriced_models;
  j["aggregates"] = {
      {"by_profile", by_profile}, {"by_agent", by_agent}, {"by_model", by_model}, {"by_machine", by_machine}};
  j["cache"] = cache_json(r.cache);
  json budgets = json::array();
  for (const auto& b : r.budgets) budgets.push_back(budget_json(r.period, b));
  j["budgets"] = std::move(budgets);
  return j;
}

json daily_json(const DailyReport& r) {
  json list = json::array();
  for (const auto& d : r.days) {
    json e = static_cast<const Group&>(d);
    e["date"] = d.date;
    e["models"] = d.models;
    e["cache"] = cache_json(d.cache);
    if (!d.breakdown.empty()) e["breakdown"] = breakdown_json(d.breakdown);  // --breakdown
    list.push_back(std::move(e));
  }
  return list_report(r, "daily", std::move(list));
}

json hourly_json(const HourlyReport& r) {
  json list = json::array();
  for (const auto& h : r.hours) {
    json e = static_cast<const Group&>(h);
    e["hour"] = local_iso(r.period.zone, h.hour_ms);
    e["models"] = h.models;
    list.push_back(std::move(e));
  }
  return list_report(r, "hourly", std::move(list));
}

json models_json(const ModelsReport& r) {
  json list = json::array();
  for (const auto& m : r.models) {
    json e = static_cast<const Group&>(m);
    e["model"] = m.model;
    e["series"] = model_series(m.model);
    e["priced"] = m.priced;
    list.push_back(std::move(e));
  }
  json sources = json::array();
  for (const auto& q : r.by_query_source) sources.push_back(q);
  json j = list_report(r, "models", std::move(list));
  j["by_query_source"] = std::move(sources);
  return j;
}

json profiles_json(const ProfilesReport& r) {
  json list = json::array();
  for (const auto& p : r.profiles) {
    json e = profile_entry(r.period, p);
    e["profile"] = p.profile;
    list.push_back(std::move(e));
  }
  return list_report(r, "profiles", std::move(list));
}

json projects_json(const ProjectsReport& r) {
  json list = json::array();
  for (const auto& p : r.projects) {
    json e = static_cast<const Group&>(p);
    e["project"] = p.project;
    e["last_used"] = time_or_null(r.period, p.last_used_ms);
    list.push_back(std::move(e));
  }
  return list_report(r, "projects", std::move(list));
}

json sessions_json(const SessionsReport& r) {
  json list = json::array();
  for (const auto& s : r.sessions) {
    json e = static_cast<const Group&>(s);
    e.erase("sessions");
    e["session_id"] = s.session_id;
    e["subagent_cost"] = s.subagent_cost;
    e["profile"] = s.profile;
    e["project"] = s.project;
    e["first"] = local_iso(r.period.zone, s.first_ms);
    e["last"] = local_iso(r.period.zone, s.last_ms);
    e["models"] = s.models;
    list.push_back(std::move(e));
  }
  json j = list_report(r, "sessions", std::move(list));
  j["total"] = r.total;
  j["limit"] = r.limit;
  j["offset"] = r.offset;
  return j;
}

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace

json time_or_null(const ResolvedPeriod& p, std::optional<int64_t> ms) {
  return ms ? json(local_iso(p.zone, *ms)) : json(nullptr);
}

// Every list report: the envelope, totals (a group plus runtime_secs),
// unpriced_models and the list under its kind's name.
json list_report(const ReportBase& r, const char* key, json list) {
  json j = report_envelope(r.period);
  json totals = static_cast<const Group&>(r.totals);
  totals["runtime_secs"] = r.totals.runtime_secs;
  j["totals"] = std::move(totals);
  j["unpriced_models"] = r.unpriced_models;
  j[key] = std::move(list);
  return j;
}

json report_envelope(const ResolvedPeriod& p) {
  return {{"period", p.period},
          {"since", time_or_null(p, p.since_ms)},
          {"until", time_or_null(p, p.until_ms)},
          {"timezone", p.timezone}};
}

void to_json(json& j, const Group& g) {
  j = {{"tokens", store::tokens_json(g.tokens)},
       {"cost", cost_of(g)},
       {"requests", g.requests},
       {"sessions", g.sessions}};
}

void to_json(json& j, const QuerySourceRow& row) {
  j = static_cast<const Group&>(row);
  j.erase("sessions");
  j["query_source"] = row.query_source;
  j["kind"] = row.kind;
}

json to_json(const Report& report) {
  return std::visit(
      Overloaded{
          [](const SummaryReport& r) { return summary_json(r); }, [](const DailyReport& r) { return daily_json(r); },
          [](const HourlyReport& r) { return hourly_json(r); }, [](const ModelsReport& r) { return models_json(r); },
          [](const ProfilesReport& r) { return profiles_json(r); },
          [](const SessionsReport& r) { return sessions_json(r); },
          [](const ProjectsReport& r) { return projects_json(r); },
          [](const WeeklyReport& r) { return weekly_json(r); }, [](const MonthlyReport& r) { return monthly_json(r); },
          [](const BlocksReport& r) { return blocks_json(r); }, [](const SessionReport& r) { return session_json(r); },
          [](const RoiReport& r) { return roi_json(r); }, [](const BudgetReport& r) { return budget_report_json(r); },
          [](const InsightsReport& r) { return insights_json(r); },
          [](const LimitsReport& r) { return limits_json(r); },
          [](const ActivityReport& r) { return activity_json(r); }},
      report);
}

}  // namespace clown::reports
