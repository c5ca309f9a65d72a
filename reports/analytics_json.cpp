#include "reports/analytics_json.hpp"

#include "registry/pricing_table.hpp"
#include "reports/budget.hpp"
#include "reports/insights.hpp"
#include "reports/report_json.hpp"
#include "reports/session_detail.hpp"

namespace clown::reports {

namespace {

using nlohmann::json;

json calendar_entry(const CalendarRow& row, const char* key) {
  json e = static_cast<const Group&>(row);
  e[key] = row.label;
  e["start"] = row.start;
  e["models"] = row.models;
  e["cache"] = cache_json(row.cache);
  if (!row.breakdown.empty()) e["breakdown"] = breakdown_json(row.breakdown);  // --breakdown
  return e;
}

const char* to_string(LimitLevel level) {
  switch (level) {
    case LimitLevel::ok: return "ok";
    case LimitLevel::warning: return "warning";
    case LimitLevel::exceeded: return "exceeded";
  }
  return "ok";
}

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json block_entry(const ResolvedPeriod& p, const BlockRow& b, bool has_limit) {
  if (b.gap)
    return {{"gap", true},
            {"start", local_iso(p.zone, b.start_ms)},
            {"end", local_iso(p.zone, b.end_ms)},
            {"duration_secs", static_cast<double>(b.end_ms - b.start_ms) / 1000.0}};
  json e = static_cast<const Group&>(b);
  e["gap"] = false;
  e["start"] = local_iso(p.zone, b.start_ms);
  e["end"] = local_iso(p.zone, b.end_ms);
  e["first"] = local_iso(p.zone, b.first_ms);
  e["last"] = local_iso(p.zone, b.last_ms);
  e["active"] = b.active;
  e["models"] = b.models;
  e["burn_rate"] = nullptr;
  if (b.burn)
    e["burn_rate"] = {{"tokens_per_minute", b.burn->tokens_per_minute},
                      {"cost_per_hour", b.burn->cost_per_hour},
                      {"projected_tokens", b.burn->projected_tokens},
                      {"projected_cost", b.burn->projected_cost},
                      {"remaining_secs", static_cast<double>(b.burn->remaining_ms) / 1000.0}};
  e["percent_used"] = optional_number(b.percent_used);
  e["projected_percent"] = optional_number(b.projected_percent);
  e["limit_status"] = has_limit ? json(to_string(b.limit_level)) : json(nullptr);
  return e;
}

json agent_json(const ResolvedPeriod& p, const AgentGroup& a) {
  json e = static_cast<const Group&>(a);
  e.erase("sessions");
  e["agent_id"] = a.agent_id;
  e["agent_type"] = a.agent_type;
  e["description"] = a.description;
  e["share"] = a.share;
  e["first"] = a.requests ? json(local_iso(p.zone, a.first_ms)) : json(nullptr);
  e["last"] = a.requests ? json(local_iso(p.zone, a.last_ms)) : json(nullptr);
  e["models"] = a.models;
  return e;
}

json roi_row_json(const RoiRow& row, bool with_profile) {
  json plans = json::array();
  for (const auto& p : row.plans)
    plans.push_back({{"name", p.name},
                     {"monthly_usd", p.monthly_usd},
                     {"difference", p.difference},
                     {"value", p.value},
                     {"covers_usd", p.covers_usd ? json(*p.covers_usd) : json(nullptr)},
                     {"fits", p.fits},
                     {"custom", p.custom}});
  json e = {{"cost", row.cost},
            {"projected_monthly", row.projected_monthly},
            {"plans", plans},
            {"cheapest", row.cheapest},
            {"cheapest_margin", row.cheapest_margin}};
  if (with_profile) e["profile"] = row.profile;
  return e;
}

}  // namespace

json cache_json(const CacheStats& cache) { return {{"hit_rate", cache.hit_rate}, {"savings_usd", cache.savings}}; }

json budget_json(const ResolvedPeriod& p, const BudgetStatus& b) {
  return {{"profile", b.profile.empty() ? json(nullptr) : json(b.profile)},
          {"window", to_string(b.window)},
          {"limit_usd", b.limit},
          {"spent_usd", b.spent},
          {"percent", b.percent},
          {"level", to_string(b.level)},
          {"since", local_iso(p.zone, b.since_ms)},
          {"until", local_iso(p.zone, b.until_ms)}};
}

json breakdown_json(const std::vector<ModelRow>& rows) {
  json list = json::array();
  for (const auto& m : rows) {
    json e = static_cast<const Group&>(m);
    e["model"] = m.model;
    e["series"] = model_series(m.model);
    e["priced"] = m.priced;
    list.push_back(std::move(e));
  }
  return list;
}

std::string model_series(const std::string& model) { return registry::normalize_model_name(model); }

json weekly_json(const WeeklyReport& r) {
  json list = json::array();
  for (const auto& w : r.weeks) list.push_back(calendar_entry(w, "week"));
  json j = list_report(r, "weekly", std::move(list));
  j["start_of_week"] = r.start_of_week;
  return j;
}

json monthly_json(const MonthlyReport& r) {
  json list = json::array();
  for (const auto& m : r.months) list.push_back(calendar_entry(m, "month"));
  return list_report(r, "monthly", std::move(list));
}

json blocks_json(const BlocksReport& r) {
  json list = json::array();
  for (const auto& b : r.blocks) list.push_back(block_entry(r.period, b, r.token_limit.has_value()));
  json j = list_report(r, "blocks", std::move(list));
  j["token_limit"] = r.token_limit ? json(*r.token_limit) : json(nullptr);
  j["token_limit_source"] = !r.token_limit ? json(nullptr) : json(r.token_limit_is_max ? "max" : "given");
  j["now"] = local_iso(r.period.zone, r.now_ms);
  return j;
}

json session_json(const SessionReport& r) {
  json list = json::array();
  for (const auto& q : r.requests) {
    list.push_back({{"time", local_iso(r.period.zone, q.ts_ms)},
                    {"model", q.model},
                    {"query_source", q.query_source},
                    {"role", to_string(q.role)},
                    {"agent_id", q.subagent},
                    {"source", q.source},
                    {"tokens", store::tokens_json(q.tokens)},
                    {"cost", store::cost_json(q.cost, q.total_cost)},
                    {"cumulative_cost", q.cumulative_cost},
                    {"priced", q.priced}});
    list.back()["cost"]["cost_complete"] = q.priced;
  }
  json subagents = json::array();
  for (const auto& a : r.subagents) subagents.push_back(agent_json(r.period, a));
  json j = list_report(r, "requests", std::move(list));
  j["session_id"] = r.session_id;
  j["profile"] = r.profile;
  j["project"] = r.project;
  j["first"] = local_iso(r.period.zone, r.first_ms);
  j["last"] = local_iso(r.period.zone, r.last_ms);
  j["models"] = r.models;
  j["agents"] = {{"main", agent_json(r.period, r.main)}, {"subagents", std::move(subagents)}};
  j["by_query_source"] = r.by_query_source;
  j["limit"] = r.limit;
  j["offset"] = r.offset;
  return j;
}

json roi_json(const RoiReport& r) {
  json profiles = json::array();
  for (const auto& p : r.profiles) profiles.push_back(roi_row_json(p, true));
  json j = list_report(r, "profiles", std::move(profiles));
  j["basis_days"] = r.basis_days;
  j["month_days"] = r.month_days;
  j["plan"] = r.plan.empty() ? json(nullptr) : json(r.plan);
  j["overall"] = roi_row_json(r.overall, false);
  return j;
}

json budget_report_json(const BudgetReport& r) {
  json list = json::array();
  for (const auto& b : r.budgets) list.push_back(budget_json(r.period, b));
  return list_report(r, "budgets", std::move(list));
}

json insights_json(const InsightsReport& r) {
  json list = json::array();
  for (const auto& i : r.insights) {
    json e = {{"kind", to_string(i.kind)}, {"subject", i.subject}, {"message", i.message}, {"value", i.value},
              {"baseline", i.baseline},    {"spread", i.spread},   {"score", i.score},     {"threshold", i.threshold}};
    if (i.kind == InsightKind::model_concentration) {
      e["alternative"] = i.alternative;
      e["estimated_savings"] = i.estimated_savings;
    }
    list.push_back(std::move(e));
  }
  json j = list_report(r, "insights", std::move(list));
  j["enough_history"] = r.enough_history;
  j["history_days"] = r.history_days;
  j["min_history_days"] = r.min_history_days;
  return j;
}

}  // namespace clown::reports
