#include "ingest/otel_queue.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <vector>

#include "common/file_io.hpp"
#include "common/time.hpp"

namespace clown::ingest {

namespace {

constexpr std::string_view k_suffix = ".otlp";

bool is_payload_file(const fs::path& file) {
  const std::string name = file.filename().string();
  return name.size() > k_suffix.size() && name[0] != '.' &&
         name.compare(name.size() - k_suffix.size(), k_suffix.size(), k_suffix) == 0;
}

// Names sort in arrival order: milliseconds, then a sequence number.
std::string new_id(uint64_t seq) {
  char id[48];
  std::snprintf(id, sizeof id, "%016" PRId64 "-%08" PRIu64, now_ms(), seq);
  return id;
}

std::string time_or_empty(int64_t ms) { return ms > 0 ? format_iso8601_ms(ms) : std::string(); }

}  // namespace

fs::path otel_queue_dir(const Paths& paths) { return paths.telemetry_dir() / "otel-queue"; }
fs::path otel_forward_state_file(const Paths& paths) { return paths.telemetry_dir() / "otel-forward.json"; }

OtelQueue::OtelQueue(Paths paths) : m_paths(std::move(paths)) {
  std::error_code ec;
  std::vector<std::pair<std::string, int64_t>> found;
  for (const auto& entry : fs::directory_iterator(otel_queue_dir(m_paths), ec)) {
    if (!is_payload_file(entry.path())) continue;
    const auto size = entry.file_size(ec);
    found.emplace_back(entry.path().stem().string(), ec ? 0 : static_cast<int64_t>(size));
  }
  std::sort(found.begin(), found.end());
  for (auto& f : found) {
    m_bytes += f.second;
    m_entries.push_back(std::move(f));
  }
}

fs::path OtelQueue::file_of(const std::string& id) const {
  return otel_queue_dir(m_paths) / (id + std::string(k_suffix));
}

Expected<int64_t> OtelQueue::push(const QueuedPayload& p, const QueueLimits& limits) {
  const nlohmann::json head{{"v", 1},
                            {"path", p.signal_path},
                            {"content_type", p.content_type},
                            {"content_encoding", p.content_encoding},
                            {"run_id", p.run_id}};
  const std::string content = head.dump() + "\n" + p.body;
  const auto size = static_cast<int64_t>(content.size());
  std::lock_guard lock(m_mutex);
  TRY(ensure_dir(otel_queue_dir(m_paths), 0700));
  const std::string id = new_id(m_seq++);
  // 0600: payloads carry prompts' metadata (and the user's email) like the spools.
  TRY(write_file_atomic(file_of(id), content, 0600));
  m_entries.emplace_back(id, size);
  m_bytes += size;
  int64_t dropped = 0;
  while (m_entries.size() > 1 &&
         (static_cast<int64_t>(m_entries.size()) > limits.max_payloads || m_bytes > limits.max_bytes)) {
    std::error_code ec;
    fs::remove(file_of(m_entries.front().first), ec);
    m_bytes -= m_entries.front().second;
    m_entries.pop_front();
    ++dropped;
  }
  return dropped;
}

std::optional<std::string> OtelQueue::oldest() const {
  std::lock_guard lock(m_mutex);
  if (m_entries.empty()) return std::nullopt;
  return m_entries.front().first;
}

std::vector<std::string> OtelQueue::ids() const {
  std::lock_guard lock(m_mutex);
  std::vector<std::string> out;
  out.reserve(m_entries.size());
  for (const auto& e : m_entries) out.push_back(e.first);
  return out;
}

Expected<QueuedPayload> OtelQueue::read(const std::string& id) const {
  TRY_ASSIGN(const auto text, read_file(file_of(id)));
  const auto nl = text.find('\n');
  const auto head = nlohmann::json::parse(text.substr(0, nl == std::string::npos ? 0 : nl), nullptr, false);
  if (nl == std::string::npos || !head.is_object() || !head.contains("path") || !head["path"].is_string())
    return fail(file_of(id).string() + " is not a queued OTLP payload (no header line)");
  // A hand-edited header must not stop the forwarder: wrong types read as absent.
  const auto text_of = [&](const char* key, const char* fallback) {
    return head.contains(key) && head[key].is_string() ? head[key].get<std::string>() : std::string(fallback);
  };
  QueuedPayload p;
  p.signal_path = head["path"].get<std::string>();
  p.content_type = text_of("content_type", "application/json");
  p.content_encoding = text_of("content_encoding", "");
  p.run_id = text_of("run_id", "");
  p.body = text.substr(nl + 1);
  return p;
}

void OtelQueue::remove(const std::string& id) {
  std::lock_guard lock(m_mutex);
  std::error_code ec;
  fs::remove(file_of(id), ec);
  const auto it = std::find_if(m_entries.begin(), m_entries.end(), [&](const auto& e) { return e.first == id; });
  if (it == m_entries.end()) return;
  m_bytes -= it->second;
  m_entries.erase(it);
}

int64_t OtelQueue::length() const {
  std::lock_guard lock(m_mutex);
  return static_cast<int64_t>(m_entries.size());
}

int64_t OtelQueue::bytes() const {
  std::lock_guard lock(m_mutex);
  return m_bytes;
}

int64_t otel_queue_length(const Paths& paths) {
  std::error_code ec;
  int64_t n = 0;
  for (const auto& entry : fs::directory_iterator(otel_queue_dir(paths), ec))
    if (is_payload_file(entry.path())) ++n;
  return n;
}

ForwardCounters read_forward_counters(const Paths& paths) {
  ForwardCounters c;
  auto text = read_file(otel_forward_state_file(paths));
  if (!text) return c;
  const auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return c;
  const auto number = [&](const char* key) {
    return j.contains(key) && j[key].is_number_integer() ? j[key].get<int64_t>() : 0;
  };
  c.queued = number("queued");
  c.delivered = number("delivered");
  c.failed_attempts = number("failed_attempts");
  c.dropped = number("dropped");
  c.last_error_ms = number("last_error_ms");
  c.last_success_ms = number("last_success_ms");
  if (j.contains("last_error") && j["last_error"].is_string()) c.last_error = j["last_error"].get<std::string>();
  return c;
}

Expected<void> write_forward_counters(const Paths& paths, const ForwardCounters& c) {
  const nlohmann::json j{{"queued", c.queued},
                         {"delivered", c.delivered},
                         {"failed_attempts", c.failed_attempts},
                         {"dropped", c.dropped},
                         {"last_error", c.last_error},
                         {"last_error_ms", c.last_error_ms},
                         {"last_success_ms", c.last_success_ms}};
  TRY(ensure_dir(paths.telemetry_dir(), 0700));
  // Derived counters: a crash may lose the last update, never the file.
  return write_file_atomic(otel_forward_state_file(paths), j.dump() + "\n", 0600, Durability::atomic_only);
}

ForwardStatus forward_status(const Paths& paths) {
  ForwardStatus st;
  if (auto choice = resolve_otel_upstream(paths)) {
    st.upstream = choice->upstream;
    st.upstream_error = choice->refused;
  } else {
    st.upstream_error = choice.error().message;
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths.credentials_dir() / "@otel-runs", ec)) {
    (void)entry;
    ++st.run_upstreams;
  }
  st.queue_length = otel_queue_length(paths);
  st.counters = read_forward_counters(paths);
  return st;
}

nlohmann::json to_json(const ForwardStatus& st) {
  const auto& c = st.counters;
  return {{"upstream", st.upstream ? to_public_json(*st.upstream) : nlohmann::json(nullptr)},
          {"upstream_error", st.upstream_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(st.upstream_error)},
          {"run_upstreams", st.run_upstreams},
          {"queue_length", st.queue_length},
          {"queued", c.queued},
          {"delivered", c.delivered},
          {"failed_attempts", c.failed_attempts},
          {"dropped", c.dropped},
          {"last_error", c.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.last_error)},
          {"last_error_at", c.last_error_ms > 0 ? nlohmann::json(time_or_empty(c.last_error_ms)) : nullptr},
          {"last_success_at", c.last_success_ms > 0 ? nlohmann::json(time_or_empty(c.last_success_ms)) : nullptr}};
}

}  // namespace clown::ingest
