#include "ingest/transcript_parser.hpp"

#include <string.h>

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <simdjson.h>

#include "common/time.hpp"

namespace clown::ingest {

namespace od = simdjson::ondemand;

bool more_tokens(const store::TokenCounts& candidate, const store::TokenCounts& held) {
  if (candidate.total() != held.total()) return candidate.total() > held.total();
  return candidate.web_search > held.web_search;
}

bool RequestSet::add(store::RequestUsage&& request) {
  if ((m_requests.size() + 1) * 2 > m_slots.size()) grow();
  const size_t mask = m_slots.size() - 1;
  for (size_t i = std::hash<std::string_view>{}(request.key) & mask;; i = (i + 1) & mask) {
    const uint32_t slot = m_slots[i];
    if (slot == 0) {
      m_slots[i] = static_cast<uint32_t>(m_requests.size() + 1);
      m_requests.push_back(std::move(request));
      return true;
    }
    auto& held = m_requests[slot - 1];
    if (held.key == request.key) {
      if (more_tokens(request.tokens, held.tokens)) held = std::move(request);
      return false;
    }
  }
}

void RequestSet::grow() {
  std::vector<uint32_t> slots(std::max<size_t>(64, m_slots.size() * 2));
  const size_t mask = slots.size() - 1;
  for (size_t r = 0; r < m_requests.size(); ++r) {
    size_t i = std::hash<std::string_view>{}(m_requests[r].key) & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = static_cast<uint32_t>(r + 1);
  }
  m_slots.swap(slots);
}

namespace {

enum class LineKind { request, not_request, synthetic, bad };

// A field's key: its raw bytes when they hold no escape (Claude Code writes
// none, and unescaping copies every key of every usage line), else unescaped.
bool key_of(od::field& field, std::string_view& out) {
  const char* raw = field.key().raw();
  const char* q = raw;
  while (*q != '"' && *q != '\\') ++q;  // a key always ends at a quote
  if (*q == '"') {
    out = std::string_view(raw, static_cast<size_t>(q - raw));
    return true;
  }
  return !field.unescaped_key().get(out);
}

// A token count: an integer in [0, 10^9] (docs/accuracy.md#token-range).
// Absent or null optional counts are 0; anything else (string, negative,
// fraction, 2^63-1) makes the line unreadable.
bool read_count(od::value& v, int64_t& out) {
  bool is_null = false;
  if (v.is_null().get(is_null)) return false;
  if (is_null) {
    out = 0;
    return true;
  }
  int64_t n = 0;
  if (v.get_int64().get(n) || !store::token_count_in_range(n)) return false;
  out = n;
  return true;
}

bool read_string(od::value& v, std::string_view& out, bool& present) {
  bool is_null = false;
  if (v.is_null().get(is_null)) return false;
  if (is_null) return true;
  if (v.get_string().get(out)) return false;
  present = true;
  return true;
}

struct UsageFields {
  bool has_input = false, has_output = false, has_split = false;
  int64_t cache_creation = 0, split_1h = 0, split_5m = 0;
};

bool read_usage(od::object usage, store::TokenCounts& t, UsageFields& f) {
  for (auto field_result : usage) {
    od::field field;
    if (std::move(field_result).get(field)) return false;
    std::string_view key;
    if (!key_of(field, key)) return false;
    if (key == "input_tokens") {
      bool is_null = false;
      if (field.value().is_null().get(is_null) || is_null) return false;  // required
      if (!read_count(field.value(), t.input)) return false;
      f.has_input = true;
    } else if (key == "output_tokens") {
      bool is_null = false;
      if (field.value().is_null().get(is_null) || is_null) return false;  // required
      if (!read_count(field.value(), t.output)) return false;
      f.has_output = true;
    } else if (key == "cache_creation_input_tokens") {
      if (!read_count(field.value(), f.cache_creation)) return false;
    } else if (key == "cache_read_input_tokens") {
      if (!read_count(field.value(), t.cache_read)) return false;
    } else if (key == "cache_creation") {
      bool is_null = false;
      if (field.value().is_null().get(is_null)) return false;
      if (is_null) continue;
      od::object split;
      if (field.value().get_object().get(split)) return false;
      for (auto sr : split) {
        od::field sf;
        if (std::move(sr).get(sf)) return false;
        std::string_view sk;
        if (!key_of(sf, sk)) return false;
        if (sk == "ephemeral_5m_input_tokens") {
          if (!read_count(sf.value(), f.split_5m)) return false;
          f.has_split = true;
        } else if (sk == "ephemeral_1h_input_tokens") {
          if (!read_count(sf.value(), f.split_1h)) return false;
          f.has_split = true;
        }
      }
    } else if (key == "server_tool_use") {
      bool is_null = false;
      if (field.value().is_null().get(is_null)) return false;
      if (is_null) continue;
      od::object stu;
      if (field.value().get_object().get(stu)) return false;
      for (auto sr : stu) {
        od::field sf;
        if (std::move(sr).get(sf)) return false;
        std::string_view sk;
        if (!key_of(sf, sk)) return false;
        if (sk == "web_search_requests" && !read_count(sf.value(), t.web_search)) return false;
      }
    }
  }
  return f.has_input && f.has_output;
}

constexpr char k_usage_needle[] = "\"usage\"";
constexpr size_t k_usage_len = sizeof(k_usage_needle) - 1;

// Finds the raw bytes "usage" (quotes included) in [p, end). Compares 16
// candidate positions at once on the three bytes that make the needle rare
// in JSON (opening quote, 'u', closing quote), then confirms with memcmp.
const char* find_usage_key_sse2(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i u = _mm_set1_epi8('u');
  while (end - p >= static_cast<ptrdiff_t>(16 + k_usage_len - 1)) {
    __m128i a = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), quote);
    __m128i b = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1)), u);
    __m128i c = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k_usage_len - 1)), quote);
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(_mm_and_si128(a, b), c)));
    while (mask) {
      int i = __builtin_ctz(mask);
      if (std::memcmp(p + i, k_usage_needle, k_usage_len) == 0) return p + i;
      mask &= mask - 1;
    }
    p += 16;
  }
#endif
  return static_cast<const char*>(memmem(p, static_cast<size_t>(end - p), k_usage_needle, k_usage_len));
}

#if defined(__x86_64__)
// The same filter on 32 positions at once, for CPUs with AVX2 (chosen at run
// time: the build targets plain x86-64). Most of a transcript's bytes are
// tool output that this loop only has to rule out: twice the bytes per step
// halves the scan's share of a cold import.
__attribute__((target("avx2"))) const char* find_usage_key_avx2(const char* p, const char* end) {
  const __m256i quote = _mm256_set1_epi8('"');
  const __m256i u = _mm256_set1_epi8('u');
  while (end - p >= static_cast<ptrdiff_t>(32 + k_usage_len - 1)) {
    __m256i a = _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), quote);
    __m256i b = _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 1)), u);
    __m256i c = _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + k_usage_len - 1)), quote);
    auto mask = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_and_si256(_mm256_and_si256(a, b), c)));
    while (mask) {
      int i = __builtin_ctz(mask);
      if (std::memcmp(p + i, k_usage_needle, k_usage_len) == 0) return p + i;
      mask &= mask - 1;
    }
    p += 32;
  }
  return find_usage_key_sse2(p, end);
}

// And on 64 positions, for CPUs with AVX-512BW: the comparisons give bit
// masks directly.
__attribute__((target("avx512f,avx512bw"))) const char* find_usage_key_avx512(const char* p, const char* end) {
  const __m512i quote = _mm512_set1_epi8('"');
  const __m512i u = _mm512_set1_epi8('u');
  while (end - p >= static_cast<ptrdiff_t>(64 + k_usage_len - 1)) {
    uint64_t mask = _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p), quote) &
                    _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p + 1), u) &
                    _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p + k_usage_len - 1), quote);
    while (mask) {
      const int i = __builtin_ctzll(mask);
      if (std::memcmp(p + i, k_usage_needle, k_usage_len) == 0) return p + i;
      mask &= mask - 1;
    }
    p += 64;
  }
  return find_usage_key_avx2(p, end);
}
#endif

}  // namespace

namespace detail {

const char* find_usage_key(const char* p, const char* end, Simd widest) {
#if defined(__x86_64__)
  static const bool avx512 = __builtin_cpu_supports("avx512bw");
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx512 && widest >= Simd::avx512) return find_usage_key_avx512(p, end);
  if (avx2 && widest >= Simd::avx2) return find_usage_key_avx2(p, end);
#endif
  return find_usage_key_sse2(p, end);
}

}  // namespace detail

// What one line said, gathered while its fields are walked once.
struct LineFields {
  bool has_type = false, has_ts = false, has_mid = false, has_rid = false, has_session = false, has_model = false,
       has_cwd = false, has_agent = false, has_usage = false, usage_bad = false, usage_null = false;
  bool sidechain = false;
  store::TokenCounts tokens;
  UsageFields usage;
};

struct LineParser::Impl {
  od::parser parser;

  LineKind parse_line(const char* data, size_t len, size_t capacity, std::string_view fallback_session,
                      store::RequestUsage& r) {
    od::document doc;
    if (parser.iterate(simdjson::padded_string_view(data, len, capacity)).get(doc)) return LineKind::bad;
    od::object obj;
    if (doc.get_object().get(obj)) return LineKind::bad;
    LineFields f;
    for (auto field_result : obj) {
      od::field field;
      if (std::move(field_result).get(field)) return LineKind::bad;
      std::string_view key;
      if (!key_of(field, key)) return LineKind::bad;
      const LineKind kind = read_field(key, field.value(), f, r);
      if (kind != LineKind::request) return kind;
    }
    return finish(f, fallback_session, r);
  }

  // One top-level field; LineKind::request means "go on".
  LineKind read_field(std::string_view key, od::value value, LineFields& f, store::RequestUsage& r) {
    std::string_view text;
    if (key == "type") {
      if (!read_string(value, text, f.has_type)) return LineKind::bad;
      // Only assistant lines carry billed usage; anything else that
      // mentions "usage" (a Task tool result's summary, progress copies
      // of subagent messages) is not a request of this transcript.
      if (f.has_type && text != "assistant") return LineKind::not_request;
    } else if (key == "timestamp") {
      if (!read_string(value, text, f.has_ts)) return LineKind::bad;
      if (f.has_ts) {
        auto ms = parse_iso8601_ms(text);
        if (!ms) return LineKind::bad;
        r.ts_ms = *ms;
      }
    } else if (key == "requestId") {
      if (!read_string(value, text, f.has_rid)) return LineKind::bad;
      if (f.has_rid) m_request_id.assign(text);
    } else if (key == "sessionId") {
      if (!read_string(value, text, f.has_session)) return LineKind::bad;
      if (f.has_session) r.session_id.assign(text);
    } else if (key == "cwd") {
      if (!read_string(value, text, f.has_cwd)) return LineKind::bad;
      if (f.has_cwd) r.cwd.assign(text);
    } else if (key == "agentId") {
      // Lines of a subagent's transcript name the subagent.
      if (!read_string(value, text, f.has_agent)) return LineKind::bad;
      if (f.has_agent) r.subagent.assign(text);
    } else if (key == "isSidechain") {
      bool is_null = false;
      if (value.is_null().get(is_null)) return LineKind::bad;
      if (!is_null && value.get_bool().get(f.sidechain)) return LineKind::bad;
    } else if (key == "message") {
      if (!read_message(value, f, r)) return LineKind::bad;
    }
    return LineKind::request;
  }

  // message{id, model, usage}; false when malformed.
  bool read_message(od::value value, LineFields& f, store::RequestUsage& r) {
    bool is_null = false;
    if (value.is_null().get(is_null)) return false;
    if (is_null) return true;
    od::object msg;
    if (value.get_object().get(msg)) return false;
    for (auto mr : msg) {
      od::field mf;
      if (std::move(mr).get(mf)) return false;
      std::string_view mk, text;
      if (!key_of(mf, mk)) return false;
      if (mk == "id") {
        if (!read_string(mf.value(), text, f.has_mid)) return false;
        if (f.has_mid) m_message_id.assign(text);
      } else if (mk == "model") {
        if (!read_string(mf.value(), text, f.has_model)) return false;
        if (f.has_model) r.model.assign(text);
      } else if (mk == "usage") {
        bool un = false;
        if (mf.value().is_null().get(un)) return false;
        if (un) {
          f.usage_null = true;
          continue;
        }
        od::object usage;
        if (mf.value().get_object().get(usage)) return false;
        f.has_usage = true;
        if (!read_usage(usage, f.tokens, f.usage)) f.usage_bad = true;
      }
    }
    return true;
  }

  LineKind finish(LineFields& f, std::string_view fallback_session, store::RequestUsage& r) {
    if (!f.has_type) return (f.has_usage || f.usage_null) ? LineKind::bad : LineKind::not_request;
    if (f.has_model && r.model == "<synthetic>") return LineKind::synthetic;
    if (!f.has_usage) return f.usage_null ? LineKind::bad : LineKind::not_request;
    if (f.usage_bad || !f.has_ts) return LineKind::bad;
    // 5-minute / 1-hour split: cache_creation_input_tokens is the total (it is
    // what Claude Code's own modelUsage sums); the 1-hour part comes from
    // usage.cache_creation, the rest is 5-minute. Without the split (older
    // versions) everything is 5-minute.
    const UsageFields& u = f.usage;
    if (u.has_split) {
      int64_t total = u.cache_creation ? u.cache_creation : u.split_5m + u.split_1h;
      f.tokens.cache_write_1h = std::min(u.split_1h, total);
      f.tokens.cache_write_5m = total - f.tokens.cache_write_1h;
    } else {
      f.tokens.cache_write_5m = u.cache_creation;
    }
    if (!f.tokens.in_range()) return LineKind::bad;
    r.tokens = f.tokens;
    r.sidechain = f.sidechain;
    if (!f.has_model) r.model = "unknown";
    if (!f.has_session) r.session_id.assign(fallback_session);
    if (!f.has_cwd) r.cwd.clear();
    if (!f.has_agent || !f.sidechain) r.subagent.clear();
    // docs/accuracy.md#dedup: the API's request id is what OTel events carry
    // too; without one (some gateways send none) the message id; without
    // either, the line's own place in time and session is the best identity.
    if (f.has_rid && !m_request_id.empty())
      r.key.assign("req:").append(m_request_id);
    else if (f.has_mid && !m_message_id.empty())
      r.key.assign("msg:").append(m_message_id);
    else
      r.key.assign("nomsg:").append(r.session_id).append(":").append(std::to_string(r.ts_ms));
    return LineKind::request;
  }

  std::string m_request_id;
  store::RequestUsage m_scratch;  // the line being parsed (LineParser::parse)
  std::vector<std::string> m_cost_states;
  std::string m_message_id;
};

LineParser::LineParser() : m_impl(std::make_unique<Impl>()) {}

std::vector<std::string> LineParser::take_cost_states() { return std::exchange(m_impl->m_cost_states, {}); }
LineParser::~LineParser() = default;
size_t LineParser::cost_state_count() const { return m_impl->m_cost_states.size(); }

void LineParser::parse(std::string_view data, std::string_view fallback_session, RequestSet& out, ParseStats& stats) {
  const char* p = data.data();
  const char* const end = p + data.size();
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* le = nl ? nl : end;
    const char* ls = p;
    p = nl ? nl + 1 : end;
    while (ls < le && (*ls == ' ' || *ls == '\t' || *ls == '\r')) ++ls;
    while (le > ls && (le[-1] == ' ' || le[-1] == '\t' || le[-1] == '\r')) --le;
    if (ls == le) continue;
    ++stats.lines;
    // Cheap structural check on every line: a truncated or garbled line
    // cannot start with '{' and end with '}'.
    if (*ls != '{' || le[-1] != '}') {
      ++stats.skipped_lines;
      continue;
    }
    // Inside a JSON string a quote is always escaped, so the raw bytes
    // "usage" only occur as a real key or value: lines without them (tool
    // output, user prompts) are never parsed.
    size_t len = static_cast<size_t>(le - ls);
    if (!detail::find_usage_key(ls, le)) {
      // Claude Code writes its running totals as lines starting
      // {"type":"cost-state" (2.1.328): kept for reconciliation, not parsed here.
      static constexpr std::string_view k_cost_state = R"({"type":"cost-state")";
      if (len > k_cost_state.size() && std::string_view(ls, k_cost_state.size()) == k_cost_state)
        m_impl->m_cost_states.emplace_back(ls, len);
      continue;
    }
    // One request reused line after line: a copy already held (most usage
    // lines are copies of the line before) leaves its buffers to the next.
    store::RequestUsage& r = m_impl->m_scratch;
    size_t capacity = static_cast<size_t>(end - ls) + k_padding;
    switch (m_impl->parse_line(ls, len, capacity, fallback_session, r)) {
      case LineKind::request:
        ++stats.usage_lines;
        if (!out.add(std::move(r))) ++stats.duplicates;
        break;
      case LineKind::synthetic: ++stats.synthetic; break;
      case LineKind::bad: ++stats.skipped_lines; break;
      case LineKind::not_request: break;
    }
  }
}

}  // namespace clown::ingest
