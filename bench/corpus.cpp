#include "bench/corpus.hpp"

#include <cmath>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "common/time.hpp"

namespace clown::bench {

namespace fs = std::filesystem;
using store::TokenCounts;

namespace {

// File sizes as quantiles of a heavy user's projects/ folder : median
// 105 KB, p90 650 KB, p99 5 MB, interpolated log-linearly between the points.
double size_quantile(double u) {
  static const double pts[][2] = {{0, 1.5e3}, {0.5, 105e3}, {0.9, 650e3}, {0.99, 5e6}, {0.9997, 14e6}, {1, 14e6}};
  for (size_t i = 1; i < sizeof(pts) / sizeof(pts[0]); ++i) {
    if (u <= pts[i][0]) {
      double t = (u - pts[i - 1][0]) / (pts[i][0] - pts[i - 1][0]);
      return std::exp(std::log(pts[i - 1][1]) + (std::log(pts[i][1]) - std::log(pts[i - 1][1])) * t);
    }
  }
  return pts[4][1];
}

struct Known {
  TokenCounts tokens;
  std::string model;
  bool sidechain = false;
};

bool more(const TokenCounts& a, const TokenCounts& b) {
  if (a.total() != b.total()) return a.total() > b.total();
  return a.web_search > b.web_search;
}

const char* const k_models[] = {"claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929",
                                "claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-haiku-4-5-20251001"};

class Generator {
 public:
  Generator(const fs::path& dir, const CorpusSpec& spec) : m_dir(dir), m_spec(spec), m_rng(spec.seed) {
    // Tool output text: printable, no quote or backslash, so any slice is a
    // valid JSON string body.
    const char alphabet[] = "abcdefghijklmnopqrstuvwxyz      ABCDEFGHIJ0123456789.,;:()[]{}<>=+-_/*#@!?|~";
    m_filler.resize(4u << 20);
    for (auto& c : m_filler) c = alphabet[m_rng() % (sizeof(alphabet) - 1)];
  }

  CorpusTotals run() {
    const int n = m_spec.files;
    for (int i = 0; i < n; ++i) {
      double u = (i + 0.5) / n;
      auto size = static_cast<uint64_t>(size_quantile(u) * m_spec.scale);
      if (m_spec.one_huge_file && i == n - 1) size = static_cast<uint64_t>(90e6 * m_spec.scale);
      write_session(i, size);
    }
    for (const auto& [key, k] : m_known) {
      ++m_totals.requests;
      m_totals.tokens += k.tokens;
      m_totals.by_model[k.model] += k.tokens;
      ++m_totals.requests_by_model[k.model];
      if (k.sidechain) ++m_totals.sidechain_requests;
    }
    return m_totals;
  }

 private:
  std::string hex(size_t n) {
    static const char d[] = "0123456789abcdef";
    std::string s(n, '0');
    for (auto& c : s) c = d[m_rng() % 16];
    return s;
  }
  std::string uuid() { return hex(8) + "-" + hex(4) + "-" + hex(4) + "-" + hex(4) + "-" + hex(12); }
  uint64_t rnd(uint64_t lo, uint64_t hi) { return lo + m_rng() % (hi - lo + 1); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(m_rng) < p; }
  std::string_view filler(size_t n) {
    n = std::min(n, m_filler.size());
    size_t off = m_rng() % (m_filler.size() - n + 1);
    return std::string_view(m_filler).substr(off, n);
  }

  // A cut that happens to end in '}' could pass for a whole line.
  static std::string truncated(const std::string& l, size_t n) {
    std::string s = l.substr(0, n);
    while (!s.empty() && (s.back() == '}' || s.back() == ' ')) s.pop_back();
    return s;
  }

  void note(const std::string& key, const TokenCounts& t, const std::string& model, bool sidechain) {
    ++m_totals.usage_lines;
    auto [it, inserted] = m_known.try_emplace(key, Known{t, model, sidechain});
    if (!inserted && more(t, it->second.tokens)) it->second.tokens = t;
  }

  std::string header(bool sidechain) {
    return R"({"parentUuid":")" + uuid() + R"(","isSidechain":)" + (sidechain ? "true" : "false") +
           R"(,"userType":"external","cwd":")" + m_cwd + R"(","sessionId":")" + m_session +
           R"(","version":"2.1.328","gitBranch":"main",)";
  }

  std::string usage_json(const TokenCounts& t) {
    std::string s = R"({"input_tokens":)" + std::to_string(t.input) + R"(,"cache_creation_input_tokens":)" +
                    std::to_string(t.cache_creation()) + R"(,"cache_read_input_tokens":)" +
                    std::to_string(t.cache_read);
    if (t.cache_write_1h > 0 || chance(0.7))
      s += R"(,"cache_creation":{"ephemeral_5m_input_tokens":)" + std::to_string(t.cache_write_5m) +
           R"(,"ephemeral_1h_input_tokens":)" + std::to_string(t.cache_write_1h) + "}";
    s += R"(,"output_tokens":)" + std::to_string(t.output) + R"(,"server_tool_use":{"web_search_requests":)" +
         std::to_string(t.web_search) + R"(,"web_fetch_requests":0},"service_tier":"standard","speed":"standard"})";
    return s;
  }

  std::string assistant_line(const std::string& msg, const std::string& req, const std::string& model,
                             const TokenCounts& t, bool sidechain, bool tool_block) {
    std::string content = tool_block ? R"([{"type":"tool_use","id":"toolu_)" + hex(24) +
                                           R"(","name":"Bash","input":{"command":")" +
                                           std::string(filler(rnd(20, 200))) + R"(","description":"run it"}}])"
                                     : R"([{"type":"text","text":")" + std::string(filler(rnd(50, 900))) + R"("}])";
    return header(sidechain) + R"("message":{"id":")" + msg + R"(","type":"message","role":"assistant","model":")" +
           model + R"(","content":)" + content + R"(,"stop_reason":")" + (tool_block ? "tool_use" : "end_turn") +
           R"(","stop_sequence":null,"usage":)" + usage_json(t) + R"(},"requestId":")" + req +
           R"(","type":"assistant","uuid":")" + uuid() + R"(","timestamp":")" + format_iso8601_ms(m_ts) + "\"}\n";
  }

  std::string user_line(size_t payload, bool sidechain) {
    std::string out = std::string(filler(payload));
    return header(sidechain) + R"("type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_)" + hex(24) +
           R"(","type":"tool_result","content":"output:\n)" + out + R"(\n","is_error":false}]},"uuid":")" + uuid() +
           R"(","timestamp":")" + format_iso8601_ms(m_ts) + R"(","toolUseResult":{"stdout":")" +
           std::string(filler(std::min<size_t>(payload / 4, 2000))) +
           R"(","stderr":"","interrupted":false,"isImage":false}})"
           "\n";
  }

  TokenCounts tokens_for(const std::string& model) {
    TokenCounts t;
    t.input = static_cast<int64_t>(rnd(1, 40) * (chance(0.1) ? 300 : 1));
    t.output = static_cast<int64_t>(rnd(1, 1500) * (chance(0.05) ? 8 : 1));
    t.cache_read = static_cast<int64_t>(rnd(0, 120000));
    int64_t writes = static_cast<int64_t>(rnd(0, 8000));
    if (chance(0.25)) {
      t.cache_write_1h = static_cast<int64_t>(rnd(0, static_cast<uint64_t>(writes)));
      t.cache_write_5m = writes - t.cache_write_1h;
    } else {
      t.cache_write_5m = writes;
    }
    if (chance(0.01) && model.find("sonnet") != std::string::npos)
      t.cache_read = static_cast<int64_t>(rnd(190000, 400000));
    if (chance(0.01)) t.web_search = static_cast<int64_t>(rnd(1, 3));
    return t;
  }

  // One API request: one line per content block (same id, same usage),
  // sometimes preceded by a streaming partial with fewer output tokens.
  void request(std::string& out, const std::string& model, bool sidechain) {
    std::string msg = "msg_01" + hex(22), req = "req_011C" + hex(20);
    TokenCounts t = tokens_for(model);
    bool edge = m_spec.edge_cases;
    if (edge && chance(0.03) && t.output > 1) {
      TokenCounts partial = t;
      partial.output = 1;
      out += assistant_line(msg, req, model, partial, sidechain, false);
      note(msg + "|" + req, partial, model, sidechain);
    }
    // A session's cost-state line claims 1 input and 2 output tokens of
    // claude-sonnet-4-5: only written once its requests hold that much, so
    // it claims nothing the transcripts do not show (no unlogged row).
    if (model.rfind("claude-sonnet-4-5", 0) == 0 && t.input >= 1 && t.output >= 2) m_session_claimable = true;
    int blocks = chance(0.45) ? 2 : 1;
    for (int b = 0; b < blocks; ++b) {
      out += assistant_line(msg, req, model, t, sidechain, b == 1);
      note(msg + "|" + req, t, model, sidechain);
    }
    auto start = out.rfind('\n', out.size() - 2);
    m_recent.push_back(out.substr(start == std::string::npos ? 0 : start + 1));
    if (m_recent.size() > 8) m_recent.erase(m_recent.begin());
    m_ts += static_cast<int64_t>(rnd(800, 20000));
  }

  void edge_lines(std::string& out, bool sidechain) {
    if (!m_spec.edge_cases) return;
    const uint64_t pick = rnd(0, 99);
    const std::string ts = format_iso8601_ms(m_ts);
    if (pick < 2) {  // invalid JSON in a usage line
      out += R"({"type":"assistant","timestamp":")" + ts +
             R"(","message":{"id":"bad","usage":{"input_tokens":1,,}}})"
             "\n";
      ++m_totals.skipped_lines;
    } else if (pick < 4) {  // invalid UTF-8 inside a usage line
      TokenCounts t{5, 5, 0, 0, 0, 0};
      std::string l = assistant_line("msg_01" + hex(22), "req_x", "claude-sonnet-4-5-20250929", t, sidechain, false);
      l.insert(l.find(R"("text":")") + 8, "\xff\xfe");
      out += l;
      ++m_totals.skipped_lines;
    } else if (pick < 6) {  // null token count
      out += R"({"type":"assistant","timestamp":")" + ts + R"(","requestId":"req_null","message":{"id":"msg_null)" +
             hex(6) +
             R"(","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":null,"output_tokens":3}}})"
             "\n";
      ++m_totals.skipped_lines;
    } else if (pick < 8) {  // garbage
      out += "<<<<<<< merge conflict garbage\n";
      ++m_totals.skipped_lines;
    } else if (pick < 10) {  // a line truncated mid-write, then the file went on
      std::string l = assistant_line("msg_trunc" + hex(8), "req_t", "claude-sonnet-4-5-20250929",
                                     TokenCounts{1, 1, 0, 0, 0, 0}, sidechain, false);
      out += truncated(l, l.size() / 2) + "\n";
      ++m_totals.skipped_lines;
    } else if (pick < 13) {  // <synthetic>: no real usage
      out +=
          R"({"type":"assistant","timestamp":")" + ts + R"(","sessionId":")" + m_session + R"(","message":{"id":")" +
          uuid() +
          R"(","model":"<synthetic>","content":[{"type":"text","text":"No response requested."}],"usage":{"input_tokens":0,"output_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}})"
          "\n";
      ++m_totals.synthetic_lines;
    } else if (pick < 16) {  // a Task result's usage summary: not a request
      out +=
          R"({"type":"user","timestamp":")" + ts +
          R"(","message":{"role":"user","content":"done"},"toolUseResult":{"status":"completed","totalTokens":5000,"usage":{"input_tokens":4000,"output_tokens":1000}}})"
          "\n";
    } else if (pick < 18) {  // Claude Code's own running totals
      if (m_session_claimable)
        out += R"({"type":"cost-state","sessionId":")" + m_session +
               R"(","totalCostUSD":1.25,"modelUsage":{"claude-sonnet-4-5":{"inputTokens":1,"outputTokens":2}}})"
               "\n";
    } else if (pick < 19) {  // a model nobody prices
      request(out, "acme-local-coder", sidechain);
    }
  }

  void write_file(const fs::path& path, const std::string& data) {
    fs::create_directories(path.parent_path());
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("cannot write " + path.string());
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
    ++m_totals.files;
    m_totals.bytes += static_cast<int64_t>(data.size());
  }

  std::string body(uint64_t target, bool sidechain) {
    std::string out;
    out.reserve(target + 4096);
    // About one request per 7.6 KB: ~150k requests in ~1.2 GiB.
    const uint64_t per_request = 7600;
    std::string model = k_models[m_rng() % (sizeof(k_models) / sizeof(k_models[0]))];
    out += R"({"type":"queue-operation","operation":"dequeue","timestamp":")" + format_iso8601_ms(m_ts) +
           R"(","sessionId":")" + m_session + "\"}\n";
    while (out.size() < target) {
      size_t before = out.size();
      request(out, model, sidechain);
      edge_lines(out, sidechain);
      size_t used = out.size() - before;
      uint64_t payload = per_request > used + 900 ? per_request - used - 900 : 64;
      // Tool outputs dominate the bytes; a few are huge.
      payload = static_cast<uint64_t>(static_cast<double>(payload) * (0.2 + 1.6 * (m_rng() % 1000) / 1000.0));
      if (chance(0.01)) payload *= 20;
      out += user_line(std::min<uint64_t>(payload, target > out.size() ? target - out.size() + 64 : 64), sidechain);
    }
    return out;
  }

  void write_session(int index, uint64_t size) {
    // Subagents: separate, billed requests in <session>/subagents/, one file
    // of the size distribution like any other transcript.
    if (index > 0 && !m_session.empty() && chance(0.12)) {
      write_file(m_dir / "projects" / m_project / m_session / "subagents" / ("agent-a" + hex(16) + ".jsonl"),
                 body(size, true));
      return;
    }
    m_session = uuid();
    m_session_claimable = false;
    m_cwd = "/home/dev/project" + std::to_string(index % 40);
    m_project = "-home-dev-project" + std::to_string(index % 40);
    m_ts = 1788220800000LL + static_cast<int64_t>(index) * 1500000;  // from 2026-09-01, spread over ~52 days
    std::string out;
    if (m_spec.edge_cases && index > 0 && chance(0.05) && !m_recent.empty()) {
      // A resumed session copies earlier messages into its new file.
      for (const auto& l : m_recent) {
        out += l;
        ++m_totals.usage_lines;
      }
    }
    out += body(size, false);
    if (m_spec.edge_cases && chance(0.05)) {
      // The agent was still writing the last line.
      std::string l = assistant_line("msg_tail" + hex(8), "req_tail", "claude-sonnet-4-5-20250929",
                                     TokenCounts{1, 1, 0, 0, 0, 0}, false, false);
      out += truncated(l, l.size() / 3);
      ++m_totals.skipped_lines;
    }
    write_file(m_dir / "projects" / m_project / (m_session + ".jsonl"), out);
  }

  fs::path m_dir;
  CorpusSpec m_spec;
  std::mt19937_64 m_rng;
  std::string m_filler;
  std::string m_session, m_cwd, m_project;
  bool m_session_claimable = false;  // the session holds the cost-state line's claim (request())
  int64_t m_ts = 0;
  std::unordered_map<std::string, Known> m_known;
  std::vector<std::string> m_recent;
  CorpusTotals m_totals;
};

}  // namespace

CorpusTotals generate_corpus(const fs::path& claude_dir, const CorpusSpec& spec) {
  Generator g(claude_dir, spec);
  return g.run();
}

}  // namespace clown::bench
