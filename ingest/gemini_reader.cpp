#include "ingest/gemini_reader.hpp"

#include <string.h>

#include <algorithm>
#include <map>
#include <optional>
#include <system_error>
#include <unordered_map>

#include <simdjson.h>

#include "common/file_io.hpp"
#include "common/time.hpp"
#include "ingest/log_text.hpp"

namespace clown::ingest {

namespace {

namespace dom = simdjson::dom;
namespace fs = std::filesystem;

std::string_view string_or(dom::element e, std::string_view key, std::string_view fallback = {}) {
  std::string_view s;
  if (e[key].get(s)) return fallback;
  return s;
}

// A count: absent or null is 0; anything but an integer in [0, 10^9] is
// unreadable (docs/accuracy.md#token-range).
bool read_count(dom::element o, std::string_view key, int64_t& out) {
  dom::element v;
  out = 0;
  if (o[key].get(v) || v.is_null()) return true;
  return !v.get_int64().get(out) && store::token_count_in_range(out);
}

// tokens{input ⊇ cached, output, cached, thoughts, tool} = usageMetadata's
// promptTokenCount, candidatesTokenCount, cachedContentTokenCount,
// thoughtsTokenCount, toolUsePromptTokenCount (tests/data/gemini/README.md).
std::optional<store::TokenCounts> gemini_counts(dom::element tokens, const char* input_key, const char* cached_key,
                                                const char* output_key, const char* thoughts_key,
                                                const char* tool_key) {
  int64_t input = 0, cached = 0, output = 0, thoughts = 0, tool = 0;
  if (!read_count(tokens, input_key, input) || !read_count(tokens, cached_key, cached) ||
      !read_count(tokens, output_key, output) || !read_count(tokens, thoughts_key, thoughts) ||
      !read_count(tokens, tool_key, tool))
    return std::nullopt;
  store::TokenCounts t;
  t.cache_read = std::min(cached, input);
  t.input = input - t.cache_read + tool;
  t.output = output + thoughts;
  if (!t.in_range()) return std::nullopt;
  return t;
}

class ChatParser {
 public:
  explicit ChatParser(const GeminiChatFile& file) : m_file(file) {}

  void line(std::string_view text, bool complete) {
    ++m_scan.stats.lines;
    // Only lines with tokens or a session id matter (user prompts and
    // `$set.lastUpdated` lines are passed over without parsing).
    if (!memmem(text.data(), text.size(), "\"tokens\"", 8) && !memmem(text.data(), text.size(), "\"sessionId\"", 11))
      return;
    dom::element doc;
    if (m_parser.parse(text.data(), text.size(), false).get(doc) || !doc.is_object()) {
      if (complete) ++m_scan.stats.skipped_lines;
      return;
    }
    record(doc);
  }

  // The older format: one JSON document with a `messages` array.
  void document(std::string_view text) {
    dom::element doc;
    if (m_parser.parse(text.data(), text.size(), false).get(doc) || !doc.is_object()) {
      ++m_scan.stats.skipped_lines;
      return;
    }
    record(doc);
  }

  GeminiChatScan finish() {
    if (m_scan.session_id.empty()) m_scan.session_id = fs::path(m_file.path).stem().string();
    const std::string session = m_file.parent_session.empty() ? m_scan.session_id : m_file.parent_session;
    for (auto& r : m_scan.requests) {
      r.session_id = session;
      r.sidechain = !m_file.parent_session.empty();
      if (r.sidechain) r.subagent = m_scan.session_id;
    }
    return std::move(m_scan);
  }

 private:
  void record(dom::element doc) {
    dom::element set, messages;
    if (!doc["$set"].get(set) && set.is_object()) {
      if (auto id = string_or(set, "sessionId"); !id.empty()) m_scan.session_id = std::string(id);
      if (!set["messages"].get(messages)) message_list(messages);
      return;
    }
    if (!doc["id"].get(set)) {
      message(doc);
      return;
    }
    if (auto id = string_or(doc, "sessionId"); !id.empty() && m_scan.session_id.empty())
      m_scan.session_id = std::string(id);
    if (!doc["messages"].get(messages)) message_list(messages);
  }

  void message_list(dom::element messages) {
    dom::array list;
    if (messages.get_array().get(list)) return;
    for (dom::element m : list)
      if (m.is_object()) message(m);
  }

  void message(dom::element m) {
    dom::element tokens;
    if (string_or(m, "type") != "gemini" || m["tokens"].get(tokens) || tokens.is_null()) return;
    const std::string_view id = string_or(m, "id");
    const auto ts = parse_iso8601_ms(string_or(m, "timestamp"));
    const auto counts =
        tokens.is_object() ? gemini_counts(tokens, "input", "cached", "output", "thoughts", "tool") : std::nullopt;
    if (id.empty() || !ts || !counts) {
      ++m_scan.stats.skipped_lines;
      return;
    }
    ++m_scan.stats.usage_lines;
    store::RequestUsage r;
    r.key = "msg:" + std::string(id);
    r.ts_ms = *ts;
    r.model = std::string(string_or(m, "model", "unknown"));
    r.cwd = m_file.cwd;
    r.tokens = *counts;
    // Re-appended records: the last one of an id is its current state.
    auto [it, fresh] = m_index.try_emplace(r.key, m_scan.requests.size());
    if (fresh) {
      m_scan.requests.push_back(std::move(r));
    } else {
      ++m_scan.stats.duplicates;
      m_scan.requests[it->second] = std::move(r);
    }
  }

  const GeminiChatFile& m_file;
  dom::parser m_parser;
  GeminiChatScan m_scan;
  std::unordered_map<std::string, size_t> m_index;
};

// projects.json: {"projects": {"<abs cwd>": "<name>"}} -> name -> cwd.
std::map<std::string, std::string> project_dirs(const fs::path& gemini_dir) {
  std::map<std::string, std::string> out;
  auto text = read_file(gemini_dir / "projects.json");
  if (!text) return out;
  dom::parser parser;
  dom::element doc;
  dom::object projects;
  if (parser.parse(*text).get(doc) || doc["projects"].get_object().get(projects)) return out;
  for (auto [cwd, name] : projects) {
    std::string_view n;
    if (!name.get(n)) out.emplace(std::string(n), std::string(cwd));
  }
  return out;
}

bool is_chat_name(const fs::path& p) {
  const auto ext = p.extension();
  return ext == ".jsonl" || ext == ".json";
}

}  // namespace

GeminiChatScan parse_gemini_chat(std::string_view text, const GeminiChatFile& file) {
  ChatParser parser(file);
  const auto first = text.find_first_not_of(" \t\r\n");
  // A .json chat is one (pretty-printed) document; JSONL has one per line.
  if (fs::path(file.path).extension() == ".json" && first != std::string_view::npos)
    parser.document(text);
  else
    for_each_line(text, [&](std::string_view line, bool complete) { parser.line(line, complete); });
  return parser.finish();
}

Expected<GeminiChatScan> scan_gemini_chat(const GeminiChatFile& file) {
  TRY_ASSIGN(const auto text, LogText::read(file.path));
  auto scan = parse_gemini_chat(text.text(), file);
  scan.bytes_read = text.stored_bytes();
  return scan;
}

std::vector<GeminiChatFile> list_gemini_chats(const fs::path& gemini_home) {
  std::vector<GeminiChatFile> out;
  const auto gemini_dir = gemini_home / ".gemini";
  const auto projects = project_dirs(gemini_dir);
  std::error_code ec;
  for (fs::directory_iterator p(gemini_dir / "tmp", ec), end; !ec && p != end; p.increment(ec)) {
    const auto chats = p->path() / "chats";
    const auto found = projects.find(p->path().filename().string());
    const std::string cwd = found == projects.end() ? std::string() : found->second;
    std::error_code ec2;
    for (fs::directory_iterator c(chats, ec2), cend; !ec2 && c != cend; c.increment(ec2)) {
      if (c->is_directory(ec2)) {
        std::error_code ec3;
        for (fs::directory_iterator s(c->path(), ec3), send; !ec3 && s != send; s.increment(ec3))
          if (s->path().extension() == ".jsonl" && s->is_regular_file(ec3))
            out.push_back({s->path().string(), c->path().filename().string(), cwd});
      } else if (is_chat_name(c->path()) && c->is_regular_file(ec2)) {
        out.push_back({c->path().string(), "", cwd});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return out;
}

GeminiChatFile gemini_chat_file(const fs::path& path) {
  GeminiChatFile f{path.string(), "", ""};
  // .gemini/tmp/<project>/chats/[<parent>/]<file>
  fs::path chats = path.parent_path();
  if (chats.filename() != "chats") {
    f.parent_session = chats.filename().string();
    chats = chats.parent_path();
  }
  const auto project = chats.parent_path();
  const auto projects = project_dirs(project.parent_path().parent_path());
  if (auto it = projects.find(project.filename().string()); it != projects.end()) f.cwd = it->second;
  return f;
}

namespace {

// Calls fn(object) for each top-level JSON object of concatenated documents
// (the telemetry file exporter writes pretty-printed objects back to back).
template <class Fn>
void for_each_object(std::string_view text, Fn&& fn) {
  int depth = 0;
  bool in_string = false, escaped = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      if (depth++ == 0) start = i;
    } else if (c == '}' && depth > 0 && --depth == 0) {
      fn(text.substr(start, i + 1 - start));
    }
  }
}

}  // namespace

std::vector<store::RequestUsage> parse_gemini_utility_requests(std::string_view telemetry, ParseStats& stats) {
  std::vector<store::RequestUsage> out;
  dom::parser parser;
  for_each_object(telemetry, [&](std::string_view object) {
    if (!memmem(object.data(), object.size(), "gemini_cli.api_response", 23)) return;
    ++stats.lines;
    // simdjson reads up to SIMDJSON_PADDING bytes past the object: copy it.
    const simdjson::padded_string padded(object);
    dom::element doc, a;
    if (parser.parse(padded).get(doc) || doc["attributes"].get(a) || !a.is_object()) {
      ++stats.skipped_lines;
      return;
    }
    if (string_or(a, "event.name") != "gemini_cli.api_response") return;
    const std::string_view role = string_or(a, "role");
    if (role == "main" || role == "subagent") return;  // the chat files hold these
    const auto ts = parse_iso8601_ms(string_or(a, "event.timestamp"));
    const auto counts = gemini_counts(a, "input_token_count", "cached_content_token_count", "output_token_count",
                                      "thoughts_token_count", "tool_token_count");
    if (!ts || !counts) {
      ++stats.skipped_lines;
      return;
    }
    ++stats.usage_lines;
    store::RequestUsage r;
    r.session_id = std::string(string_or(a, "session.id"));
    r.key = "gemini-utility:" + r.session_id + ":" + std::string(string_or(a, "prompt_id")) + ":" +
            std::string(string_or(a, "event.timestamp"));
    r.ts_ms = *ts;
    r.model = std::string(string_or(a, "model", "unknown"));
    r.tokens = *counts;
    r.query_source = std::string(role);
    out.push_back(std::move(r));
  });
  return out;
}

}  // namespace clown::ingest
