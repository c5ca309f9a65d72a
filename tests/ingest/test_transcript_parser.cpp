#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "ingest/transcript_parser.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::store;
using namespace clown::ingest;

namespace {

// A usage line shaped like real Claude Code 2.1.x output.
std::string line(const std::string& msg, const std::string& req, int64_t in, int64_t out, int64_t cw = 0,
                 int64_t cr = 0, const std::string& extra_usage = "", const std::string& model = "claude-sonnet-4-5",
                 const std::string& ts = "2026-11-22T10:02:54.943Z", bool sidechain = false) {
  return R"({"parentUuid":"p","isSidechain":)" + std::string(sidechain ? "true" : "false") +
         R"(,"type":"assistant","sessionId":"sess","timestamp":")" + ts + R"(","requestId":")" + req +
         R"(","cwd":"/w","message":{"id":")" + msg + R"(","type":"message","role":"assistant","model":")" + model +
         R"(","content":[{"type":"text","text":"x"}],"usage":{"input_tokens":)" + std::to_string(in) +
         R"(,"output_tokens":)" + std::to_string(out) + R"(,"cache_creation_input_tokens":)" + std::to_string(cw) +
         R"(,"cache_read_input_tokens":)" + std::to_string(cr) + extra_usage + "}}}\n";
}

struct Parsed {
  RequestSet set;
  ParseStats stats;
};

Parsed parse(const std::string& text) {
  Parsed p;
  std::string padded = text + std::string(LineParser::k_padding, '\0');
  LineParser parser;
  parser.parse(std::string_view(padded.data(), text.size()), "file-session", p.set, p.stats);
  return p;
}

}  // namespace

TEST_CASE("parser: a real-shaped line gives exact tokens, the 5m/1h split and web searches", "[parser]") {
  auto p = parse(line(
      "msg_1", "req_1", 166, 349, 3997, 38430,
      R"(,"cache_creation":{"ephemeral_5m_input_tokens":3528,"ephemeral_1h_input_tokens":469},"server_tool_use":{"web_search_requests":2},"speed":"standard")"));
  REQUIRE(p.set.size() == 1);
  const auto& r = p.set.requests()[0];
  CHECK(r.key == "req:req_1");
  CHECK(r.tokens == TokenCounts{166, 349, 3528, 469, 38430, 2});
  CHECK(r.ts_ms == 1795341774943);
  CHECK(r.session_id == "sess");
  CHECK(r.cwd == "/w");
  CHECK(r.model == "claude-sonnet-4-5");
  CHECK(!r.sidechain);
  CHECK(p.stats.lines == 1);
  CHECK(p.stats.usage_lines == 1);
  CHECK(p.stats.skipped_lines == 0);
}

TEST_CASE("parser: keys written with escapes mean the same keys", "[parser]") {
  // Keys are compared raw unless they hold an escape (Claude Code writes
  // none); an escaped letter in a key is still that letter.
  std::string escaped = line("msg_1", "req_1", 166, 349, 3997, 38430,
                             R"(,"cache_creation":{"ephemeral_5m_input_tokens":3528,"ephemeral_1h_input_tokens":469})");
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {R"("input_tokens")", R"("input_tok\u0065ns")"},
           {R"("ephemeral_1h_input_tokens")", R"("ephemeral_1h_input_tok\u0065ns")"},
           {R"("requestId")", R"("request\u0049d")"},
           {R"("usage")", R"("usag\u0065")"},
           {R"("timestamp")", R"("times\u0074amp")"}}) {
    const auto at = escaped.find(from);
    REQUIRE(at != std::string::npos);
    escaped.replace(at, from.size(), to);
  }
  escaped.insert(escaped.find(R"("usag\u0065")"), R"("x":"usage",)");  // the raw "usage" the scan looks for
  auto p = parse(escaped);
  REQUIRE(p.set.size() == 1);
  const auto& r = p.set.requests()[0];
  CHECK(r.key == "req:req_1");
  CHECK(r.tokens == TokenCounts{166, 349, 3528, 469, 38430, 0});
  CHECK(r.ts_ms == 1795341774943);
  CHECK(p.stats.skipped_lines == 0);
}

TEST_CASE("parser: without the split all cache writes are 5-minute", "[parser]") {
  auto p = parse(line("m", "req_m", 1, 2, 500, 7));
  REQUIRE(p.set.size() == 1);
  CHECK(p.set.requests()[0].tokens == TokenCounts{1, 2, 500, 0, 7, 0});
}

TEST_CASE("parser: multi-block copies and streaming partials count once, the largest copy wins", "[parser]") {
  std::string text = line("m1", "r1", 10, 5, 100, 1000) +    // streaming partial (smaller output)
                     line("m1", "r1", 10, 300, 100, 1000) +  // final, text block
                     line("m1", "r1", 10, 300, 100, 1000) +  // final, tool_use block
                     line("m1", "r1", 10, 7, 100, 1000) +    // a late smaller copy never lowers it
                     line("m2", "r2", 1, 1);
  auto p = parse(text);
  REQUIRE(p.set.size() == 2);
  CHECK(p.set.requests()[0].tokens.output == 300);
  CHECK(p.stats.duplicates == 3);
  CHECK(p.stats.usage_lines == 5);
}

TEST_CASE("parser: the same message id with another requestId is another request", "[parser]") {
  auto p = parse(line("m1", "r1", 1, 1) + line("m1", "r2", 1, 1));
  CHECK(p.set.size() == 2);
}

TEST_CASE("parser: sidechain requests are counted and flagged", "[parser]") {
  auto p = parse(line("m1", "r1", 1, 1) +
                 line("m2", "r2", 3, 4, 0, 0, "", "claude-haiku-4-5", "2026-11-22T10:02:55.000Z", true));
  REQUIRE(p.set.size() == 2);
  CHECK(p.set.requests()[1].sidechain);
  CHECK(p.set.requests()[1].model == "claude-haiku-4-5");
}

TEST_CASE("parser: bad lines are skipped and counted, never abort", "[parser]") {
  std::string good = line("ok", "req_ok", 5, 6);
  std::string truncated = good.substr(0, good.size() / 2) + "\n";
  std::string invalid_json = R"({"type":"assistant","message":{"usage":{"input_tokens":1,,}}})"
                             "\n";
  std::string invalid_utf8 = line("u8", "req_u8", 1, 1);
  invalid_utf8.replace(invalid_utf8.find("\"x\""), 3, "\"\xff\xfe\"");
  std::string null_usage =
      R"({"type":"assistant","timestamp":"2026-11-22T10:02:54.943Z","message":{"id":"n1","model":"m","usage":null}})"
      "\n";
  std::string null_input = line("n2", "req_n2", 1, 1);
  null_input.replace(null_input.find("\"input_tokens\":1"), 16, "\"input_tokens\":null");
  std::string string_tokens = line("n3", "req_n3", 1, 1);
  string_tokens.replace(string_tokens.find("\"output_tokens\":1"), 17, "\"output_tokens\":\"1\"");
  std::string no_output =
      R"({"type":"assistant","timestamp":"2026-11-22T10:02:54.943Z","message":{"id":"n4","model":"m","usage":{"input_tokens":3}}})"
      "\n";
  std::string bad_ts = line("n5", "req_n5", 1, 1, 0, 0, "", "claude-sonnet-4-5", "yesterday");
  std::string negative = line("n6", "req_n6", -1, 1);
  auto p = parse(good + truncated + invalid_json + invalid_utf8 + null_usage + null_input + string_tokens + no_output +
                 bad_ts + negative + "not json at all\n" + good);
  REQUIRE(p.set.size() == 1);
  CHECK(p.set.requests()[0].key == "req:req_ok");
  CHECK(p.stats.skipped_lines == 10);
  CHECK(p.stats.lines == 12);
}

TEST_CASE("parser: token counts above 10^9 or negative make the line invalid", "[parser]") {
  // docs/accuracy.md#token-range: two requests of 2^63-1 input tokens would
  // wrap an int64 sum; each line is invalid instead, and the rest is exact.
  const int64_t huge = INT64_MAX;
  std::string split_1h_huge = line("s1", "req_s1", 1, 1, 5, 0,
                                   R"(,"cache_creation":{"ephemeral_5m_input_tokens":0,)"
                                   R"("ephemeral_1h_input_tokens":1000000001})");
  auto p = parse(line("h1", "req_h1", huge, 1) + line("h2", "req_h2", huge, 1) + line("ok", "req_ok", 100, 7) +
                 line("b1", "req_b1", 1, 1000000001) + line("b2", "req_b2", 1, 1, 0, -5) +
                 line("max", "req_max", 1000000000, 1000000000, 1000000000, 1000000000) + split_1h_huge);
  REQUIRE(p.set.size() == 2);
  CHECK(p.set.requests()[0].key == "req:req_ok");
  CHECK(p.set.requests()[0].tokens == TokenCounts{100, 7, 0, 0, 0, 0});
  CHECK(p.set.requests()[1].key == "req:req_max");
  CHECK(p.set.requests()[1].tokens == TokenCounts{1000000000, 1000000000, 1000000000, 0, 1000000000, 0});
  CHECK(p.stats.skipped_lines == 5);
  CHECK(p.stats.usage_lines == 2);
}

TEST_CASE("parser: nulls in optional fields read as absent", "[parser]") {
  std::string l =
      R"({"type":"assistant","sessionId":null,"cwd":null,"requestId":null,"isSidechain":null,"timestamp":"2026-11-22T10:00:00Z","message":{"id":"m","model":"claude-sonnet-4-5","usage":{"input_tokens":4,"output_tokens":5,"cache_creation_input_tokens":null,"cache_read_input_tokens":null,"cache_creation":null,"server_tool_use":null}}})"
      "\n";
  auto p = parse(l);
  REQUIRE(p.set.size() == 1);
  const auto& r = p.set.requests()[0];
  CHECK(r.key == "msg:m");
  CHECK(r.session_id == "file-session");
  CHECK(r.tokens == TokenCounts{4, 5, 0, 0, 0, 0});
  CHECK(p.stats.skipped_lines == 0);
}

TEST_CASE("parser: <synthetic> lines and lines that only mention usage are not requests", "[parser]") {
  std::string synthetic = line("s", "", 0, 0, 0, 0, "", "<synthetic>");
  // A Task tool result carries the subagent's usage summary: not a request.
  std::string tool_result =
      R"({"type":"user","timestamp":"2026-11-22T10:00:00Z","message":{"role":"user","content":"done"},"toolUseResult":{"usage":{"input_tokens":99,"output_tokens":99}}})"
      "\n";
  std::string escaped = R"({"type":"user","message":{"content":"the text \"usage\": {} inside a tool output"}})"
                        "\n";
  std::string cost_state = R"({"type":"cost-state","totalCostUSD":1.5,"modelUsage":{"m":{"inputTokens":1}}})"
                           "\n";
  auto p = parse(synthetic + tool_result + escaped + cost_state);
  CHECK(p.set.size() == 0);
  CHECK(p.stats.synthetic == 1);
  CHECK(p.stats.skipped_lines == 0);
  CHECK(p.stats.usage_lines == 0);
}

TEST_CASE("parser: CRLF, blank lines and a missing final newline", "[parser]") {
  std::string l1 = line("a", "req_a", 1, 2);
  l1.insert(l1.size() - 1, "\r");
  std::string l2 = line("b", "req_b", 3, 4);
  l2.pop_back();
  auto p = parse("\n\n" + l1 + "\n   \n" + l2);
  CHECK(p.set.size() == 2);
  CHECK(p.stats.lines == 2);
}

TEST_CASE("scan_transcript: incremental offsets never consume a partial last line", "[parser]") {
  test::TempDir tmp;
  auto file = tmp.path() / "s.jsonl";
  std::string l1 = line("a", "req_a", 1, 2);
  std::string l2 = line("b", "req_b", 3, 4);
  test::write_text(file, l1 + l2.substr(0, 40));
  LineParser parser;
  auto s1 = scan_transcript(file, {}, parser);
  REQUIRE(s1);
  CHECK(s1->requests.size() == 1);
  CHECK(s1->end_offset == l1.size());
  CHECK(s1->stats.skipped_lines == 1);  // the half-written line, read again next time

  test::write_text(file, l1 + l2);
  auto s2 = scan_transcript(file, ScanOptions{s1->end_offset, true}, parser);
  REQUIRE(s2);
  REQUIRE(s2->requests.size() == 1);
  CHECK(s2->requests.requests()[0].key == "req:req_b");
  CHECK(s2->end_offset == l1.size() + l2.size());
  CHECK(s2->bytes_read == l2.size());
  CHECK(s2->stats.skipped_lines == 0);
}

TEST_CASE("scan_transcript: lines longer than the read buffer", "[parser]") {
  test::TempDir tmp;
  auto file = tmp.path() / "big.jsonl";
  std::string huge_tool_output = R"({"type":"user","message":{"content":")" + std::string(5u << 20, 'x') + "\"}}\n";
  std::string big_usage = line("big", "req_big", 7, 8);
  big_usage.replace(big_usage.find("\"text\":\"x\""), 10, "\"text\":\"" + std::string(3u << 20, 'y') + "\"");
  test::write_text(file, line("a", "req_a", 1, 1) + huge_tool_output + big_usage + line("c", "req_c", 2, 2));
  LineParser parser;
  auto s = scan_transcript(file, {}, parser);
  REQUIRE(s);
  CHECK(s->requests.size() == 3);
  CHECK(s->stats.lines == 4);
  CHECK(s->stats.skipped_lines == 0);
}

TEST_CASE("scan_transcript: a missing file is an error naming it", "[parser]") {
  LineParser parser;
  auto s = scan_transcript("/nonexistent/x.jsonl", {}, parser);
  REQUIRE(!s);
  CHECK(s.error().message.find("/nonexistent/x.jsonl") != std::string::npos);
}

TEST_CASE("scan_transcript: a line longer than max_line is skipped without holding it", "[parser]") {
  test::TempDir tmp;
  auto file = tmp.path() / "giant.jsonl";
  std::string giant = R"({"type":"user","message":{"content":")" + std::string(100000, 'g') + "\"}}\n";
  std::string a = line("a", "req_a", 1, 1), b = line("b", "req_b", 2, 2);
  test::write_text(file, a + giant + b);
  LineParser parser;
  ScanOptions o;
  o.max_line = 8192;
  auto s = scan_transcript(file, o, parser);
  REQUIRE(s);
  CHECK(s->requests.size() == 2);
  CHECK(s->stats.skipped_lines == 1);
  CHECK(s->end_offset == a.size() + giant.size() + b.size());

  // Still being written: the offset stays before it so it is read again.
  test::write_text(file, a + giant.substr(0, 50000));
  auto partial = scan_transcript(file, o, parser);
  REQUIRE(partial);
  CHECK(partial->requests.size() == 1);
  CHECK(partial->end_offset == a.size());
}

TEST_CASE("scan_transcript_chunks: a file bigger than the read buffer comes in bounded chunks, in order", "[parser]") {
  test::TempDir tmp;
  auto file = tmp.path() / "long.jsonl";
  std::string text;
  const int n = 12000;  // ~5 MB: more than two 2 MiB reads
  for (int i = 0; i < n; ++i) text += line("m" + std::to_string(i), "req_" + std::to_string(i), 1, i);
  text += line("m0", "req_0", 1, 7);  // a later copy of the first request, in another chunk
  text += R"({"type":"cost-state","sessionId":"sess","totalCostUSD":1})"
          "\n";
  test::write_text(file, text);
  LineParser parser;
  ScanOptions o;
  o.chunk_requests = 1000;
  std::vector<FileScan> chunks;
  auto done = scan_transcript_chunks(file, o, parser, [&](FileScan&& c) { chunks.push_back(std::move(c)); });
  REQUIRE(done);
  REQUIRE(chunks.size() >= 3);  // one per read that reached chunk_requests, then the last
  size_t requests = 0, cost_states = 0, copies_of_first = 0;
  int64_t lines = 0;
  uint64_t bytes = 0, offset = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    CHECK(chunks[i].last == (i + 1 == chunks.size()));
    CHECK((chunks[i].end_offset > offset || chunks[i].last));  // the last may hold nothing new
    CHECK(chunks[i].requests.size() < 6000);                   // one read's worth, never the file
    offset = chunks[i].end_offset;
    requests += chunks[i].requests.size();
    lines += chunks[i].stats.lines;
    bytes += chunks[i].bytes_read;
    cost_states += chunks[i].cost_states.size();
    for (const auto& r : chunks[i].requests.requests()) copies_of_first += r.key == "req:req_0";
  }
  CHECK(requests == n + 1);  // the copy is in the last chunk too: the store keeps one
  CHECK(lines == n + 2);
  CHECK(bytes == text.size());
  CHECK(offset == text.size());
  CHECK(copies_of_first == 2);
  CHECK(cost_states == 1);

  // scan_transcript still returns the whole file at once.
  auto whole = scan_transcript(file, {}, parser);
  REQUIRE(whole);
  CHECK(whole->requests.size() == static_cast<size_t>(n));
  CHECK(whole->stats.duplicates == 1);
  CHECK(whole->last);
}

TEST_CASE("find_usage_key: the SSE2, AVX2 and AVX-512 paths find the first \"usage\" at every offset and length",
          "[parser]") {
  // Haystacks around the vector widths: the key at each position, near
  // misses ("usag", quote-u pairs, an unquoted usage) before it, and none.
  const std::string needle = R"("usage")";
  const std::string noise = R"("u":"us","usag","\"user\"",usage,"uu")";
  for (size_t len = 0; len <= 160; ++len) {
    std::string base;
    while (base.size() < len) base += noise;
    base.resize(len);
    std::vector<std::string> cases = {base};
    for (size_t at = 0; at + needle.size() <= len; ++at) {
      std::string s = base;
      s.replace(at, needle.size(), needle);
      cases.push_back(s);
    }
    for (const auto& s : cases) {
      const char* b = s.data();
      const char* e = b + s.size();
      const auto at = s.find(needle);
      const char* want = at == std::string::npos ? nullptr : b + at;
      INFO(s);
      CHECK(detail::find_usage_key(b, e, detail::Simd::sse2) == want);
      CHECK(detail::find_usage_key(b, e, detail::Simd::avx2) == want);
      CHECK(detail::find_usage_key(b, e, detail::Simd::avx512) == want);
    }
  }
}
