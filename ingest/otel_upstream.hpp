#pragma once
// Where clownd forwards the OTLP payloads it receives (docs/file-formats.md#otel-upstream):
// credentials/@otel-upstream (written by `clown otel upstream`, 0600) wins over
// config.toml [otel]; a run whose user exported to their own collector has its
// own upstream in credentials/@otel-runs/<run-id>, used for the payloads
// tagged with that clown.run_id. Header values are secrets: nothing here
// returns them for display (to_public_json names the headers only).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::ingest {

enum class UpstreamSource { none, config, credentials, run };
const char* to_string(UpstreamSource source);

struct OtelUpstream {
  std::string url;  // base URL: "/v1/logs", "/v1/metrics" are appended as OTLP/HTTP exporters do
  // A signal-specific endpoint used as is (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT); empty: url + "/v1/logs".
  std::string logs_url;
  std::string metrics_url;  // likewise OTEL_EXPORTER_OTLP_METRICS_ENDPOINT
  std::vector<std::pair<std::string, std::string>> headers;
  // OTEL_EXPORTER_OTLP_METRICS_HEADERS when they differ; empty: `headers`.
  std::vector<std::pair<std::string, std::string>> metrics_headers;
  // The signals this upstream takes: a user who exported only metrics gets
  // only metrics (the others stay local or go to the default upstream).
  bool logs = true;
  bool metrics = true;
  UpstreamSource source = UpstreamSource::none;
};

// The full URL a payload received on `signal_path` ("/v1/logs") goes to.
std::string signal_url(const OtelUpstream& upstream, std::string_view signal_path);
// Whether the upstream takes that signal, and with which headers.
bool takes_signal(const OtelUpstream& upstream, std::string_view signal_path);
const std::vector<std::pair<std::string, std::string>>& signal_headers(const OtelUpstream& upstream,
                                                                       std::string_view signal_path);

// {"url", "source", "header_names"}: never a header value.
nlohmann::json to_public_json(const OtelUpstream& upstream);

struct UpstreamChoice {
  std::optional<OtelUpstream> upstream;  // nullopt: forwarding is off
  std::string refused;                   // why configured headers are not used (sending waits until fixed)
};
// The default upstream: credentials first, then config.toml. A config.toml
// whose headers were refused (readable by others) gives the upstream with
// `refused` set; the forwarder then queues but does not send.
Expected<UpstreamChoice> resolve_otel_upstream(const Paths& paths);

fs::path otel_upstream_file(const Paths& paths);
// `clown otel upstream URL --header K=V`: credentials/@otel-upstream (0600, directory 0700).
Expected<void> store_otel_upstream(const Paths& paths, const OtelUpstream& upstream);
// `clown otel upstream --clear`; returns whether there was one.
Expected<bool> clear_otel_upstream(const Paths& paths);

// A run's own upstream (the exporter its user had configured).
fs::path run_upstream_file(const Paths& paths, const std::string& run_id);
Expected<void> store_run_upstream(const Paths& paths, const std::string& run_id, const OtelUpstream& upstream);
std::optional<OtelUpstream> run_upstream(const Paths& paths, const std::string& run_id);
bool has_run_upstreams(const Paths& paths);
// Deletes the upstreams of runs that ended (no telemetry/runs/<id> any more,
// written over a minute ago);
// the forwarder calls it when its queue is empty, so no queued payload needs
// them. Returns how many it deleted.
int64_t prune_finished_run_upstreams(const Paths& paths);

// "K=V" (the first '=' splits; a header name is a non-empty HTTP token).
Expected<std::pair<std::string, std::string>> parse_header_arg(std::string_view arg);
// An http:// or https:// URL, else an error saying so.
Expected<void> check_upstream_url(std::string_view url);

// The clown.run_id resource attribute of an OTLP/JSON logs or metrics
// payload ("" when it has none or is not JSON): which run's upstream applies.
std::string otlp_run_id(std::string_view body);

}  // namespace clown::ingest
