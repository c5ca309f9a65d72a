#pragma once
// Where OpenTelemetry api_request events go (docs/accuracy.md#otel): clownd's
// OTLP receiver appends each event of a clown run to that run's spool
// (telemetry/runs/<id>/otel.jsonl), which `clown run` stores with the run's
// transcripts when the agent exits; events of other sessions go to the inbox
// (telemetry/otel-inbox.jsonl), which the daemon drains into usage.db. An
// append is one durable write, so the receiver can answer at once and no
// event is lost to a busy database.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "ingest/otel.hpp"
#include "ingest/otel_metrics.hpp"
#include "registry/pricing_table.hpp"

namespace clown::ingest {

// The token OTLP exports must carry (header x-clown-otel-token), created on
// first use: 32 random hex characters in $CLOWN_HOME/otel.token (0600).
Expected<std::string> otel_token(const Paths& paths);
inline constexpr const char* k_otel_token_header = "x-clown-otel-token";

struct OtelReceipt {
  int64_t records = 0;   // log records in the payload
  int64_t requests = 0;  // api_request events among them
  int64_t spooled = 0;   // appended to a run's spool
  int64_t inboxed = 0;   // appended to the inbox
};

// Parses an OTLP/JSON logs payload and files its api_request events; with
// `remote` they are another machine's (ingest/otel.hpp) and go to the inbox.
Expected<OtelReceipt> receive_otlp_logs(const Paths& paths, std::string_view body, const registry::PricingTable& prices,
                                        const RemoteOrigin* remote = nullptr);

// The events spooled for a run, in arrival order (unreadable lines skipped).
std::vector<OtelRequest> read_run_spool(const Paths& paths, const std::string& run_id);

struct InboxDrain {
  int64_t stored = 0;  // requests written (new or merged)
  std::vector<std::string> warnings;
};
// Stores the inbox's events appended since the last drain (a cursor in
// import_files), attributed to their clown run/profile when they name one,
// else to claude-native, and reconciles their sessions.
Expected<InboxDrain> drain_otel_inbox(const Paths& paths);

// Parses an OTLP/JSON metrics payload and appends its data points to the
// metrics inbox (telemetry/otel-metrics-inbox.jsonl) in one durable write;
// the number of points filed.
Expected<int64_t> receive_otlp_metrics(const Paths& paths, std::string_view body, const RemoteOrigin* remote = nullptr);

// Stores the metrics inbox's points appended since the last drain (a cursor
// in import_files) in the otel_metrics table, each once; a point that names no
// clown profile is claude-native's. The number of new points.
Expected<int64_t> drain_otel_metrics_inbox(const Paths& paths);

}  // namespace clown::ingest
