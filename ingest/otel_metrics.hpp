#pragma once
// OpenTelemetry metrics payloads (OTLP/HTTP JSON, POST /v1/metrics): the data
// points of sums and gauges, e.g. Claude Code's claude_code.session.count,
// lines_of_code.count, commit.count, pull_request.count, active_time.total,
// token.usage and cost.usage (docs/accuracy.md#otel-metrics). They carry what
// no transcript shows: lines of code and active time.
#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "ingest/otel.hpp"
#include "store/otel_metrics_table.hpp"

namespace clown::ingest {

struct OtelMetricBatch {
  std::vector<store::MetricPoint> points;
  int64_t metrics = 0;  // metrics in the payload
  int64_t skipped = 0;  // data points not kept: histograms, summaries, points without a value or time
};

// Parses an ExportMetricsServiceRequest in OTLP/JSON. A point's session,
// clown run and profile come from its attributes (session.id, clown.run_id,
// clown.profile), else from its resource's; its `type` attribute and every
// other attribute that is not an identity (user, organization, terminal, the
// clown.* and anthropic.* ones) form its labels. A payload that is not OTLP
// JSON is an error.
// With `remote` (ingest/otel.hpp), points are another machine's: the run id
// is dropped, the profile is the sender's or k_remote_profile, machine and
// user are filled (otlp::identity_of).
Expected<OtelMetricBatch> parse_otlp_metrics(std::string_view json, const RemoteOrigin* remote = nullptr);

// One line of the metrics inbox (telemetry/otel-metrics-inbox.jsonl).
nlohmann::json to_json(const store::MetricPoint& point);
Expected<store::MetricPoint> metric_point_from_json(const nlohmann::json& line);

}  // namespace clown::ingest
