#pragma once
// The daemon's OTLP/HTTP receiver (POST /v1/logs, /v1/metrics; JSON
// encoding, the protocol clown asks Claude Code for): api_request events go
// to the run spools and the inbox (ingest/otel_sink.hpp) before the answer,
// and a background thread drains the inbox into usage.db, so a busy database
// never delays an export (Claude Code drops events an export does not
// deliver by the time it exits). Accepted payloads are then offered to the
// forwarder, which only queues them for the upstream collector.
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "common/paths.hpp"
#include "ingest/otel.hpp"
#include "registry/pricing_table.hpp"
#include "webui/http_types.hpp"
#include "webui/otel_forwarder.hpp"

namespace clown::webui {

class OtlpReceiver {
 public:
  OtlpReceiver(Paths paths, std::string token);
  ~OtlpReceiver();
  OtlpReceiver(const OtlpReceiver&) = delete;
  OtlpReceiver& operator=(const OtlpReceiver&) = delete;

  // The export's x-clown-otel-token header is the daemon's OTel token.
  bool authorized(const HttpRequest& request) const;
  // `remote`: another machine's payload, from the team listener (webui/team_listener.hpp).
  HttpResponse logs(const HttpRequest& request, const ingest::RemoteOrigin* remote = nullptr);
  HttpResponse metrics(const HttpRequest& request, const ingest::RemoteOrigin* remote = nullptr);
  // GET /api/otel/status (webui/otel_forwarder.hpp).
  nlohmann::json forward_status() const { return m_forwarder.status(); }

 private:
  void drain_loop();
  Paths m_paths;
  std::string m_token;
  registry::PricingTable m_prices;  // for the 5m/1h split of events without it
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_pending = true;  // drain once at start: the inbox may hold events from before a restart
  bool m_stop = false;
  std::thread m_drainer;
  // Declared last: destroyed first, so its thread stops before the rest.
  OtelForwarder m_forwarder;
};

}  // namespace clown::webui
