#include "webui/otel_forwarder.hpp"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <set>

#include "common/time.hpp"
#include "config/config.hpp"
#include "store/machine_id.hpp"

namespace clown::webui {

namespace {

int64_t env_ms(const char* name, int64_t fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text, text + std::strlen(text), value);
  return ec == std::errc() && *ptr == '\0' && value > 0 ? value : fallback;
}

// "https://host:4318/base" -> {"https://host:4318", "/base"}.
std::pair<std::string, std::string> split_url(const std::string& url) {
  const auto scheme = url.find("://");
  const auto slash = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  if (slash == std::string::npos) return {url, "/"};
  return {url.substr(0, slash), url.substr(slash)};
}

// OTLP/HTTP: 429, 502, 503 and 504 are worth retrying; any other 4xx/5xx
// will not succeed later (opentelemetry.io/docs/specs/otlp/#failures-1).
bool retryable(int status) { return status == 429 || status == 502 || status == 503 || status == 504 || status == 408; }

}  // namespace

ForwarderTiming forwarder_timing_from_env() {
  ForwarderTiming t;
  t.attempt_timeout_ms = env_ms("CLOWN_OTEL_TIMEOUT_MS", t.attempt_timeout_ms);
  t.backoff_min_ms = env_ms("CLOWN_OTEL_RETRY_MS", t.backoff_min_ms);
  t.backoff_max_ms = std::max(t.backoff_min_ms, env_ms("CLOWN_OTEL_RETRY_MAX_MS", t.backoff_max_ms));
  return t;
}

OtelForwarder::OtelForwarder(Paths paths, ForwarderTiming timing)
    : m_paths(std::move(paths)),
      m_timing(timing),
      m_queue(m_paths),
      m_counters(ingest::read_forward_counters(m_paths)) {
  m_thread = std::thread([this] { loop(); });
}

OtelForwarder::~OtelForwarder() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
    if (m_active) m_active->stop();
  }
  m_wake.notify_all();
  m_thread.join();
}

template <class F>
void OtelForwarder::count(F&& change) {
  std::lock_guard lock(m_counter_mutex);
  change(m_counters);
  (void)ingest::write_forward_counters(m_paths, m_counters);
}

void OtelForwarder::offer(const HttpRequest& req) {
  ingest::QueuedPayload p{req.path, req.header("content-type"), req.header("content-encoding"), "", req.body};
  if (p.content_type.empty()) p.content_type = "application/json";
  auto choice = ingest::resolve_otel_upstream(m_paths);
  const bool default_upstream = choice && choice->upstream && ingest::takes_signal(*choice->upstream, p.signal_path);
  if (!default_upstream) {
    if (!ingest::has_run_upstreams(m_paths)) return;
    p.run_id = ingest::otlp_run_id(p.body);
    if (p.run_id.empty()) return;
    const auto own = ingest::run_upstream(m_paths, p.run_id);
    if (!own || !ingest::takes_signal(*own, p.signal_path)) return;
  } else if (ingest::has_run_upstreams(m_paths)) {
    p.run_id = ingest::otlp_run_id(p.body);
  }
  ingest::QueueLimits limits;
  if (auto config = config::load_config(m_paths))
    limits = ingest::QueueLimits{config->otel.queue_max_payloads, config->otel.queue_max_bytes};
  auto dropped = m_queue.push(p, limits);
  count([&](ingest::ForwardCounters& c) {
    if (!dropped) {
      // The local copy is stored; only the forward is lost. Say so in the status.
      c.last_error = "cannot queue a payload for the upstream: " + dropped.error().message;
      c.last_error_ms = now_ms();
      ++c.dropped;
      return;
    }
    ++c.queued;
    c.dropped += *dropped;
  });
  if (!dropped) return;
  std::lock_guard lock(m_mutex);
  m_kick = true;
  m_wake.notify_all();
}

nlohmann::json OtelForwarder::status() const {
  auto st = ingest::forward_status(m_paths);
  {
    std::lock_guard lock(m_counter_mutex);
    st.counters = m_counters;
  }
  st.queue_length = m_queue.length();
  return ingest::to_json(st);
}

bool OtelForwarder::wait_for_work(int64_t until_ms) {
  std::unique_lock lock(m_mutex);
  const auto ready = [&] { return m_stop || m_kick; };
  if (until_ms == std::numeric_limits<int64_t>::max())
    m_wake.wait(lock, ready);
  else
    m_wake.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(0, until_ms - now_ms())), ready);
  m_kick = false;
  return !m_stop;
}

std::optional<ingest::OtelUpstream> OtelForwarder::upstream_for(const ingest::QueuedPayload& p,
                                                                std::string& why_not) const {
  if (!p.run_id.empty())
    if (auto own = ingest::run_upstream(m_paths, p.run_id); own && ingest::takes_signal(*own, p.signal_path))
      return own;
  auto choice = ingest::resolve_otel_upstream(m_paths);
  if (!choice) {
    why_not = choice.error().message;
    return std::nullopt;
  }
  if (!choice->upstream) {
    why_not = "no upstream is configured any more ([otel] upstream in config.toml or `clown otel upstream`)";
    return std::nullopt;
  }
  if (!choice->refused.empty()) {
    why_not = choice->refused;
    return std::nullopt;
  }
  return choice->upstream;
}

OtelForwarder::Outcome OtelForwarder::send(const ingest::QueuedPayload& p, const ingest::OtelUpstream& upstream,
                                           std::string& error) {
  const std::string url = ingest::signal_url(upstream, p.signal_path);
  const auto [origin, path] = split_url(url);
  httplib::Client client(origin);
  if (!client.is_valid()) {
    error = "the upstream URL '" + url + "' is not valid";
    return Outcome::retry;
  }
  const auto timeout = std::chrono::milliseconds(m_timing.attempt_timeout_ms);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  // The receiver got the body decoded; gzip is sent gzip'd again (the
  // encoding OTLP exporters use). Other encodings go out as identity.
  client.set_compress(p.content_encoding == "gzip");
  httplib::Headers headers;
  for (const auto& [k, v] : ingest::signal_headers(upstream, p.signal_path)) headers.emplace(k, v);
  // A central clownd stores the payload under this machine (docs/api.md#team).
  if (const auto machine = store::machine_id(m_paths)) headers.emplace("X-Clown-Machine-Id", *machine);
  {
    std::lock_guard lock(m_mutex);
    if (m_stop) return Outcome::retry;
    m_active = &client;
  }
  auto res = client.Post(path, headers, p.body, p.content_type);
  {
    std::lock_guard lock(m_mutex);
    m_active = nullptr;
  }
  if (!res) {
    error = url + ": " + httplib::to_string(res.error());
    return Outcome::retry;
  }
  if (res->status >= 200 && res->status < 300) return Outcome::delivered;
  error = url + " answered HTTP " + std::to_string(res->status);
  return retryable(res->status) || res->status >= 500 ? Outcome::retry : Outcome::rejected;
}

namespace {

std::string upstream_key(const std::optional<ingest::OtelUpstream>& u) {
  return u ? u->url + "\n" + u->logs_url + "\n" + u->metrics_url
           : std::string();  // "": none applies (the error says why)
}

}  // namespace

OtelForwarder::Outcome OtelForwarder::attempt(const std::string& id, const ingest::QueuedPayload& payload,
                                              const std::optional<ingest::OtelUpstream>& upstream, std::string& error) {
  const Outcome outcome = upstream ? send(payload, *upstream, error) : Outcome::retry;
  if (outcome != Outcome::retry) {
    m_queue.remove(id);
    m_run_of.erase(id);
  }
  count([&](ingest::ForwardCounters& c) {
    if (outcome == Outcome::delivered) {
      ++c.delivered;
      c.last_success_ms = now_ms();
      return;
    }
    if (upstream) ++c.failed_attempts;
    if (outcome == Outcome::rejected) ++c.dropped;
    c.last_error = error;
    c.last_error_ms = now_ms();
  });
  return outcome;
}

std::pair<int64_t, bool> OtelForwarder::pass() {
  int64_t next_due = std::numeric_limits<int64_t>::max();
  bool progressed = false;
  std::set<std::string> held;  // upstreams that wait: their newer payloads wait too, in order
  std::map<std::string, std::optional<ingest::OtelUpstream>> by_run;
  std::map<std::string, std::string> why_not;
  for (const auto& id : m_queue.ids()) {
    {
      std::lock_guard lock(m_mutex);
      if (m_stop) break;
    }
    std::optional<ingest::QueuedPayload> payload;
    auto run = m_run_of.find(id);
    if (run == m_run_of.end()) {
      auto read = m_queue.read(id);
      if (!read) {
        m_queue.remove(id);
        count([&](ingest::ForwardCounters& c) {
          ++c.dropped;
          c.last_error = read.error().message;
          c.last_error_ms = now_ms();
        });
        continue;
      }
      payload = std::move(*read);
      run = m_run_of.emplace(id, std::pair{payload->run_id, payload->signal_path}).first;
    }
    const std::string route = run->second.first + "\n" + run->second.second;
    if (!by_run.count(route)) {
      ingest::QueuedPayload probe;
      probe.run_id = run->second.first;
      probe.signal_path = run->second.second;
      by_run[route] = upstream_for(probe, why_not[route]);
    }
    const auto& upstream = by_run[route];
    const std::string key = upstream_key(upstream);
    if (held.count(key)) continue;
    Backoff& b = m_backoff[key];
    if (b.next_ms > now_ms()) {
      held.insert(key);
      next_due = std::min(next_due, b.next_ms);
      continue;
    }
    if (!payload) {
      auto read = m_queue.read(id);
      if (!read) continue;  // removed meanwhile (a full queue drops its oldest)
      payload = std::move(*read);
    }
    std::string error = why_not[route];
    if (attempt(id, *payload, upstream, error) != Outcome::retry) {
      progressed = true;
      b = Backoff{};
      continue;
    }
    b.delay_ms = b.delay_ms == 0 ? m_timing.backoff_min_ms : std::min(b.delay_ms * 2, m_timing.backoff_max_ms);
    b.next_ms = now_ms() + b.delay_ms;
    held.insert(key);
    next_due = std::min(next_due, b.next_ms);
  }
  return {next_due, progressed};
}

void OtelForwarder::loop() {
  for (;;) {
    if (m_queue.length() == 0) {
      // Nothing queued needs the upstreams of runs that ended any more.
      ingest::prune_finished_run_upstreams(m_paths);
      m_run_of.clear();
      if (!wait_for_work(std::numeric_limits<int64_t>::max())) return;
      continue;
    }
    const auto [next_due, progressed] = pass();
    {
      std::lock_guard lock(m_mutex);
      if (m_stop) return;
    }
    if (progressed) continue;
    if (!wait_for_work(next_due)) return;
  }
}

}  // namespace clown::webui
