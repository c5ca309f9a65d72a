#pragma once
// $CLOWN_HOME/config.toml (all keys optional; docs/file-formats.md#config-toml):
//   [daemon] port = 8765
//   timezone = "Europe/Berlin"        # default for usage reports
//   start_of_week = "monday"          # weekly reports and --period week
//   [registry] pricing_url = "https://..."
//   [budgets] daily / weekly / monthly = USD, [budgets.profiles.<alias>] likewise
//   [[plans]] name = "Team", monthly_usd = 30, covers_usd = 400
//   [project_aliases] "/work/wt/*" = "clown"
//   [insights] z_threshold = 3.5, ...
//   [statusline] segments = [...], color = true, warning_percent = 50, critical_percent = 80
//   [otel] upstream = "https://collector.example.com", headers = {Authorization = "Bearer ..."},
//          queue_max_payloads = 10000, queue_max_mb = 64
//   [team] role = "central", listen = "0.0.0.0:4318"
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::config {

// Spending limits in USD for the current local day, week and month.
struct BudgetLimits {
  std::optional<double> daily, weekly, monthly;
  bool empty() const { return !daily && !weekly && !monthly; }
};

struct Budgets {
  BudgetLimits overall;
  std::map<std::string, BudgetLimits> profiles;  // by profile alias
};

// A subscription plan a user adds to the built-in ones (docs/cost.md#roi).
struct PlanConfig {
  std::string name;
  double monthly_usd = 0;
  // The API-equivalent spend per month its usage limits allow, when known
  // (Anthropic publishes no such figure: unknown = assumed to cover).
  std::optional<double> covers_usd;
};

// `[project_aliases] "<pattern>" = "<name>"`: a project directory matching
// the pattern (a directory, its last component, or an fnmatch glob) is
// reported as `name`.
struct ProjectAlias {
  std::string pattern;
  std::string name;
};

// When `clown usage insights` reports something (docs/api.md#usage-insights).
struct InsightThresholds {
  double z_threshold = 3.5;          // robust z-score of a day's / hour's cost over its trailing baseline
  int64_t min_history_days = 7;      // active days needed before anything is judged
  double session_percentile = 99;    // sessions above this percentile of session cost
  int64_t min_sessions = 20;         // sessions needed for the percentile
  double cache_drop_points = 15;     // hit-rate drop (percentage points) against the baseline
  double concentration_share = 0.7;  // one model's share of the cost
  int64_t min_similar_sessions = 3;  // sessions a cheaper model must have served
};

// `clown statusline` (docs/file-formats.md#config-toml): which segments, in
// order, and when a percentage turns yellow / red.
struct StatuslineConfig {
  std::vector<std::string> segments = {"profile", "model", "session", "today", "block", "context", "five_hour"};
  bool color = true;
  double warning_percent = 50;
  double critical_percent = 80;
};

// Where clownd forwards the OTLP payloads it receives (docs/file-formats.md#config-toml,
// ingest/otel_upstream.hpp). Headers are secrets: load_config drops them when
// config.toml is readable by group or others and says why in headers_refused.
struct OtelConfig {
  std::string upstream;  // base URL; "/v1/logs" and "/v1/metrics" are appended
  std::vector<std::pair<std::string, std::string>> headers;
  std::string headers_refused;         // non-empty: the headers were refused, and this says what to do
  int64_t queue_max_payloads = 10000;  // the on-disk forward queue drops its oldest beyond these
  int64_t queue_max_bytes = 64ll << 20;
};

// `[team] role = "central"`: clownd also listens on `listen` (any address,
// the one socket that is not loopback) for other machines' OTLP/HTTP JSON,
// authenticated by the team token (webui/team_listener.hpp, docs/security.md#team).
enum class TeamRole { none, central };
struct TeamConfig {
  TeamRole role = TeamRole::none;
  std::string listen_host = "0.0.0.0";
  int listen_port = 4318;  // OTLP/HTTP's registered port
};

// The segment names [statusline] segments may list.
const std::vector<std::string>& statusline_segment_names();

struct Config {
  int daemon_port = 8765;
  std::string timezone;     // empty = system zone
  std::string pricing_url;  // empty = default
  int start_of_week = 1;    // 0 = Sunday ... 6 = Saturday (C encoding); default Monday
  Budgets budgets;
  std::vector<PlanConfig> plans;
  std::vector<ProjectAlias> project_aliases;
  InsightThresholds insights;
  StatuslineConfig statusline;
  OtelConfig otel;
  TeamConfig team;
  // Keys clown does not read, one "file:line: unknown key 'x' (ignored)…" each.
  std::vector<std::string> warnings;
};

// A missing file gives defaults; a malformed one is an error naming file,
// line, column; a known key with a wrong type or value is an error naming
// file:line and the key.
Expected<Config> load_config(const Paths& paths);
// The same from TOML text (`file` names it in errors).
Expected<Config> parse_config(std::string_view text, const std::string& file);

// The keys load_config reads, dotted ("daemon.port"; a table read as a whole,
// like [project_aliases], by its name), for `clown doctor`'s unknown-key warning.
const std::vector<std::string>& config_file_keys();

// "monday", "Mon", "SUNDAY"... -> 0 (Sunday) .. 6 (Saturday).
std::optional<int> weekday_from(std::string_view name);
// 0..6 -> "sunday".."saturday".
std::string_view weekday_name(int weekday);

}  // namespace clown::config
