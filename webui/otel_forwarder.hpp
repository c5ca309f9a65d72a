#pragma once
// Forwards the OTLP payloads clownd's receiver accepted to the upstream
// collector (docs/api.md#otlp-forward), byte for byte: same body, same
// Content-Type and Content-Encoding, the upstream's headers added, the
// signal's path appended to its base URL as OTLP/HTTP exporters do. The
// receiver only queues (ingest/otel_queue.hpp) and answers; one thread sends
// the oldest payload, retrying a failed or slow upstream with exponential
// backoff, so forwarding never delays or breaks the local copy.
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "common/paths.hpp"
#include "ingest/otel_queue.hpp"
#include "webui/http_types.hpp"

namespace httplib {
class Client;
}

namespace clown::webui {

struct ForwarderTiming {
  int64_t attempt_timeout_ms = 10000;  // connect, and then each read/write, per attempt
  int64_t backoff_min_ms = 1000;       // the first retry waits this long, each next one twice as long
  int64_t backoff_max_ms = 5 * 60 * 1000;
};
// Tests shorten the timing with CLOWN_OTEL_TIMEOUT_MS, CLOWN_OTEL_RETRY_MS and
// CLOWN_OTEL_RETRY_MAX_MS (milliseconds).
ForwarderTiming forwarder_timing_from_env();

class OtelForwarder {
 public:
  OtelForwarder(Paths paths, ForwarderTiming timing);
  ~OtelForwarder();  // an attempt in flight is cut off; its payload stays queued
  OtelForwarder(const OtelForwarder&) = delete;
  OtelForwarder& operator=(const OtelForwarder&) = delete;

  // After the local copy was stored: queues the payload when an upstream
  // applies to it (the default one, or its run's). Never touches the network.
  void offer(const HttpRequest& request);
  // GET /api/otel/status: never a header value.
  nlohmann::json status() const;

 private:
  enum class Outcome { delivered, retry, rejected };
  // Each upstream retries on its own schedule: one that is down holds back
  // only its own payloads (in order), never another upstream's.
  struct Backoff {
    int64_t next_ms = 0;  // no attempt before
    int64_t delay_ms = 0;
  };
  void loop();
  // One pass over the queue, oldest first; returns when the next attempt is
  // due (INT64_MAX: nothing waits) and whether anything left the queue.
  std::pair<int64_t, bool> pass();
  Outcome attempt(const std::string& id, const ingest::QueuedPayload& payload,
                  const std::optional<ingest::OtelUpstream>& upstream, std::string& error);
  bool wait_for_work(int64_t until_ms);  // false when stopping
  Outcome send(const ingest::QueuedPayload& payload, const ingest::OtelUpstream& upstream, std::string& error);
  std::optional<ingest::OtelUpstream> upstream_for(const ingest::QueuedPayload& payload, std::string& why_not) const;
  template <class F>
  void count(F&& change);

  Paths m_paths;
  ForwarderTiming m_timing;
  ingest::OtelQueue m_queue;
  mutable std::mutex m_counter_mutex;
  ingest::ForwardCounters m_counters;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  bool m_kick = false;
  httplib::Client* m_active = nullptr;  // the attempt in flight, cut off by the destructor
  // Forwarder thread only: per upstream, and each queued payload's run id
  // and signal (read once, so a held-back upstream's payloads are not re-read
  // every pass).
  std::map<std::string, Backoff> m_backoff;
  std::unordered_map<std::string, std::pair<std::string, std::string>> m_run_of;  // run id, signal path
  std::thread m_thread;
};

}  // namespace clown::webui
