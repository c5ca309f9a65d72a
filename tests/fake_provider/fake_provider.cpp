// fake_provider: a small Anthropic-compatible Messages API server for the e2e
// tests, so the real Claude Code CLI can run against a local, deterministic
// model. It answers from a seed: the first turn of a conversation asks for a
// `Bash` tool call (`echo hi`), the turn after the tool_result ends with text.
// Usage numbers differ per request (seed + request number) and include a
// 5-minute / 1-hour cache-write split. Every request is recorded as one JSON
// line in the --record file (flushed per line) so tests can sum what was
// returned and check which key and model the client sent.
//
//   fake_provider --port 0 --seed N --record FILE [--port-file FILE]
//                 [--mode normal|fail500|unauthorized|slow] [--expect-key KEY]
//                 [--thinking]   (a thinking block first when the request enables thinking)
//                 [--delay-ms N] (answer each request N ms after recording it)
//                 [--no-request-id] (send no `request-id` header, like gateways that omit it)
//                 [--ratelimit-headers] (subscription rate-limit headers on each answer)
//                 [--tool-use NAME [--tool-input JSON]] (the first turn calls tool NAME, e.g.
//                                    the MCP tool mcp__clown__usage_summary, with input JSON
//                                    (default {}), when the request offers it)
//
// A request whose last user message carries tool results records their
// content in `tool_results` (what the client sent back).
//
// Besides the main loop, interactive Claude Code makes side requests that no
// transcript records: a session title (output_config JSON schema {title}) and
// /compact summaries (the main-loop request shape whose last user message asks
// for "<analysis>…<summary>" text). Each gets an answer of the shape Claude
// Code expects, and the record's `kind` says which it was.
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace {

using json = nlohmann::json;

enum class Mode { normal, fail500, unauthorized, slow };

struct Options {
  int port = 0;
  std::uint64_t seed = 1;
  std::string record_path;
  std::string port_file;
  std::string expect_key;
  Mode mode = Mode::normal;
  bool thinking = false;             // answer requests that enable thinking with a thinking block first
  int delay_ms = 0;                  // hold each normal answer this long (recorded on arrival)
  bool no_request_id = false;        // omit the request-id response header
  bool ratelimit_headers = false;    // send anthropic-ratelimit-unified-* headers (see set_ratelimit_headers)
  std::string tool_use;              // --tool-use: the tool the first turn calls instead of Bash
  json tool_input = json::object();  // --tool-input: its input
};

struct Usage {
  std::int64_t input = 0;
  std::int64_t output = 0;
  std::int64_t cache_5m = 0;
  std::int64_t cache_1h = 0;
  std::int64_t cache_read = 0;
};

// splitmix64: a tiny, well-mixed deterministic generator.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Ids are derived from (salt, request number); message, request and tool ids
// use different salts (seed*4, seed*4+1, seed*4+2) so they never share digits.
std::string hex_id(std::uint64_t a, std::uint64_t b, std::size_t len) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  std::uint64_t state = mix(a * 1000003ULL + b);
  while (out.size() < len) {
    state = mix(state);
    for (int i = 0; i < 16 && out.size() < len; ++i) out += digits[(state >> (i * 4)) & 0xf];
  }
  return out;
}

// The input side stays far below 200k tokens so no long-context price applies.
Usage usage_for(std::uint64_t seed, std::uint64_t n) {
  std::uint64_t h = mix(seed * 7919ULL + n);
  Usage u;
  u.input = 3 + static_cast<std::int64_t>(h % 500);
  h = mix(h);
  u.output = 12 + static_cast<std::int64_t>(h % 400);
  h = mix(h);
  u.cache_5m = static_cast<std::int64_t>(h % 4000);
  h = mix(h);
  u.cache_1h = static_cast<std::int64_t>(h % 1500);
  h = mix(h);
  u.cache_read = static_cast<std::int64_t>(h % 40000);
  return u;
}

json usage_json(const Usage& u, std::int64_t output_tokens) {
  return {{"input_tokens", u.input},
          {"cache_creation_input_tokens", u.cache_5m + u.cache_1h},
          {"cache_read_input_tokens", u.cache_read},
          {"cache_creation", {{"ephemeral_5m_input_tokens", u.cache_5m}, {"ephemeral_1h_input_tokens", u.cache_1h}}},
          {"output_tokens", output_tokens},
          {"service_tier", "standard"}};
}

std::string now_iso() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

// One content block of a planned reply.
struct Block {
  std::string type;  // "text" or "tool_use"
  std::string text;
  std::string tool_id;
  std::string tool_name;
  json tool_input;
};

struct Reply {
  // The record's classification: "tool_use" / "text" (a main-loop or subagent
  // request, answered with a tool call / text), "title", "compact", "side"
  // (any other tool-less side request: topic detection, quota checks).
  std::string kind;
  std::vector<Block> blocks;
  std::string stop_reason;
};

std::string flatten_text(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (content.is_array()) {
    for (const auto& block : content) {
      if (block.is_object() && block.value("type", "") == "text" && block.contains("text") && block["text"].is_string())
        out += block["text"].get<std::string>() + "\n";
    }
  }
  return out;
}

bool has_tool_result(const json& content) {
  if (!content.is_array()) return false;
  for (const auto& block : content)
    if (block.is_object() && block.value("type", "") == "tool_result") return true;
  return false;
}

// The tool_result blocks of the last message (a user message answering tool calls).
json tool_results(const json& body) {
  json out = json::array();
  if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty()) return out;
  const json& last = body["messages"].back();
  if (!last.is_object() || !last.contains("content") || !last["content"].is_array()) return out;
  for (const auto& block : last["content"])
    if (block.is_object() && block.value("type", "") == "tool_result") out.push_back(block);
  return out;
}

bool has_tool(const json& body, const std::string& name) {
  if (!body.contains("tools") || !body["tools"].is_array()) return false;
  for (const auto& tool : body["tools"])
    if (tool.is_object() && tool.value("name", "") == name) return true;
  return false;
}

// A prompt containing this word makes the first turn spawn a subagent with the
// Task (newer: Agent) tool. It is unusual on purpose: Claude Code's own
// system reminders in the first user message talk about subagents.
constexpr const char* k_subagent_trigger = "SPAWN_SUBAGENT";

// The text of the last user message (compaction instructions arrive there).
std::string last_user_text(const json& messages) {
  for (auto it = messages.rbegin(); it != messages.rend(); ++it)
    if (it->is_object() && it->value("role", "") == "user")
      return flatten_text(it->contains("content") ? (*it)["content"] : json());
  return "";
}

// Claude Code's /compact (and auto-compact) prompt, 2.1.197 and 2.1.328 alike,
// contains this sentence; 2.1.328 retries once, with an extra paragraph, when
// the answer has no <summary>…</summary>.
constexpr const char* k_compact_marker = "create a detailed summary of the conversation";

// Title requests (2.1.197 and 2.1.328) ask for structured output:
// output_config.format = {type: json_schema, schema: {properties: {title}}}.
bool wants_title_schema(const json& body) {
  if (!body.contains("output_config") || !body["output_config"].is_object()) return false;
  const json& format = body["output_config"].value("format", json::object());
  if (!format.is_object() || !format.contains("schema") || !format["schema"].is_object()) return false;
  const json& props = format["schema"].value("properties", json::object());
  return props.is_object() && props.contains("title");
}

// Decides the reply from the conversation so far: only the first turn of a
// conversation (no assistant message yet) asks for a tool. Claude Code also makes side
// requests without tools (titles, topic detection, quota checks): those get a
// short text answer, in JSON when the system prompt asks for JSON.
Reply plan_reply(const json& body, std::uint64_t seed, std::uint64_t n, const std::string& tool_use,
                 const json& tool_input) {
  Reply reply;
  const json messages = body.contains("messages") && body["messages"].is_array() ? body["messages"] : json::array();
  std::string first_user;
  for (const auto& m : messages) {
    if (m.is_object() && m.value("role", "") == "user") {
      first_user = flatten_text(m.contains("content") ? m["content"] : json());
      break;
    }
  }
  bool after_tool = false;
  bool first_turn = true;
  for (const auto& m : messages)
    if (m.is_object() && m.value("role", "") == "assistant") first_turn = false;
  if (!messages.empty()) {
    const auto& last = messages.back();
    if (last.is_object() && last.value("role", "") == "user" && last.contains("content"))
      after_tool = has_tool_result(last["content"]);
  }
  std::string system_text;
  if (body.contains("system")) system_text = flatten_text(body["system"]);

  // Claude Code names its tools `Bash` and `Task` (newer: `Agent`); opencode
  // names them `bash` and `task` (its general-purpose subagent is "general").
  std::string task_tool = has_tool(body, "Task")    ? "Task"
                          : has_tool(body, "Agent") ? "Agent"
                          : has_tool(body, "task")  ? "task"
                                                    : "";
  std::string bash_tool = has_tool(body, "Bash") ? "Bash" : (has_tool(body, "bash") ? "bash" : "");
  if (last_user_text(messages).find(k_compact_marker) != std::string::npos) {
    // The shape Claude Code parses: an <analysis> block, then <summary>.
    reply.kind = "compact";
    reply.blocks.push_back({"text",
                            "<analysis>\nThe user ran `echo hi` and chatted.\n</analysis>\n\n<summary>\n"
                            "1. Primary Request and Intent:\n   Run `echo hi`.\n\n"
                            "2. Current Work:\n   Done; it printed hi.\n</summary>",
                            "", "", json()});
    reply.stop_reason = "end_turn";
  } else if (after_tool) {
    reply.kind = "text";
    reply.blocks.push_back({"text", "The command ran and printed: hi", "", "", json()});
    reply.stop_reason = "end_turn";
  } else if (!first_turn) {
    // A later turn without a tool result (e.g. Claude Code 2.1.3xx reports a
    // background subagent's end as a new user message): finish, never loop.
    reply.kind = "text";
    reply.blocks.push_back({"text", "Done.", "", "", json()});
    reply.stop_reason = "end_turn";
  } else if (!tool_use.empty() && has_tool(body, tool_use)) {
    reply.kind = "tool_use";
    reply.blocks.push_back({"tool_use", "", "toolu_01" + hex_id(seed * 4 + 2, n, 22), tool_use, tool_input});
    reply.stop_reason = "tool_use";
  } else if (!task_tool.empty() && first_user.find(k_subagent_trigger) != std::string::npos) {
    reply.kind = "tool_use";
    reply.blocks.push_back({"text", "I'll delegate this to a subagent.", "", "", json()});
    reply.blocks.push_back(
        {"tool_use", "", "toolu_01" + hex_id(seed * 4 + 2, n, 22), task_tool,
         json{{"description", "Run echo hi"},
              {"prompt", "Run the shell command `echo hi` with the Bash tool and report its output."},
              {"subagent_type", task_tool == "task" ? "general" : "general-purpose"}}});
    reply.stop_reason = "tool_use";
  } else if (!bash_tool.empty()) {
    reply.kind = "tool_use";
    reply.blocks.push_back({"text", "I'll run the command.", "", "", json()});
    reply.blocks.push_back({"tool_use", "", "toolu_01" + hex_id(seed * 4 + 2, n, 22), bash_tool,
                            json{{"command", "echo hi"}, {"description", "Print hi"}}});
    reply.stop_reason = "tool_use";
  } else {
    reply.kind = "side";
    std::string text = "OK";
    if (wants_title_schema(body)) {
      reply.kind = "title";
      text = R"({"title": "Echo test"})";
    } else if (system_text.find("isNewTopic") != std::string::npos)
      text = R"({"isNewTopic": true, "title": "Echo test"})";
    else if (system_text.find("JSON") != std::string::npos || system_text.find("json") != std::string::npos)
      text = R"({"title": "Echo test"})";
    else if (system_text.find("title") != std::string::npos)
      text = "Echo test";
    if (reply.kind == "side" && system_text.find("title") != std::string::npos &&
        system_text.find("isNewTopic") == std::string::npos)
      reply.kind = "title";
    reply.blocks.push_back({"text", text, "", "", json()});
    reply.stop_reason = "end_turn";
  }
  return reply;
}

json block_json(const Block& b) {
  if (b.type == "text") return {{"type", "text"}, {"text", b.text}};
  if (b.type == "thinking") return {{"type", "thinking"}, {"thinking", b.text}, {"signature", b.tool_id}};
  return {{"type", "tool_use"}, {"id", b.tool_id}, {"name", b.tool_name}, {"input", b.tool_input}};
}

std::string sse(const std::string& event, const json& data) {
  return "event: " + event + "\ndata: " + data.dump() + "\n\n";
}

// The event sequence Anthropic's streaming API sends for one message.
std::string stream_body(const std::string& id, const std::string& model, const Reply& reply, const Usage& u) {
  std::string out;
  out += sse("message_start", {{"type", "message_start"},
                               {"message",
                                {{"id", id},
                                 {"type", "message"},
                                 {"role", "assistant"},
                                 {"model", model},
                                 {"content", json::array()},
                                 {"stop_reason", nullptr},
                                 {"stop_sequence", nullptr},
                                 {"usage", usage_json(u, 1)}}}});
  out += sse("ping", {{"type", "ping"}});
  for (std::size_t i = 0; i < reply.blocks.size(); ++i) {
    const Block& b = reply.blocks[i];
    if (b.type == "thinking") {
      out +=
          sse("content_block_start", {{"type", "content_block_start"},
                                      {"index", i},
                                      {"content_block", {{"type", "thinking"}, {"thinking", ""}, {"signature", ""}}}});
      out += sse("content_block_delta", {{"type", "content_block_delta"},
                                         {"index", i},
                                         {"delta", {{"type", "thinking_delta"}, {"thinking", b.text}}}});
      out += sse("content_block_delta", {{"type", "content_block_delta"},
                                         {"index", i},
                                         {"delta", {{"type", "signature_delta"}, {"signature", b.tool_id}}}});
    } else if (b.type == "text") {
      out += sse("content_block_start",
                 {{"type", "content_block_start"}, {"index", i}, {"content_block", {{"type", "text"}, {"text", ""}}}});
      // Split the text in two deltas, as the real API streams it in pieces.
      std::size_t half = b.text.size() / 2;
      for (const auto& piece : {b.text.substr(0, half), b.text.substr(half)}) {
        out +=
            sse("content_block_delta",
                {{"type", "content_block_delta"}, {"index", i}, {"delta", {{"type", "text_delta"}, {"text", piece}}}});
      }
    } else {
      out += sse("content_block_start",
                 {{"type", "content_block_start"},
                  {"index", i},
                  {"content_block",
                   {{"type", "tool_use"}, {"id", b.tool_id}, {"name", b.tool_name}, {"input", json::object()}}}});
      std::string input = b.tool_input.dump();
      std::size_t half = input.size() / 2;
      for (const auto& piece : {std::string(), input.substr(0, half), input.substr(half)}) {
        out += sse("content_block_delta", {{"type", "content_block_delta"},
                                           {"index", i},
                                           {"delta", {{"type", "input_json_delta"}, {"partial_json", piece}}}});
      }
    }
    out += sse("content_block_stop", {{"type", "content_block_stop"}, {"index", i}});
  }
  out += sse("message_delta", {{"type", "message_delta"},
                               {"delta", {{"stop_reason", reply.stop_reason}, {"stop_sequence", nullptr}}},
                               {"usage", {{"output_tokens", u.output}}}});
  out += sse("message_stop", {{"type", "message_stop"}});
  return out;
}

json message_json(const std::string& id, const std::string& model, const Reply& reply, const Usage& u) {
  json content = json::array();
  for (const auto& b : reply.blocks) content.push_back(block_json(b));
  return {{"id", id},
          {"type", "message"},
          {"role", "assistant"},
          {"model", model},
          {"content", content},
          {"stop_reason", reply.stop_reason},
          {"stop_sequence", nullptr},
          {"usage", usage_json(u, u.output)}};
}

json error_json(const std::string& type, const std::string& message, const std::string& request_id) {
  return {{"type", "error"}, {"error", {{"type", type}, {"message", message}}}, {"request_id", request_id}};
}

// The unified rate-limit headers the Anthropic API sends to claude.ai
// subscribers. Claude Code (2.1.197, 2.1.328) reads
// anthropic-ratelimit-unified-{5h,7d}-{utilization,reset} (utilization a
// fraction 0..1, reset epoch seconds) into the statusLine input's
// rate_limits.{five_hour,seven_day} — only when it authenticates with OAuth
// (e.g. CLAUDE_CODE_OAUTH_TOKEN). Utilization grows with the request number so
// a capture shows which answer a statusLine input reflects; the reset times
// are fixed at start-up (next whole hour + 4 h, next whole hour + 6 days).
struct RateLimits {
  std::int64_t reset_5h = 0;
  std::int64_t reset_7d = 0;
};

json set_ratelimit_headers(httplib::Response& res, const RateLimits& limits, std::uint64_t n) {
  char five[32], seven[32];
  std::snprintf(five, sizeof five, "%.2f", std::min(1.0, 0.20 + 0.01 * static_cast<double>(n)));
  std::snprintf(seven, sizeof seven, "%.3f", std::min(1.0, 0.50 + 0.001 * static_cast<double>(n)));
  json sent = {{"anthropic-ratelimit-unified-status", "allowed"},
               {"anthropic-ratelimit-unified-reset", std::to_string(limits.reset_5h)},
               {"anthropic-ratelimit-unified-representative-claim", "five_hour"},
               {"anthropic-ratelimit-unified-5h-status", "allowed"},
               {"anthropic-ratelimit-unified-5h-utilization", five},
               {"anthropic-ratelimit-unified-5h-reset", std::to_string(limits.reset_5h)},
               {"anthropic-ratelimit-unified-7d-status", "allowed"},
               {"anthropic-ratelimit-unified-7d-utilization", seven},
               {"anthropic-ratelimit-unified-7d-reset", std::to_string(limits.reset_7d)}};
  for (const auto& [name, value] : sent.items()) res.set_header(name, value.get<std::string>());
  return sent;
}

class Provider {
 public:
  explicit Provider(Options options) : m_options(std::move(options)) {
    if (!m_options.record_path.empty()) {
      m_record = std::fopen(m_options.record_path.c_str(), "a");
      if (!m_record) {
        std::cerr << "fake_provider: cannot open record file " << m_options.record_path << "\n";
        std::exit(1);
      }
    }
    std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    std::int64_t next_hour = (now / 3600 + 1) * 3600;
    m_limits = {next_hour + 4 * 3600, next_hour + 6 * 24 * 3600};
  }

  std::uint64_t next_request() {
    std::lock_guard lock(m_mutex);
    return ++m_count;
  }

  void record(const json& line) {
    std::lock_guard lock(m_mutex);
    if (!m_record) return;
    std::string text = line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), m_record);
    std::fflush(m_record);
  }

  // Which header carried the key: Claude Code sends `x-api-key` for
  // ANTHROPIC_API_KEY and `Authorization: Bearer` for ANTHROPIC_AUTH_TOKEN.
  static void auth_of(const httplib::Request& req, std::string& kind, std::string& value) {
    if (req.has_header("x-api-key")) {
      kind = "x-api-key";
      value = req.get_header_value("x-api-key");
    } else if (req.has_header("Authorization")) {
      std::string h = req.get_header_value("Authorization");
      kind = "bearer";
      value = h.rfind("Bearer ", 0) == 0 ? h.substr(7) : h;
    } else {
      kind = "none";
    }
  }

  void messages(const httplib::Request& req, httplib::Response& res) {
    std::uint64_t n = next_request();
    std::string request_id = "req_011" + hex_id(m_options.seed * 4, n, 21);
    json line = {{"n", n}, {"time", now_iso()}, {"method", req.method}, {"path", req.path}, {"request_id", request_id}};
    // --no-request-id: no header, "" in error bodies, null in the record.
    if (m_options.no_request_id) {
      request_id.clear();
      line["request_id"] = nullptr;
    }
    std::string auth_kind, auth_value;
    auth_of(req, auth_kind, auth_value);
    line["auth_kind"] = auth_kind;
    line["auth_value"] = auth_value;
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      res.status = 400;
      res.set_content(error_json("invalid_request_error", "body is not JSON", request_id).dump(), "application/json");
      line["status"] = 400;
      record(line);
      return;
    }
    std::string model = body.value("model", "");
    bool stream = body.value("stream", false);
    line["model"] = model;
    line["stream"] = stream;
    line["max_tokens"] = body.value("max_tokens", 0);
    line["tools"] = body.contains("tools") && body["tools"].is_array() ? body["tools"].size() : 0;
    // The start of the system prompt tells a main-loop request from a side
    // request (title, topic, quota check) when reading a record.
    if (body.contains("system")) line["system_head"] = flatten_text(body["system"]).substr(0, 100);
    if (!m_options.no_request_id) res.set_header("request-id", request_id);
    if (m_options.ratelimit_headers) line["ratelimit"] = set_ratelimit_headers(res, m_limits, n);

    bool bad_key = !m_options.expect_key.empty() && auth_value != m_options.expect_key;
    if (m_options.mode == Mode::unauthorized || bad_key) {
      res.status = 401;
      res.set_header("x-should-retry", "false");
      res.set_content(error_json("authentication_error", "invalid x-api-key", request_id).dump(), "application/json");
      line["status"] = 401;
      record(line);
      return;
    }
    if (m_options.mode == Mode::fail500) {
      res.status = 500;
      // The Anthropic SDK and Claude Code honour x-should-retry, so the client
      // fails at once instead of backing off for minutes.
      res.set_header("x-should-retry", "false");
      res.set_content(error_json("api_error", "Internal server error", request_id).dump(), "application/json");
      line["status"] = 500;
      record(line);
      return;
    }
    if (m_options.mode == Mode::slow) {
      line["status"] = 200;
      line["slow"] = true;
      record(line);
      // Hold the response open, sending only keep-alive pings, until the
      // client goes away (the write fails).
      res.set_chunked_content_provider("text/event-stream", [this, n](std::size_t, httplib::DataSink& sink) {
        std::string ping = sse("ping", {{"type", "ping"}});
        while (sink.write(ping.data(), ping.size())) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        record({{"n", n}, {"time", now_iso()}, {"event", "client_disconnected"}});
        return false;
      });
      return;
    }

    Reply reply = plan_reply(body, m_options.seed, n, m_options.tool_use, m_options.tool_input);
    if (json results = tool_results(body); !results.empty()) line["tool_results"] = std::move(results);
    if (!m_options.tool_use.empty()) {
      // Which tools the client offered: an MCP client may defer its tools.
      json names = json::array();
      for (const auto& t : body.value("tools", json::array()))
        if (t.is_object()) names.push_back(t.value("name", ""));
      line["tool_names"] = std::move(names);
    }
    bool wants_thinking =
        body.contains("thinking") && body["thinking"].is_object() && body["thinking"].value("type", "") == "enabled";
    if (m_options.thinking && wants_thinking) {
      // The signature is opaque to clients; a fixed-shape base64-ish string.
      reply.blocks.insert(reply.blocks.begin(), {"thinking", "The user wants a shell command run.",
                                                 "EqQB" + hex_id(m_options.seed * 4 + 3, n, 40), "", json()});
    }
    Usage u = usage_for(m_options.seed, n);
    std::string id = "msg_01" + hex_id(m_options.seed * 4 + 1, n, 22);
    line["status"] = 200;
    line["message_id"] = id;
    line["kind"] = reply.kind;
    line["stop_reason"] = reply.stop_reason;
    line["usage"] = usage_json(u, u.output);
    if (stream) {
      res.set_header("Cache-Control", "no-cache");
      res.set_content(stream_body(id, model, reply, u), "text/event-stream");
    } else {
      res.set_content(message_json(id, model, reply, u).dump(), "application/json");
    }
    record(line);
    // The answer leaves when the handler returns: the record line exists first,
    // so a test can act while the client waits.
    if (m_options.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(m_options.delay_ms));
  }

  void count_tokens(const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    std::string auth_kind, auth_value;
    auth_of(req, auth_kind, auth_value);
    std::int64_t tokens = static_cast<std::int64_t>(req.body.size() / 4) + 1;
    record({{"time", now_iso()},
            {"method", req.method},
            {"path", req.path},
            {"auth_kind", auth_kind},
            {"auth_value", auth_value},
            {"model", body.is_object() ? body.value("model", "") : ""},
            {"input_tokens", tokens}});
    res.set_content(json{{"input_tokens", tokens}}.dump(), "application/json");
  }

  // Anything else Claude Code asks at start-up gets an empty JSON answer and a
  // record line, so we can see what it tried.
  void other(const httplib::Request& req, httplib::Response& res) {
    record({{"time", now_iso()}, {"method", req.method}, {"path", req.path}, {"unknown", true}});
    // Claude Code probes the base URL with HEAD (2.1.197: `/`, 2.1.328:
    // `/api/hello`) as a connectivity check: any answer will do, 200 is calmest.
    if (req.method == "HEAD") return;
    res.status = 404;
    res.set_content(error_json("not_found_error", "Not found: " + req.path, "").dump(), "application/json");
  }

  const Options& options() const { return m_options; }

 private:
  Options m_options;
  std::mutex m_mutex;
  std::uint64_t m_count = 0;
  std::FILE* m_record = nullptr;
  RateLimits m_limits;
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "fake_provider: " << message
            << "\nusage: fake_provider --port N --seed N --record FILE [--port-file FILE] "
               "[--mode normal|fail500|unauthorized|slow] [--expect-key KEY] [--thinking] [--delay-ms N] "
               "[--no-request-id] [--ratelimit-headers]\n";
  std::exit(2);
}

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--port")
      o.port = std::stoi(value());
    else if (a == "--seed")
      o.seed = std::stoull(value());
    else if (a == "--record")
      o.record_path = value();
    else if (a == "--port-file")
      o.port_file = value();
    else if (a == "--expect-key")
      o.expect_key = value();
    else if (a == "--thinking")
      o.thinking = true;
    else if (a == "--delay-ms")
      o.delay_ms = std::stoi(value());
    else if (a == "--no-request-id")
      o.no_request_id = true;
    else if (a == "--ratelimit-headers")
      o.ratelimit_headers = true;
    else if (a == "--tool-use")
      o.tool_use = value();
    else if (a == "--tool-input") {
      o.tool_input = json::parse(value(), nullptr, false);
      if (!o.tool_input.is_object()) usage_error("--tool-input needs a JSON object");
    } else if (a == "--mode") {
      std::string m = value();
      if (m == "normal")
        o.mode = Mode::normal;
      else if (m == "fail500")
        o.mode = Mode::fail500;
      else if (m == "unauthorized")
        o.mode = Mode::unauthorized;
      else if (m == "slow")
        o.mode = Mode::slow;
      else
        usage_error("unknown mode " + m);
    } else
      usage_error("unknown option " + a);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  Provider provider(parse_args(argc, argv));
  httplib::Server server;
  server.Post("/v1/messages",
              [&](const httplib::Request& req, httplib::Response& res) { provider.messages(req, res); });
  server.Post("/v1/messages/count_tokens",
              [&](const httplib::Request& req, httplib::Response& res) { provider.count_tokens(req, res); });
  auto other = [&](const httplib::Request& req, httplib::Response& res) { provider.other(req, res); };
  server.Get(".*", other);
  server.Post(".*", other);
  server.Put(".*", other);
  server.Delete(".*", other);
  server.Patch(".*", other);

  int port = provider.options().port;
  if (port == 0) {
    port = server.bind_to_any_port("127.0.0.1");
  } else if (!server.bind_to_port("127.0.0.1", port)) {
    port = -1;
  }
  if (port <= 0) {
    std::cerr << "fake_provider: cannot bind 127.0.0.1:" << provider.options().port
              << "; pick another port or use --port 0\n";
    return 1;
  }
  if (!provider.options().port_file.empty()) {
    // Written whole then renamed, so a reader never sees a partial number.
    std::string tmp = provider.options().port_file + ".tmp";
    {
      std::ofstream out(tmp);
      out << port << "\n";
    }
    std::filesystem::rename(tmp, provider.options().port_file);
  }
  std::cout << port << std::endl;
  return server.listen_after_bind() ? 0 : 1;
}
