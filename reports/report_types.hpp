#pragma once
// Usage reports as C++ types. The report builder (reports/report.hpp)
// produces them; the CLI renders them as tables and reports/report_json.hpp
// turns them into the JSON of `clown usage --json` and /api/usage (the one
// place that JSON shape is spelled out).
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "reports/period.hpp"
#include "store/rate_limits_table.hpp"
#include "store/usage_types.hpp"

namespace clown::reports {

// Usage summed over a group of requests. total_cost is the sum of each
// request's stored total (web searches included): with unpriced requests in
// the group it is only the priced part (docs/cost.md#unpriced).
struct Group {
  store::TokenCounts tokens;
  store::CostParts cost;
  double total_cost = 0;
  int64_t requests = 0;
  int64_t sessions = 0;
  int64_t unpriced_requests = 0;  // requests whose model had no price when stored

  bool cost_complete() const { return unpriced_requests == 0; }
};

// A group with the runtime of the runs in it.
struct Totals : Group {
  double runtime_secs = 0;
};

struct ProfileRow : Totals {
  std::string profile;
  std::optional<int64_t> last_used_ms;  // last request or run end
};

struct AgentRow : Totals {
  std::string agent;
  std::optional<int64_t> last_used_ms;  // last request or run end
};

// What made requests: Claude Code's query_source (from its OpenTelemetry
// events; "" when no event told, e.g. history imported from transcripts).
struct QuerySourceRow : Group {
  std::string query_source;
  std::string kind;  // main | subagent | title | compaction | background (reports/display.hpp query_kind)
};

struct ProjectRow : Group {
  std::string project;
  std::optional<int64_t> last_used_ms;
};

// Cache efficiency (docs/cost.md#cache-savings): hit rate = cache reads /
// (input + cache writes + cache reads); savings = what the cache writes and
// reads would have cost at each model's input price, minus what they cost.
struct CacheStats {
  double hit_rate = 0;
  double savings = 0;  // USD
};

// The machine that counted requests (docs/file-formats.md#machine-id).
struct MachineRow : Group {
  std::string machine;
};

struct ModelRow : Group {
  std::string model;
  bool priced = true;  // false: some of its requests have no price
};

struct DayRow : Group {
  std::string date;  // local YYYY-MM-DD
  std::vector<std::string> models;
  CacheStats cache;
  std::vector<ModelRow> breakdown;  // with --breakdown, most expensive first
};

// A calendar week or month.
struct CalendarRow : Group {
  std::string start;  // local YYYY-MM-DD of its first day
  std::string label;  // weekly: = start; monthly: YYYY-MM
  std::vector<std::string> models;
  CacheStats cache;
  std::vector<ModelRow> breakdown;
};

struct HourRow : Group {
  int64_t hour_ms = 0;  // UTC ms of the local hour's start
  std::vector<std::string> models;
};

struct SessionRow : Group {  // `sessions` is not part of a session row
  std::string session_id;
  double subagent_cost = 0;  // of its sidechain (subagent) requests, included in total_cost
  std::string profile;       // the profile with most of its requests
  std::string project;       // likewise
  int64_t first_ms = 0, last_ms = 0;
  std::vector<std::string> models;
};

// What every report carries: its period and the models in it without a price.
struct ReportBase {
  ResolvedPeriod period;
  Totals totals;
  std::vector<std::string> unpriced_models;  // sorted
  std::vector<std::string> warnings;         // config.toml keys clown does not read (not in the JSON)
};

// Budgets (docs/cost.md#budgets): spend in the current local day, week or
// month against a limit from config.toml.
enum class BudgetWindow { daily, weekly, monthly };
// safe < 50 % <= warning < 80 % <= critical < 100 % <= exceeded.
enum class BudgetLevel { safe, warning, critical, exceeded };

struct BudgetStatus {
  std::string profile;  // "" = overall
  BudgetWindow window = BudgetWindow::daily;
  double limit = 0;  // USD
  double spent = 0;  // USD, total_cost of the requests in the window
  double percent = 0;
  BudgetLevel level = BudgetLevel::safe;
  int64_t since_ms = 0, until_ms = 0;  // the window [since, until)
};

// `clown usage`: totals with breakdowns (both most expensive first).
struct SummaryReport : ReportBase {
  std::vector<ProfileRow> by_profile;
  std::vector<AgentRow> by_agent;
  std::vector<ModelRow> by_model;
  std::vector<MachineRow> by_machine;  // this machine's id for rows stored before schema 6
  CacheStats cache;
  std::vector<BudgetStatus> budgets;  // every configured budget, now
};

struct DailyReport : ReportBase {
  std::vector<DayRow> days;  // oldest first
};
struct HourlyReport : ReportBase {
  std::vector<HourRow> hours;  // oldest first
};
struct ModelsReport : ReportBase {
  std::vector<ModelRow> models;                 // most expensive first
  std::vector<QuerySourceRow> by_query_source;  // most expensive first
};
struct ProfilesReport : ReportBase {
  std::vector<ProfileRow> profiles;  // most expensive first
};
struct ProjectsReport : ReportBase {
  std::vector<ProjectRow> projects;  // most expensive first
};
struct SessionsReport : ReportBase {
  std::vector<SessionRow> sessions;  // most recent first, one page
  int64_t total = 0;                 // sessions in the period
  int64_t limit = 0;                 // 0 = all
  int64_t offset = 0;
};

struct WeeklyReport : ReportBase {
  std::string start_of_week;       // "monday".."sunday"
  std::vector<CalendarRow> weeks;  // oldest first
};
struct MonthlyReport : ReportBase {
  std::vector<CalendarRow> months;  // oldest first
};

// The active block's pace (docs/api.md#usage-blocks).
struct BurnRate {
  double tokens_per_minute = 0;
  double cost_per_hour = 0;
  int64_t projected_tokens = 0;  // at the block's end, at this pace
  double projected_cost = 0;
  int64_t remaining_ms = 0;  // until the block ends
};

enum class LimitLevel { ok, warning, exceeded };  // <= 80 %, > 80 %, > 100 % of the token limit

// A 5-hour billing block, or the gap between two blocks.
struct BlockRow : Group {
  bool gap = false;
  int64_t start_ms = 0, end_ms = 0;   // [start, end): a block is 5 h from its first request floored to the hour (UTC)
  int64_t first_ms = 0, last_ms = 0;  // first and last request (last = actual last activity)
  std::vector<std::string> models;
  bool active = false;
  std::optional<BurnRate> burn;             // active block only
  std::optional<double> percent_used;       // of the token limit
  std::optional<double> projected_percent;  // active block: projected tokens of the limit
  LimitLevel limit_level = LimitLevel::ok;
};

struct BlocksReport : ReportBase {
  std::vector<BlockRow> blocks;  // oldest first, gaps between them
  std::optional<int64_t> token_limit;
  bool token_limit_is_max = false;  // --token-limit max: the highest past block
  bool active_only = false;         // --active
  int64_t now_ms = 0;
};

// Who made a request of a session (docs/api.md#usage-session).
enum class RequestRole { main, subagent, title, compaction, other };

struct SessionRequest {
  int64_t ts_ms = 0;
  std::string model;
  std::string query_source;  // as recorded ('' unknown)
  RequestRole role = RequestRole::main;
  std::string subagent;  // agentId, '' for the main agent
  std::string source;    // run, import, otel, ...
  store::TokenCounts tokens;
  store::CostParts cost;
  double total_cost = 0;
  double cumulative_cost = 0;
  bool priced = true;
};

// The main agent (agent_id "") or one subagent of the session.
struct AgentGroup : Group {
  std::string agent_id;
  std::string agent_type, description;  // from the subagent's meta.json, when known
  double share = 0;                     // of the session's total_cost, 0..1
  int64_t first_ms = 0, last_ms = 0;
  std::vector<std::string> models;
};

struct SessionReport : ReportBase {
  std::string session_id;
  std::string profile, project;  // with the most requests
  int64_t first_ms = 0, last_ms = 0;
  std::vector<std::string> models;
  std::vector<SessionRequest> requests;  // oldest first, one page (totals.requests in all)
  int64_t limit = 0;                     // 0 = all
  int64_t offset = 0;
  double last_cumulative = 0;  // the running total after the session's last request
  AgentGroup main;
  std::vector<AgentGroup> subagents;  // by first request
  // What made the requests (query_source and the role it gives), most
  // expensive first: what titles and compaction cost.
  std::vector<QuerySourceRow> by_query_source;
};

// A subscription plan compared with the projected API cost.
struct PlanOption {
  std::string name;
  double monthly_usd = 0;
  double difference = 0;             // monthly_usd - projected API cost (negative: the plan is cheaper)
  double value = 0;                  // projected API cost / monthly_usd: API-equivalent dollars per plan dollar
  std::optional<double> covers_usd;  // what its limits allow per month, when known
  bool fits = true;                  // covers the projection (unknown limits are assumed to)
  bool custom = false;               // from config.toml [[plans]]
};

struct RoiRow {
  std::string profile;  // "" = overall
  double cost = 0;      // in the basis window
  double projected_monthly = 0;
  std::vector<PlanOption> plans;  // built-in then custom
  std::string cheapest;           // the cheapest option that fits: a plan's name, or "api" (pay per token)
  double cheapest_margin = 0;     // USD/month it saves over the next cheapest option that fits
};

struct RoiReport : ReportBase {
  double basis_days = 0;  // length of the window the projection is from
  double month_days = 0;  // days the projection scales to
  std::string plan;       // --plan, resolved to a plan's name ("" none)
  RoiRow overall;
  std::vector<RoiRow> profiles;  // most expensive first
};

struct BudgetReport : ReportBase {
  std::vector<BudgetStatus> budgets;  // overall first, then profiles by name; daily, weekly, monthly
};

enum class InsightKind {
  cost_spike_day,
  cost_spike_hour,
  expensive_session,
  cache_drop,
  unpriced_model,
  model_concentration
};

// One finding with the numbers behind it. What value/baseline/spread/score/
// threshold hold depends on the kind (docs/api.md#usage-insights).
struct Insight {
  InsightKind kind = InsightKind::cost_spike_day;
  std::string subject;  // the day, hour, session id or model
  std::string message;  // one sentence with the numbers
  double value = 0, baseline = 0, spread = 0, score = 0, threshold = 0;
  std::string alternative;  // model_concentration: the cheaper model
  double estimated_savings = 0;
};

struct InsightsReport : ReportBase {
  bool enough_history = false;
  int64_t history_days = 0;  // active days in the period and the 30 days before it
  int64_t min_history_days = 0;
  std::vector<Insight> insights;
};

// One window of a plan quota (a 5-hour or weekly window ending at
// resets_at_ms) as the statusline saw it, for one profile.
struct QuotaPoint {
  int64_t seen_ms = 0;  // first seen at this percentage
  double used_percent = 0;
};
struct QuotaPeriod {
  std::string profile;
  store::QuotaWindow window = store::QuotaWindow::five_hour;
  int64_t resets_at_ms = 0;
  double peak_percent = 0;  // the highest percentage seen
  double last_percent = 0;  // the latest
  int64_t first_seen_ms = 0, last_seen_ms = 0;
  bool current = false;            // resets after now
  std::vector<QuotaPoint> points;  // oldest first
};

struct LimitsReport : ReportBase {
  std::vector<QuotaPeriod> windows;  // by profile, window (five_hour first), reset time
};

// What the agents' OpenTelemetry metrics say and transcripts cannot
// (docs/accuracy.md#otel-metrics): per profile, from claude_code.* sums.
struct ActivityRow {
  std::string profile;
  int64_t sessions = 0;      // claude_code.session.count
  double active_user_s = 0;  // claude_code.active_time.total, type user: typing and reading
  double active_cli_s = 0;   // ... type cli: the agent working
  int64_t lines_added = 0;   // claude_code.lines_of_code.count
  int64_t lines_removed = 0;
  int64_t commits = 0;        // claude_code.commit.count
  int64_t pull_requests = 0;  // claude_code.pull_request.count
  double agent_cost_usd = 0;  // claude_code.cost.usage: the agent's own estimate
  int64_t agent_tokens = 0;   // claude_code.token.usage, every type
  int64_t points = 0;         // data points summed
};

struct ActivityReport : ReportBase {
  std::vector<ActivityRow> by_profile;  // by profile name
  ActivityRow total;                    // profile ""
};

// In ReportKind order.
using Report = std::variant<SummaryReport, DailyReport, HourlyReport, ModelsReport, ProfilesReport, SessionsReport,
                            ProjectsReport, WeeklyReport, MonthlyReport, BlocksReport, SessionReport, RoiReport,
                            BudgetReport, InsightsReport, LimitsReport, ActivityReport>;

}  // namespace clown::reports
