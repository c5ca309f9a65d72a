#include "bench/codex_corpus.hpp"

#include <zstd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/time.hpp"

namespace clown::bench {

namespace fs = std::filesystem;

namespace {

struct Usage {
  int64_t input = 0, cached = 0, output = 0, reasoning = 0;
  Usage& operator+=(const Usage& o) {
    input += o.input, cached += o.cached, output += o.output, reasoning += o.reasoning;
    return *this;
  }
};

std::string usage_json(const Usage& u) {
  return "{\"input_tokens\":" + std::to_string(u.input) + ",\"cached_input_tokens\":" + std::to_string(u.cached) +
         ",\"cache_write_input_tokens\":0,\"output_tokens\":" + std::to_string(u.output) +
         ",\"reasoning_output_tokens\":" + std::to_string(u.reasoning) +
         ",\"total_tokens\":" + std::to_string(u.input + u.output) + "}";
}

const char* const k_models[] = {"gpt-5-codex", "gpt-5-codex", "gpt-5.1-codex", "gpt-5.1-codex-mini"};

class Writer {
 public:
  Writer(const fs::path& home, const CodexCorpusSpec& spec) : m_home(home), m_spec(spec), m_rng(spec.seed) {
    const char alphabet[] = "abcdefghijklmnopqrstuvwxyz      0123456789.,;:()[]{}<>=+-_/*#@!?|~";
    m_filler.resize(1u << 20);
    for (auto& c : m_filler) c = alphabet[m_rng() % (sizeof(alphabet) - 1)];
  }

  CodexCorpusTotals run() {
    std::vector<std::pair<std::string, Usage>> parents;  // thread id, total
    for (int i = 0; i < m_spec.threads; ++i) {
      const int kind = static_cast<int>(m_rng() % 100);
      if (kind < 5 && !parents.empty()) {
        const auto& parent = parents[m_rng() % parents.size()];
        thread(i, parent.first, parent.second, false);  // a fork: totals start from the parent's
      } else if (kind < 10 && !parents.empty()) {
        thread(i, parents.back().first, Usage{}, true);  // a subagent of the last thread
      } else {
        const std::string tid = thread(i, "", Usage{}, false);
        parents.emplace_back(tid, m_last_total);
      }
    }
    return m_totals;
  }

 private:
  std::string id(int i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "019a%04x-%04x-7%03x-8%03x-%012llx", i & 0xffff,
                  static_cast<unsigned>(m_rng() & 0xffff), static_cast<unsigned>(m_rng() & 0xfff),
                  static_cast<unsigned>(m_rng() & 0xfff), static_cast<unsigned long long>(m_rng() & 0xffffffffffffULL));
    return buf;
  }
  std::string ts() {
    m_ms += 200 + static_cast<int64_t>(m_rng() % 5000);
    return format_iso8601_ms(m_ms);
  }
  std::string line(const std::string& type, const std::string& payload) {
    return "{\"timestamp\":\"" + ts() + "\",\"ordinal\":" + std::to_string(m_ordinal++) + ",\"type\":\"" + type +
           "\",\"payload\":" + payload + "}\n";
  }
  std::string filler(size_t n) { return m_filler.substr(m_rng() % (m_filler.size() - n), n); }
  Usage usage() {
    Usage u;
    u.input = 2000 + static_cast<int64_t>(m_rng() % 60000);
    u.cached = static_cast<int64_t>(m_rng() % static_cast<uint64_t>(u.input)) / 128 * 128;
    u.output = 20 + static_cast<int64_t>(m_rng() % 3000);
    u.reasoning = static_cast<int64_t>(m_rng() % static_cast<uint64_t>(u.output));
    return u;
  }
  void count(const Usage& u) {
    ++m_totals.requests;
    m_totals.tokens.input += u.input - u.cached;
    m_totals.tokens.cache_read += u.cached;
    m_totals.tokens.output += u.output;
  }

  // One rollout; returns its thread id. `base` is a fork's starting total.
  std::string thread(int i, const std::string& parent, Usage base, bool subagent);
  std::string turns(const std::string& tid, const std::string& sid, bool old_format, Usage& total);
  void save(const fs::path& file, const std::string& text, bool compress, bool archive_copy);

  fs::path m_home;
  CodexCorpusSpec m_spec;
  std::mt19937_64 m_rng;
  std::string m_filler;
  CodexCorpusTotals m_totals;
  Usage m_last_total;
  int64_t m_ms = 1767225600000;  // 2026-01-01
  int64_t m_ordinal = 0;
  int64_t m_response = 0;
  int64_t m_bad_lines = 0;  // in the thread being written
};

std::string Writer::turns(const std::string& tid, const std::string& sid, bool old_format, Usage& total) {
  std::string out;
  const int n_turns = 1 + static_cast<int>(m_rng() % 6);
  const std::string model = k_models[m_rng() % 4];
  for (int t = 0; t < n_turns; ++t) {
    out += line("turn_context", "{\"turn_id\":\"t" + std::to_string(t) + "\",\"cwd\":\"/home/u/src/app\",\"model\":\"" +
                                    model + "\",\"approval_policy\":\"never\"}");
    out += line("response_item",
                "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
                "\"text\":\"" +
                    filler(200) + "\"}]}");
    const int n_requests = 1 + static_cast<int>(m_rng() % 5);
    for (int r = 0; r < n_requests; ++r) {
      const Usage u = usage();
      count(u);
      out += line("response_item",
                  "{\"type\":\"reasoning\",\"summary\":[],\"encrypted_content\":\"" + filler(800) + "\"}");
      out += line("response_item",
                  "{\"type\":\"function_call\",\"name\":\"shell\",\"arguments\":\"{}\",\"call_id\":\"c\"}");
      if (!old_format)
        out += line("token_usage_record", "{\"thread_id\":\"" + tid + "\",\"session_id\":\"" + sid +
                                              "\",\"response_id\":\"resp_" + std::to_string(m_spec.seed) + "_" +
                                              std::to_string(m_response++) + "\",\"usage\":" + usage_json(u) + "}");
      const size_t out_size = static_cast<size_t>((200 + m_rng() % 12000) * m_spec.scale);
      out += line("response_item", "{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"" +
                                       filler(std::min<size_t>(out_size, m_filler.size() / 2)) + "\"}");
      total += u;
      const std::string info = "{\"total_token_usage\":" + usage_json(total) +
                               ",\"last_token_usage\":" + usage_json(u) + ",\"model_context_window\":258400}";
      out += line("event_msg", "{\"type\":\"token_count\",\"info\":" + info + ",\"rate_limits\":null}");
      if (m_rng() % 10 == 0)  // an interrupted turn re-emits the unchanged total
        out += line("event_msg", "{\"type\":\"token_count\",\"info\":" + info + ",\"rate_limits\":null}");
    }
    if (m_rng() % 20 == 0)  // a compaction embeds a copy of a record: never counted
      out += line("compacted",
                  "{\"message\":\"summary\",\"latest_token_usage_record\":{\"response_id\":\"resp_x\","
                  "\"usage\":" +
                      usage_json(usage()) + "}}");
  }
  if (m_rng() % 15 == 0) out += line("event_msg", "{\"type\":\"token_count\",\"info\":null,\"rate_limits\":null}");
  return out;
}

std::string Writer::thread(int i, const std::string& parent, Usage base, bool subagent) {
  const std::string tid = id(i);
  const std::string sid = subagent ? parent : tid;
  const bool old_format = m_rng() % 10 == 0;
  m_ordinal = 0;
  std::string meta = "{\"id\":\"" + tid + "\",\"session_id\":\"" + sid + "\",\"timestamp\":\"" + ts() +
                     "\",\"cwd\":\"/home/u/src/app\",\"originator\":\"codex_exec\",\"cli_version\":\"0.169.0\"," +
                     "\"model_provider\":\"openai\",\"base_instructions\":{\"text\":\"" + filler(12000) + "\"}";
  if (!parent.empty() && !subagent) meta += ",\"forked_from_id\":\"" + parent + "\"";
  if (subagent) meta += ",\"source\":{\"subagent\":{\"thread_spawn\":{\"parent_thread_id\":\"" + parent + "\"}}}";
  std::string text = line("session_meta", meta + "}");
  Usage total = base;
  text += turns(tid, sid, old_format, total);
  m_bad_lines = 0;
  if (m_rng() % 25 == 0) {  // an unreadable line, counted as skipped
    text += "{\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"type\":\"token_usage_record\",\"payload\":{\"usage\":\n";
    m_bad_lines = 1;
  }
  m_last_total = total;
  char day[32];
  std::snprintf(day, sizeof day, "sessions/2026/%02d/%02d", 1 + i % 12, 1 + i % 28);
  const fs::path file = m_home / day / ("rollout-2026-01-01T00-00-00-" + tid + ".jsonl");
  save(file, text, m_rng() % 10 == 0, m_rng() % 30 == 0);
  return tid;
}

void Writer::save(const fs::path& file, const std::string& text, bool compress, bool archive_copy) {
  fs::create_directories(file.parent_path());
  std::string bytes = text;
  fs::path target = file;
  if (compress) {
    std::string packed(ZSTD_compressBound(text.size()), '\0');
    const size_t n = ZSTD_compress(packed.data(), packed.size(), text.data(), text.size(), 3);
    if (ZSTD_isError(n)) throw std::runtime_error("zstd failed");
    packed.resize(n);
    bytes = std::move(packed);
    target += ".zst";
  }
  std::ofstream(target, std::ios::binary) << bytes;
  // A session in both sessions/ and archived_sessions/ counts once; its bad
  // lines are skipped in each file read.
  for (int copies = archive_copy ? 2 : 1; copies > 0; --copies) {
    ++m_totals.files;
    m_totals.bytes += static_cast<int64_t>(bytes.size());
    m_totals.skipped_lines += m_bad_lines;
  }
  if (archive_copy) {
    fs::create_directories(m_home / "archived_sessions");
    fs::copy_file(target, m_home / "archived_sessions" / target.filename(), fs::copy_options::overwrite_existing);
  }
}

}  // namespace

CodexCorpusTotals generate_codex_corpus(const fs::path& codex_home, const CodexCorpusSpec& spec) {
  return Writer(codex_home, spec).run();
}

}  // namespace clown::bench
