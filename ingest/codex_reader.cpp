#include "ingest/codex_reader.hpp"

#include <string.h>

#include <algorithm>
#include <optional>
#include <system_error>
#include <unordered_set>

#include <simdjson.h>

#include "common/time.hpp"
#include "ingest/log_text.hpp"

namespace clown::ingest {

namespace {

namespace dom = simdjson::dom;
namespace fs = std::filesystem;

// One usage object of a rollout (token_usage_record.usage, token_count's
// total_token_usage / last_token_usage): the Responses API usage copied field
// by field, so cached input and cache writes are parts of input_tokens and
// reasoning is a part of output_tokens (tests/data/codex/README.md).
struct CodexUsage {
  int64_t input = 0, cached = 0, cache_write = 0, output = 0, reasoning = 0;
  bool operator==(const CodexUsage&) const = default;
  CodexUsage operator-(const CodexUsage& o) const {
    return {input - o.input, cached - o.cached, cache_write - o.cache_write, output - o.output,
            reasoning - o.reasoning};
  }
  bool negative() const { return input < 0 || cached < 0 || cache_write < 0 || output < 0 || reasoning < 0; }
  bool zero() const { return *this == CodexUsage{}; }
};

// A count: absent or null is 0 when optional; anything but a non-negative
// integer makes the usage unreadable.
bool read_count(dom::element usage, std::string_view key, bool required, int64_t& out) {
  dom::element v;
  if (usage[key].get(v) || v.is_null()) {
    out = 0;
    return !required;
  }
  if (v.get_int64().get(out)) return false;
  return out >= 0;
}

bool read_usage(dom::element u, CodexUsage& out) {
  if (!u.is_object()) return false;
  return read_count(u, "input_tokens", true, out.input) && read_count(u, "output_tokens", true, out.output) &&
         read_count(u, "cached_input_tokens", false, out.cached) &&
         read_count(u, "cache_write_input_tokens", false, out.cache_write) &&
         read_count(u, "reasoning_output_tokens", false, out.reasoning);
}

// Cached input and cache writes are billed at their own prices: they leave
// the input count. Reasoning is billed as output and stays in it.
store::TokenCounts to_counts(const CodexUsage& u) {
  store::TokenCounts t;
  t.cache_read = std::min(u.cached, u.input);
  t.cache_write_5m = std::min(u.cache_write, u.input - t.cache_read);
  t.input = u.input - t.cache_read - t.cache_write_5m;
  t.output = u.output;
  return t;
}

std::string_view string_or(dom::element e, std::string_view key, std::string_view fallback = {}) {
  std::string_view s;
  if (e[key].get(s)) return fallback;
  return s;
}

// The top-level "type" of a rollout line without parsing it: Codex writes
// {"timestamp":…,"ordinal":…,"type":"…","payload":…}, so the first "type"
// key is the line's own. Empty when it is not near the start (parse then).
std::string_view quick_type(std::string_view line) {
  static constexpr std::string_view k_key = "\"type\":\"";
  const size_t at = line.substr(0, 256).find(k_key);
  if (at == std::string_view::npos) return {};
  const size_t start = at + k_key.size();
  const size_t end = line.find('"', start);
  return end == std::string_view::npos ? std::string_view{} : line.substr(start, end - start);
}

bool wanted(std::string_view type) {
  return type == "session_meta" || type == "turn_context" || type == "token_usage_record" || type == "event_msg";
}

class RolloutParser {
 public:
  explicit RolloutParser(std::string_view fallback_thread) : m_thread(fallback_thread) {}

  void line(std::string_view text, bool complete, int64_t index) {
    ++m_scan.stats.lines;
    const std::string_view type = quick_type(text);
    if (!type.empty() && !wanted(type)) return;
    if (type == "event_msg" && !memmem(text.data(), text.size(), "\"token_count\"", 13)) return;
    dom::element doc;
    if (m_parser.parse(text.data(), text.size(), false).get(doc) || !doc.is_object()) {
      // A last line without its newline is still being written: read next time.
      if (complete) ++m_scan.stats.skipped_lines;
      return;
    }
    std::string_view ts;
    m_ts = doc["timestamp"].get(ts) ? std::nullopt : parse_iso8601_ms(ts);
    int64_t ordinal = index;
    if (doc["ordinal"].get(ordinal)) ordinal = index;  // older versions write none
    dom::element payload;
    if (doc["payload"].get(payload) || !payload.is_object()) return;
    const std::string_view kind = string_or(doc, "type");
    if (kind == "session_meta")
      meta(payload);
    else if (kind == "turn_context")
      turn_context(payload);
    else if (kind == "token_usage_record")
      usage_record(payload, ordinal);
    else if (kind == "event_msg" && string_or(payload, "type") == "token_count")
      token_count(payload, ordinal);
  }

  RolloutScan finish() {
    m_scan.thread_id = m_thread;
    return std::move(m_scan);
  }

 private:
  void meta(dom::element p) {
    if (m_seen_meta) return;
    m_seen_meta = true;
    m_thread = std::string(string_or(p, "id", m_thread));
    m_session = std::string(string_or(p, "session_id", m_thread));
    m_cwd = std::string(string_or(p, "cwd"));
    dom::element source;
    const bool subagent = !p["source"].get(source) && source.is_object();
    m_child = subagent || !string_or(p, "forked_from_id").empty();
    auto created = parse_iso8601_ms(string_or(p, "timestamp"));
    m_created_ms = created ? *created : m_ts.value_or(0);
  }

  void turn_context(dom::element p) {
    if (auto model = string_or(p, "model"); !model.empty()) m_model = std::string(model);
    if (auto cwd = string_or(p, "cwd"); !cwd.empty()) m_cwd = std::string(cwd);
  }

  void usage_record(dom::element p, int64_t ordinal) {
    dom::element u;
    CodexUsage usage;
    if (!m_ts || p["usage"].get(u) || !read_usage(u, usage)) {
      ++m_scan.stats.skipped_lines;
      return;
    }
    m_record_since_count = true;
    const std::string_view response = string_or(p, "response_id");
    const std::string thread(string_or(p, "thread_id", m_thread));
    const std::string session(string_or(p, "session_id", m_session.empty() ? thread : m_session));
    add(response.empty() ? "codex:" + thread + ":" + std::to_string(ordinal) : "req:" + std::string(response), usage,
        thread, session);
  }

  void token_count(dom::element p, int64_t ordinal) {
    dom::element info, total_e, last_e;
    if (p["info"].get(info) || info.is_null()) return;  // a turn interrupted before any usage
    CodexUsage total, last;
    if (!m_ts || info["total_token_usage"].get(total_e) || !read_usage(total_e, total)) {
      ++m_scan.stats.skipped_lines;
      return;
    }
    if (info["last_token_usage"].get(last_e) || !read_usage(last_e, last)) last = {};
    // Lines older than a fork's or subagent's own start replay its parent.
    if (m_child && *m_ts < m_created_ms) return;
    if (m_previous && *m_previous == total) return;  // re-emitted, unchanged
    const CodexUsage base = m_previous ? *m_previous : total - last;
    m_previous = total;
    const bool covered = m_record_since_count;
    m_record_since_count = false;
    // token_usage_record lines already counted this step (0.169.0+).
    if (covered) return;
    const CodexUsage delta = total - base;
    if (delta.negative() || delta.zero()) return;  // a total that went down starts a new baseline
    const std::string session = m_session.empty() ? m_thread : m_session;
    add("codex:" + m_thread + ":" + std::to_string(ordinal), delta, m_thread, session);
  }

  void add(std::string key, const CodexUsage& usage, const std::string& thread, const std::string& session) {
    // docs/accuracy.md#token-range: a step's counts out of range are not usage.
    if (!to_counts(usage).in_range()) {
      ++m_scan.stats.skipped_lines;
      return;
    }
    ++m_scan.stats.usage_lines;
    if (!m_keys.insert(key).second) {
      ++m_scan.stats.duplicates;
      return;
    }
    store::RequestUsage r;
    r.key = std::move(key);
    r.ts_ms = *m_ts;
    r.session_id = session;
    r.model = m_model.empty() ? "unknown" : m_model;
    r.cwd = m_cwd;
    r.tokens = to_counts(usage);
    // A subagent's thread carries its root session's id.
    r.sidechain = thread != session;
    if (r.sidechain) r.subagent = thread;
    m_scan.requests.push_back(std::move(r));
  }

  dom::parser m_parser;
  RolloutScan m_scan;
  std::string m_thread, m_session, m_cwd, m_model;
  std::unordered_set<std::string> m_keys;
  std::optional<int64_t> m_ts;
  std::optional<CodexUsage> m_previous;
  int64_t m_created_ms = 0;
  bool m_seen_meta = false, m_child = false, m_record_since_count = false;
};

// rollout-<local time>-<thread id>.jsonl[.zst]: the last 36 characters of the stem.
std::string thread_of_file(const fs::path& file) {
  std::string stem = file.filename().string();
  for (const char* ext : {".zst", ".jsonl"})
    if (stem.size() > std::strlen(ext) && stem.ends_with(ext)) stem.resize(stem.size() - std::strlen(ext));
  return stem.size() > 36 ? stem.substr(stem.size() - 36) : stem;
}

bool is_rollout(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.starts_with("rollout-") && (name.ends_with(".jsonl") || name.ends_with(".jsonl.zst"));
}

}  // namespace

RolloutScan parse_codex_rollout(std::string_view text, std::string_view fallback_thread) {
  RolloutParser parser(fallback_thread);
  int64_t index = 0;
  for_each_line(text, [&](std::string_view line, bool complete) { parser.line(line, complete, index++); });
  return parser.finish();
}

Expected<RolloutScan> scan_codex_rollout(const fs::path& file) {
  TRY_ASSIGN(const auto text, LogText::read(file));
  auto scan = parse_codex_rollout(text.text(), thread_of_file(file));
  scan.bytes_read = text.stored_bytes();
  return scan;
}

std::vector<std::string> list_codex_rollouts(const fs::path& codex_home) {
  std::vector<std::string> out;
  std::error_code ec;
  auto add = [&](const fs::path& p) {
    if (!is_rollout(p) || !fs::is_regular_file(p, ec)) return;
    if (p.extension() == ".zst" && fs::exists(fs::path(p).replace_extension(""), ec)) return;
    out.push_back(p.string());
  };
  const auto sessions = codex_home / "sessions";
  for (fs::recursive_directory_iterator it(sessions, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec))
    add(it->path());
  ec.clear();
  for (fs::directory_iterator it(codex_home / "archived_sessions", ec), end; !ec && it != end; it.increment(ec))
    add(it->path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace clown::ingest
