#include "webui/otlp_receiver.hpp"

#include "ingest/otel_sink.hpp"

namespace clown::webui {

namespace {

// OTLP/HTTP answers failures with a google.rpc.Status; 3 = INVALID_ARGUMENT,
// 16 = UNAUTHENTICATED.
HttpResponse otlp_status(int http_status, int code, const std::string& message) {
  HttpResponse res;
  res.status = http_status;
  res.body = nlohmann::json{{"code", code}, {"message", message}}.dump();
  return res;
}

// An empty Export*ServiceResponse: everything was accepted.
HttpResponse accepted() {
  HttpResponse res;
  res.body = "{}";
  return res;
}

bool is_json(const HttpRequest& req) {
  const std::string type = req.header("content-type");
  return type.empty() || type.rfind("application/json", 0) == 0;
}

}  // namespace

OtlpReceiver::OtlpReceiver(Paths paths, std::string token)
    : m_paths(std::move(paths)),
      m_token(std::move(token)),
      m_prices(registry::load_pricing(m_paths).pricing.table),
      m_forwarder(m_paths, forwarder_timing_from_env()) {
  m_drainer = std::thread([this] { drain_loop(); });
}

OtlpReceiver::~OtlpReceiver() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  m_drainer.join();
}

bool OtlpReceiver::authorized(const HttpRequest& req) const {
  const std::string got = req.header(ingest::k_otel_token_header);
  if (m_token.empty() || got.size() != m_token.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < got.size(); ++i) diff |= static_cast<unsigned char>(got[i] ^ m_token[i]);
  return diff == 0;
}

HttpResponse OtlpReceiver::logs(const HttpRequest& req, const ingest::RemoteOrigin* remote) {
  if (!is_json(req))
    return otlp_status(415, 3, "clown's receiver takes OTLP/HTTP JSON: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json");
  auto receipt = ingest::receive_otlp_logs(m_paths, req.body, m_prices, remote);
  if (!receipt) return otlp_status(400, 3, receipt.error().message);
  if (receipt->inboxed > 0) {
    std::lock_guard lock(m_mutex);
    m_pending = true;
    m_wake.notify_one();
  }
  m_forwarder.offer(req);
  return accepted();
}

HttpResponse OtlpReceiver::metrics(const HttpRequest& req, const ingest::RemoteOrigin* remote) {
  if (!is_json(req))
    return otlp_status(415, 3, "clown's receiver takes OTLP/HTTP JSON: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json");
  auto filed = ingest::receive_otlp_metrics(m_paths, req.body, remote);
  if (!filed) return otlp_status(400, 3, filed.error().message);
  if (*filed > 0) {
    std::lock_guard lock(m_mutex);
    m_pending = true;
    m_wake.notify_one();
  }
  m_forwarder.offer(req);
  return accepted();
}

void OtlpReceiver::drain_loop() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_wake.wait(lock, [&] { return m_stop || m_pending; });
    const bool stop = m_stop, pending = m_pending;
    m_pending = false;
    lock.unlock();
    // A failure (a locked database) leaves the events in the inbox for the
    // next export, restart or import. Stopping drains what is left first.
    if (pending) {
      (void)ingest::drain_otel_inbox(m_paths);
      (void)ingest::drain_otel_metrics_inbox(m_paths);
    }
    if (stop) return;
    lock.lock();
  }
}

}  // namespace clown::webui
