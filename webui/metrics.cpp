#include "webui/metrics.hpp"

#include <cerrno>
#include <cstdio>

#include "common/file_io.hpp"
#include "common/format.hpp"
#include "ingest/import_cursors.hpp"
#include "ingest/otel_queue.hpp"
#include "runs/active_runs.hpp"
#include "webui/prometheus_text.hpp"

namespace clown::webui {

namespace {

using Type = PrometheusText::Type;

// Constant-time comparison so a token cannot be guessed byte by byte.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string trimmed(std::string text) {
  const auto end = text.find_last_not_of(" \t\r\n");
  text.erase(end == std::string::npos ? 0 : end + 1);
  return text;
}

void token_series(PrometheusText& out, const reports::UsageMetrics& m) {
  out.family("clown_tokens_total", Type::counter, "Tokens of all stored requests, by kind (docs/api.md#metrics)");
  for (const auto& s : m.series) {
    const std::pair<const char*, int64_t> kinds[] = {{"input", s.tokens.input},
                                                     {"output", s.tokens.output},
                                                     {"cache_write_5m", s.tokens.cache_write_5m},
                                                     {"cache_write_1h", s.tokens.cache_write_1h},
                                                     {"cache_read", s.tokens.cache_read}};
    for (const auto& [type, value] : kinds)
      out.sample(
          {{"profile", s.profile}, {"agent", s.agent}, {"provider", s.provider}, {"model", s.model}, {"type", type}},
          value);
  }
}

void cost_and_requests(PrometheusText& out, const reports::UsageMetrics& m) {
  out.family("clown_cost_usd_total", Type::counter, "Cost in USD of all stored requests, as clown usage sums it");
  for (const auto& s : m.series)
    out.sample({{"profile", s.profile}, {"agent", s.agent}, {"provider", s.provider}, {"model", s.model}}, s.cost_usd);
  out.family("clown_requests_total", Type::counter, "API requests stored");
  for (const auto& s : m.series)
    out.sample({{"profile", s.profile}, {"agent", s.agent}, {"provider", s.provider}, {"model", s.model}}, s.requests);
}

// What only the agents' OpenTelemetry metrics say (docs/accuracy.md#otel-metrics).
void activity_series(PrometheusText& out, const reports::UsageMetrics& m) {
  out.family("clown_active_time_seconds_total", Type::counter,
             "Active time the agents reported (claude_code.active_time.total): type user = you, cli = the agent");
  for (const auto& a : m.activity) {
    out.sample({{"profile", a.profile}, {"type", "user"}}, a.active_user_s);
    out.sample({{"profile", a.profile}, {"type", "cli"}}, a.active_cli_s);
  }
  out.family("clown_lines_of_code_total", Type::counter,
             "Lines of code the agents added and removed (claude_code.lines_of_code.count)");
  for (const auto& a : m.activity) {
    out.sample({{"profile", a.profile}, {"type", "added"}}, static_cast<double>(a.lines_added));
    out.sample({{"profile", a.profile}, {"type", "removed"}}, static_cast<double>(a.lines_removed));
  }
  out.family("clown_commits_total", Type::counter, "Commits the agents made (claude_code.commit.count)");
  for (const auto& a : m.activity) out.sample({{"profile", a.profile}}, static_cast<double>(a.commits));
  out.family("clown_pull_requests_total", Type::counter,
             "Pull requests the agents opened (claude_code.pull_request.count)");
  for (const auto& a : m.activity) out.sample({{"profile", a.profile}}, static_cast<double>(a.pull_requests));
}

}  // namespace

LiveMetrics live_metrics(const Paths& paths) {
  LiveMetrics live;
  live.runs_active = runs::active_run_count(paths);
  live.last_import_ms = ingest::last_import_success_ms(paths);
  live.otel_forward_queue = ingest::otel_queue_length(paths);
  return live;
}

std::string usage_metrics_text(const reports::UsageMetrics& m) {
  PrometheusText out;
  token_series(out, m);
  cost_and_requests(out, m);
  out.single("clown_sessions_total", Type::counter, "Distinct agent sessions with stored requests",
             static_cast<double>(m.sessions));
  out.family("clown_budget_used_ratio", Type::gauge,
             "Spend of the current window divided by the budget's limit (config.toml [budgets])");
  for (const auto& b : m.budgets) {
    const double ratio = b.limit > 0 ? b.spent / b.limit : (b.spent > 0 ? 1.0 : 0.0);
    out.sample({{"budget", reports::budget_label(b)}}, ratio);
  }
  out.single("clown_block_cost_usd", Type::gauge, "Cost in USD of the active 5-hour block (0 when none)",
             m.block_cost_usd);
  out.single("clown_block_burn_rate_usd_per_hour", Type::gauge,
             "Cost per hour of the active 5-hour block so far (0 when none)", m.block_burn_usd_per_hour);
  activity_series(out, m);
  return out.text();
}

std::string live_metrics_text(const LiveMetrics& live) {
  PrometheusText out;
  out.single("clown_runs_active", Type::gauge, "Runs of clown run in progress", static_cast<double>(live.runs_active));
  out.single("clown_import_last_success_timestamp_seconds", Type::gauge,
             "When an import last finished without error, in seconds since the epoch (0: never)",
             static_cast<double>(live.last_import_ms.value_or(0)) / 1000.0);
  out.single("clown_otel_forward_queue_length", Type::gauge, "OTLP payloads queued for the upstream collector",
             static_cast<double>(live.otel_forward_queue));
  return out.text();
}

fs::path metrics_token_file(const Paths& paths) { return paths.credentials_dir() / "@metrics-token"; }

Expected<std::string> metrics_token(const Paths& paths, bool renew) {
  const auto file = metrics_token_file(paths);
  if (!renew)
    if (auto text = read_file(file); text && !trimmed(*text).empty()) return trimmed(*text);
  TRY(ensure_dir(paths.credentials_dir(), 0700));
  const std::string token = random_hex_id(16);
  TRY(write_file_atomic(file, token + "\n", 0600));
  return token;
}

Expected<bool> remove_metrics_token(const Paths& paths) {
  const auto file = metrics_token_file(paths);
  if (std::remove(file.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  return fail(errno_message("cannot remove " + file.string()));
}

bool metrics_authorized(const HttpRequest& req, const std::string& daemon_token, const Paths& paths) {
  if (same_secret(req.header("x-clown-token"), daemon_token)) return true;
  const std::string auth = req.header("authorization");
  constexpr std::string_view k_bearer = "Bearer ";
  if (auth.size() <= k_bearer.size() || auth.compare(0, k_bearer.size(), k_bearer) != 0) return false;
  const std::string_view presented = std::string_view(auth).substr(k_bearer.size());
  if (same_secret(presented, daemon_token)) return true;
  const auto stored = read_file(metrics_token_file(paths));
  return stored && same_secret(presented, trimmed(*stored));
}

}  // namespace clown::webui
