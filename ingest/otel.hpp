#pragma once
// Claude Code's OpenTelemetry `claude_code.api_request` log events (OTLP/HTTP
// JSON), one per API request the agent made, background requests (session
// titles, /compact, ...) included: the requests no transcript shows
// (docs/accuracy.md#otel).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "registry/pricing_table.hpp"
#include "store/usage_types.hpp"

namespace clown::ingest {

struct OtelRequest {
  // key "req:<request_id>" (the transcript's requestId) when the event has
  // one, else "otel:<session>:<prompt>:<sequence>"; query_source filled.
  store::RequestUsage usage;
  std::string run_id;              // clown.run_id resource attribute ("" when not a clown run)
  std::string profile;             // clown.profile resource attribute
  std::optional<double> cost_usd;  // Claude Code's own cost of the request
  bool split_known = false;        // the event gave the 5-minute / 1-hour cache-write split (2.1.328+)
  // Another machine's event, received by a central clownd's team listener
  // (webui/team_listener.hpp): its machine id and user ("" = this machine's own).
  std::string machine;
  std::string user;
};

// Who sent a payload to the team listener (otlp::identity_of): the machine id
// a forwarding clownd names in its X-Clown-Machine-Id header, and the peer's
// address, the machine id of last resort.
struct RemoteOrigin {
  std::string forwarded_by;
  std::string peer;
};
inline constexpr const char* k_machine_id_header = "x-clown-machine-id";

// Placeholder profile of remote data that names no clown profile: never a local one.
inline constexpr const char* k_remote_profile = "remote";

struct OtelBatch {
  std::vector<OtelRequest> requests;
  int64_t records = 0;  // log records in the payload, of any event
};

// Parses an ExportLogsServiceRequest in OTLP/JSON. Attribute values may be
// stringValue, intValue (a JSON number or a decimal string, as the spec
// allows), doubleValue or boolValue. A payload that is not OTLP JSON is an
// error; an api_request event with unreadable token counts is skipped.
// With `remote`, every request is another machine's: run ids are dropped
// (they name that machine's runs), the profile is the sender's clown.profile
// or k_remote_profile, and machine and user are filled.
Expected<OtelBatch> parse_otlp_logs(std::string_view json, const RemoteOrigin* remote = nullptr);

// Events without the split (2.1.197) carry Claude Code's cost: the 1-hour
// part is the count for which the LiteLLM price of the model reproduces that
// cost to 1e-9 USD, when there is one (Claude Code prices Claude models like
// LiteLLM); otherwise every cache write stays 5-minute.
void infer_cache_split(OtelRequest& request, const registry::PricingTable& prices);

// One line of a run's spool (telemetry/runs/<id>/otel.jsonl) or the inbox.
nlohmann::json to_json(const OtelRequest& request);
Expected<OtelRequest> otel_request_from_json(const nlohmann::json& line);

}  // namespace clown::ingest
