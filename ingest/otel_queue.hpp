#pragma once
// clownd's bounded on-disk queue of OTLP payloads waiting for the upstream
// collector (docs/file-formats.md#otel-queue): one file per payload in
// telemetry/otel-queue/, written atomically and fsync'd before the receiver
// answers, so a daemon restart loses nothing; past the configured count or
// bytes the oldest are dropped (and counted). The forwarder's counters live
// beside it in telemetry/otel-forward.json, so `clown daemon status` reads
// them without asking the daemon.
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "ingest/otel_upstream.hpp"

namespace clown::ingest {

fs::path otel_queue_dir(const Paths& paths);
fs::path otel_forward_state_file(const Paths& paths);

struct QueuedPayload {
  std::string signal_path;       // "/v1/logs" or "/v1/metrics"
  std::string content_type;      // as received
  std::string content_encoding;  // as received ("" none); `body` is what it decodes to
  std::string run_id;            // the payload's clown.run_id ("" none): picks a run's own upstream
  std::string body;
};

struct QueueLimits {
  int64_t max_payloads = 10000;
  int64_t max_bytes = 64ll << 20;
};

// One process owns the queue (the daemon holds its lock); the methods are
// safe to call from the receiver's workers and the forwarder at once.
class OtelQueue {
 public:
  explicit OtelQueue(Paths paths);  // reads what earlier runs left (oldest first)
  // Stores the payload durably; drops the oldest beyond `limits` (the new one
  // is always kept) and returns how many were dropped.
  Expected<int64_t> push(const QueuedPayload& payload, const QueueLimits& limits);
  std::optional<std::string> oldest() const;
  std::vector<std::string> ids() const;  // oldest first
  Expected<QueuedPayload> read(const std::string& id) const;
  void remove(const std::string& id);
  int64_t length() const;
  int64_t bytes() const;

 private:
  fs::path file_of(const std::string& id) const;
  Paths m_paths;
  mutable std::mutex m_mutex;
  std::deque<std::pair<std::string, int64_t>> m_entries;  // id, file size; oldest first
  int64_t m_bytes = 0;
  uint64_t m_seq = 0;
};

// The payloads in the queue directory now (for /metrics and `daemon status`).
int64_t otel_queue_length(const Paths& paths);

// Since the queue was first used (they survive restarts).
struct ForwardCounters {
  int64_t queued = 0;           // payloads put in the queue
  int64_t delivered = 0;        // accepted by the upstream (2xx)
  int64_t failed_attempts = 0;  // sends that failed (refused, timed out, non-2xx)
  int64_t dropped = 0;          // oldest payloads dropped from a full queue, or refused for good (4xx)
  std::string last_error;       // of the last failed attempt; header values never appear in it
  int64_t last_error_ms = 0;
  int64_t last_success_ms = 0;
};
ForwardCounters read_forward_counters(const Paths& paths);
Expected<void> write_forward_counters(const Paths& paths, const ForwardCounters& counters);

struct ForwardStatus {
  std::optional<OtelUpstream> upstream;  // the default upstream (header values never shown)
  std::string upstream_error;            // why it could not be read / why headers are refused
  int64_t run_upstreams = 0;             // runs with their own upstream
  int64_t queue_length = 0;
  ForwardCounters counters;
};
// From the files alone: what `clown daemon status` and GET /api/otel/status show.
ForwardStatus forward_status(const Paths& paths);
nlohmann::json to_json(const ForwardStatus& status);

}  // namespace clown::ingest
