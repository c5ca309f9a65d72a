#include "reports/activity.hpp"

#include <cmath>
#include <map>

#include "reports/analytics_json.hpp"
#include "reports/report_data.hpp"
#include "store/otel_metrics_table.hpp"
#include "store/store.hpp"

namespace clown::reports {

namespace {

int64_t whole(double v) { return static_cast<int64_t>(std::llround(v)); }

// Adds one metric total to a row; metrics clown does not show only count as points.
void add(ActivityRow& row, const store::MetricSum& s) {
  row.points += s.points;
  if (s.name == "claude_code.session.count") {
    row.sessions += whole(s.value);
  } else if (s.name == "claude_code.active_time.total") {
    (s.type == "user" ? row.active_user_s : row.active_cli_s) += s.value;
  } else if (s.name == "claude_code.lines_of_code.count") {
    if (s.type == "added") row.lines_added += whole(s.value);
    if (s.type == "removed") row.lines_removed += whole(s.value);
  } else if (s.name == "claude_code.commit.count") {
    row.commits += whole(s.value);
  } else if (s.name == "claude_code.pull_request.count") {
    row.pull_requests += whole(s.value);
  } else if (s.name == "claude_code.cost.usage") {
    row.agent_cost_usd += s.value;
  } else if (s.name == "claude_code.token.usage") {
    row.agent_tokens += whole(s.value);
  }
}

nlohmann::json row_json(const ActivityRow& r) {
  return {{"profile", r.profile},
          {"sessions", r.sessions},
          {"active_time_s", {{"user", r.active_user_s}, {"cli", r.active_cli_s}}},
          {"lines_of_code", {{"added", r.lines_added}, {"removed", r.lines_removed}}},
          {"commits", r.commits},
          {"pull_requests", r.pull_requests},
          {"agent_cost_usd", r.agent_cost_usd},
          {"agent_tokens", r.agent_tokens},
          {"points", r.points}};
}

}  // namespace

Expected<ActivityReport> activity_report(const Paths& paths, const UsageFilter& filter, int64_t now) {
  TRY_ASSIGN(const auto context, load_report_context(paths, filter, now));
  ActivityReport r;
  r.period = context.period;
  TRY_ASSIGN(auto store, store::Store::open_readonly(paths));
  try {
    const auto sums = store::metric_sums(store->db(), filter.profile, context.period.since_ms.value_or(INT64_MIN),
                                         context.period.until_ms.value_or(INT64_MAX));
    std::map<std::string, ActivityRow> rows;
    for (const auto& s : sums) {
      auto& row = rows[s.profile];
      row.profile = s.profile;
      add(row, s);
      add(r.total, s);
    }
    for (auto& [name, row] : rows) r.by_profile.push_back(std::move(row));
  } catch (const SQLite::Exception& e) {
    return fail(std::string("cannot read the OpenTelemetry metrics: ") + e.what());
  }
  return r;
}

nlohmann::json activity_json(const ActivityReport& r) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& row : r.by_profile) list.push_back(row_json(row));
  auto j = list_report(r, "by_profile", std::move(list));
  // The totals are of these metrics, not of the requests other reports count.
  j["totals"] = row_json(r.total);
  j["totals"].erase("profile");
  return j;
}

}  // namespace clown::reports
