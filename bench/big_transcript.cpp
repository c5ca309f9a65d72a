#include "bench/big_transcript.hpp"

#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>

#include "common/time.hpp"

namespace clown::bench {

namespace {

namespace fs = std::filesystem;

constexpr const char* k_session = "5f0c2a9e-6d1b-4c3e-9a7f-b1d2e3f4a5b6";

std::string usage_line(int64_t index, int64_t ts_ms, const store::TokenCounts& t) {
  char buf[640];
  const int n = std::snprintf(
      buf, sizeof(buf),
      R"({"parentUuid":null,"isSidechain":false,"cwd":"/home/dev/big","sessionId":"%s","type":"assistant",)"
      R"("timestamp":"%s","requestId":"req_011CBIG%016llx","message":{"id":"msg_01BIG%016llx","type":"message",)"
      R"("role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"ok"}],)"
      R"("usage":{"input_tokens":%lld,"cache_creation_input_tokens":%lld,"cache_read_input_tokens":%lld,)"
      R"("cache_creation":{"ephemeral_5m_input_tokens":%lld,"ephemeral_1h_input_tokens":%lld},"output_tokens":%lld,)"
      R"("server_tool_use":{"web_search_requests":%lld}}}})"
      "\n",
      k_session, format_iso8601_ms(ts_ms).c_str(), static_cast<unsigned long long>(index),
      static_cast<unsigned long long>(index), static_cast<long long>(t.input),
      static_cast<long long>(t.cache_creation()), static_cast<long long>(t.cache_read),
      static_cast<long long>(t.cache_write_5m), static_cast<long long>(t.cache_write_1h),
      static_cast<long long>(t.output), static_cast<long long>(t.web_search));
  return std::string(buf, static_cast<size_t>(n));
}

store::TokenCounts tokens_for(std::mt19937_64& rng) {
  store::TokenCounts t;
  t.input = static_cast<int64_t>(1 + rng() % 40);
  t.output = static_cast<int64_t>(2 + rng() % 1500);
  t.cache_read = static_cast<int64_t>(rng() % 120000);
  t.cache_write_5m = static_cast<int64_t>(rng() % 6000);
  t.cache_write_1h = rng() % 4 == 0 ? static_cast<int64_t>(rng() % 2000) : 0;
  t.web_search = rng() % 100 == 0 ? 1 : 0;
  return t;
}

class Writer {
 public:
  explicit Writer(const fs::path& path) : m_file(std::fopen(path.c_str(), "wb")) {
    if (!m_file) throw std::runtime_error("cannot write " + path.string());
  }
  ~Writer() {
    if (m_file) std::fclose(m_file);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  void put(const std::string& line) {
    if (std::fwrite(line.data(), 1, line.size(), m_file) != line.size()) throw std::runtime_error("short write");
    m_bytes += static_cast<int64_t>(line.size());
  }
  int64_t close() {
    if (std::fclose(std::exchange(m_file, nullptr)) != 0) throw std::runtime_error("cannot close");
    return m_bytes;
  }

 private:
  FILE* m_file;
  int64_t m_bytes = 0;
};

}  // namespace

BigTranscriptTotals write_big_transcript(const fs::path& claude_dir, int64_t requests, uint64_t seed) {
  const fs::path dir = claude_dir / "projects" / "-home-dev-big";
  fs::create_directories(dir);
  Writer out(dir / (std::string(k_session) + ".jsonl"));
  std::mt19937_64 rng(seed);
  BigTranscriptTotals totals;
  int64_t ts = 1788220800000LL;  // 2026-09-01
  for (int64_t i = 0; i < requests; ++i) {
    const store::TokenCounts t = tokens_for(rng);
    if (i % 50 == 0) {  // a streaming partial: fewer output tokens, same request
      store::TokenCounts partial = t;
      partial.output = 1;
      out.put(usage_line(i, ts, partial));
      ++totals.usage_lines;
    }
    out.put(usage_line(i, ts, t));
    ++totals.usage_lines;
    if (i % 10 == 0) {  // a second content block of the same response
      out.put(usage_line(i, ts, t));
      ++totals.usage_lines;
    }
    if (i % 5000 == 4999)
      out.put(std::string(R"({"type":"cost-state","sessionId":")") + k_session +
              R"(","totalCostUSD":1.25,"modelUsage":{"claude-sonnet-4-5":{"inputTokens":1,"outputTokens":2}}})"
              "\n");
    if (i % 10000 == 9999) {
      out.put(R"({"type":"assistant","timestamp":"2026-09-01T00:00:00.000Z","message":{"usage":{"input_tokens":1,,}}})"
              "\n");
      ++totals.skipped_lines;
    }
    ++totals.requests;
    totals.tokens += t;
    ts += 1000;
  }
  totals.bytes = out.close();
  return totals;
}

}  // namespace clown::bench
