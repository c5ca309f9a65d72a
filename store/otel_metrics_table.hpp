#pragma once
// The `otel_metrics` table (docs/schema.md#otel-metrics): the data points of
// the OpenTelemetry metrics agents export to clownd's receiver (Claude Code's
// claude_code.* sums: sessions, lines of code, commits, pull requests, active
// time, its own token and cost counts), one row per point, attributed to a
// session and a profile. A point an exporter sends twice is stored once.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

namespace clown::store {

// OTLP's aggregation temporality of a sum (1 = delta, 2 = cumulative); gauges
// have none.
enum class MetricTemporality { gauge = 0, delta = 1, cumulative = 2 };

struct MetricPoint {
  std::string name;    // e.g. claude_code.active_time.total
  std::string unit;    // as exported: "s", "USD", "tokens", "count", ""
  std::string type;    // the point's `type` attribute (user/cli, added/removed, input/output...), "" when none
  std::string labels;  // all of the point's own attributes (model, query_source, ...) as compact JSON, sorted
  std::string session_id, run_id, profile;
  // Another machine's point (a central clownd's team listener): its machine
  // id and user; "" = this machine's own.
  std::string machine, user;
  MetricTemporality temporality = MetricTemporality::delta;
  int64_t start_ns = 0, time_ns = 0;
  double value = 0;
};

// Stores one point; false when the same point (metric, labels, session,
// profile, start and end time) is already there. Throws SQLite::Exception like
// every statement.
bool record_metric_point(SQLite::Database& db, const MetricPoint& point);

struct MetricSum {
  std::string profile, name, type;
  double value = 0;
  int64_t points = 0;
};

// Per profile, metric and `type`, the totals of the points that end in
// [since_ms, until_ms) (of one profile when `profile` is not empty): delta
// points add up; of a cumulative series (metric, labels, session, start) the
// latest point counts; gauges are left out.
std::vector<MetricSum> metric_sums(SQLite::Database& db, std::string_view profile, int64_t since_ms, int64_t until_ms);

}  // namespace clown::store
