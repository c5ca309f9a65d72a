// fake_openai: a small OpenAI-compatible server (Responses API and Chat
// Completions) for the e2e tests, so the real Codex CLI can run against a
// local, deterministic model. It answers from a seed: a turn whose input does
// not end with a tool output asks for a shell tool call (`echo hi`) when tools
// are offered, the turn after the tool output ends with text. Usage numbers
// differ per request (seed + request number) and always include cached input
// and reasoning output tokens. Every request is recorded as one JSON line in
// the --record file (flushed per line) so tests can sum what was returned and
// check which key, model and session the client sent.
//
//   fake_openai --port 0 --seed N --record FILE [--port-file FILE]
//               [--mode normal|fail500|unauthorized|slow] [--expect-key KEY]
//               [--delay-ms N] (answer each request N ms after recording it)
//               [--dump-dir DIR] (write each request body to DIR/<n>.json)
//               [--rate-limits] (send Codex's x-codex-* rate-limit headers)
//               [--cache-writes] (add input_tokens_details.cache_write_tokens)
//
// Wire formats follow OpenAI's API reference: Responses streams are SSE with
// `event: <type>` + `data: <json whose type repeats it>`; Chat Completions
// streams are `data: <chunk>` lines ending with `data: [DONE]`.
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

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
#include <vector>

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
  int delay_ms = 0;           // hold each normal answer this long (recorded on arrival)
  std::string dump_dir;       // write each request body to <dir>/<n>.json (debugging)
  bool rate_limits = false;   // send Codex's x-codex-primary/secondary-* rate-limit headers
  bool cache_writes = false;  // report input_tokens_details.cache_write_tokens (Responses API)
};

// OpenAI reports cached tokens as a part of the input tokens and reasoning
// tokens as a part of the output tokens (input_tokens_details.cached_tokens,
// output_tokens_details.reasoning_tokens); total = input + output.
struct Usage {
  std::int64_t input = 0;
  std::int64_t cached = 0;
  std::int64_t output = 0;
  std::int64_t reasoning = 0;
  std::int64_t cache_write = -1;  // input_tokens_details.cache_write_tokens; -1: not sent (OpenAI sends none)
  std::int64_t total() const { return input + output; }
};

// splitmix64: a tiny, well-mixed deterministic generator.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Ids are derived from (salt, request number); each id kind uses its own salt
// (seed*8 + k) so no two kinds share digits.
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

// Cached input is a multiple of 128 tokens, as OpenAI's prompt cache reports it.
Usage usage_for(std::uint64_t seed, std::uint64_t n) {
  std::uint64_t h = mix(seed * 7919ULL + n);
  Usage u;
  u.input = 2000 + static_cast<std::int64_t>(h % 9000);
  h = mix(h);
  u.cached = static_cast<std::int64_t>(h % static_cast<std::uint64_t>(u.input)) / 128 * 128;
  h = mix(h);
  u.output = 20 + static_cast<std::int64_t>(h % 700);
  h = mix(h);
  u.reasoning = 1 + static_cast<std::int64_t>(h % static_cast<std::uint64_t>(u.output - 1));
  return u;
}

json responses_usage_json(const Usage& u) {
  json input_details = {{"cached_tokens", u.cached}};
  if (u.cache_write >= 0) input_details["cache_write_tokens"] = u.cache_write;
  return {{"input_tokens", u.input},
          {"input_tokens_details", input_details},
          {"output_tokens", u.output},
          {"output_tokens_details", {{"reasoning_tokens", u.reasoning}}},
          {"total_tokens", u.total()}};
}

json chat_usage_json(const Usage& u) {
  return {{"prompt_tokens", u.input},
          {"completion_tokens", u.output},
          {"total_tokens", u.total()},
          {"prompt_tokens_details", {{"cached_tokens", u.cached}, {"audio_tokens", 0}}},
          {"completion_tokens_details",
           {{"reasoning_tokens", u.reasoning},
            {"audio_tokens", 0},
            {"accepted_prediction_tokens", 0},
            {"rejected_prediction_tokens", 0}}}};
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

std::int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The planned reply: either one tool call or a final text.
struct Reply {
  std::string kind;  // "tool_call" or "text"
  std::string text;
  std::string tool_name;
  std::string tool_namespace;  // set for tools offered inside a namespace group
  std::string arguments;       // JSON text of the tool call's arguments
};

// Names of the function tools a request offers. Responses tools are flat
// ({"type":"function","name":...}); Chat Completions nest them under "function".
std::vector<std::string> tool_names(const json& body) {
  std::vector<std::string> names;
  if (!body.contains("tools") || !body["tools"].is_array()) return names;
  for (const auto& tool : body["tools"]) {
    if (!tool.is_object() || tool.value("type", "") != "function") continue;
    if (tool.contains("name") && tool["name"].is_string())
      names.push_back(tool["name"].get<std::string>());
    else if (tool.contains("function") && tool["function"].is_object())
      names.push_back(tool["function"].value("name", ""));
  }
  return names;
}

// Codex offers one shell-like tool whose name and argument shape depend on
// its version and features: `shell` takes an argv array, `shell_command` a
// command string, `exec_command` (unified exec) a `cmd` string. Any other
// function tool gets {"command": "echo hi"}.
Reply tool_call_reply(const std::vector<std::string>& names) {
  Reply reply;
  reply.kind = "tool_call";
  auto offered = [&](const char* name) {
    for (const auto& n : names)
      if (n == name) return true;
    return false;
  };
  if (offered("exec_command")) {
    reply.tool_name = "exec_command";
    reply.arguments = json{{"cmd", "echo hi"}}.dump();
  } else if (offered("shell_command")) {
    reply.tool_name = "shell_command";
    reply.arguments = json{{"command", "echo hi"}}.dump();
  } else if (offered("shell")) {
    reply.tool_name = "shell";
    reply.arguments = json{{"command", json::array({"bash", "-lc", "echo hi"})}}.dump();
  } else {
    reply.tool_name = names.front();
    reply.arguments = json{{"command", "echo hi"}}.dump();
  }
  return reply;
}

Reply text_reply(bool after_tool) {
  Reply reply;
  reply.kind = "text";
  reply.text = after_tool ? "The command printed: hi" : "OK";
  return reply;
}

// The namespace of a Responses tool offered inside a {"type":"namespace"}
// group (Codex 0.169.0 offers spawn_agent / wait_agent in `multi_agent_v1`),
// or "" when no namespace offers it.
std::string namespace_of(const json& body, const std::string& name) {
  if (!body.contains("tools") || !body["tools"].is_array()) return "";
  for (const auto& group : body["tools"]) {
    if (!group.is_object() || group.value("type", "") != "namespace" || !group.contains("tools")) continue;
    for (const auto& tool : group["tools"])
      if (tool.is_object() && tool.value("name", "") == name) return group.value("name", "");
  }
  return "";
}

// Concatenated text of a Responses message item's content parts.
std::string item_text(const json& item) {
  std::string out;
  if (item.contains("content") && item["content"].is_string()) return item["content"].get<std::string>();
  if (item.contains("content") && item["content"].is_array())
    for (const auto& part : item["content"])
      if (part.is_object() && part.contains("text") && part["text"].is_string())
        out += part["text"].get<std::string>() + "\n";
  return out;
}

// A prompt containing this word makes the first turn spawn a subagent (the
// multi-agent `spawn_agent` tool), then wait for it, then end with text. It is
// unusual on purpose, so no system text triggers it.
constexpr const char* k_subagent_trigger = "SPAWN_SUBAGENT";

// Responses API: the conversation is `input` (a string or a list of items).
// The turn after a tool output ends with text (after spawn_agent: a
// wait_agent call first); otherwise a tool call when a shell-like tool is
// offered.
Reply plan_responses_reply(const json& body) {
  const json input = body.contains("input") && body["input"].is_array() ? body["input"] : json::array();
  std::string last_type = input.empty() || !input.back().is_object() ? "" : input.back().value("type", "");
  bool after_tool = last_type == "function_call_output" || last_type == "custom_tool_call_output" ||
                    last_type == "local_shell_call_output" || last_type == "tool_search_output";
  // The tool whose output ends the input, found by call_id.
  std::string answered_tool;
  if (after_tool) {
    std::string call_id = input.back().value("call_id", "");
    for (const auto& item : input)
      if (item.is_object() && item.value("type", "") == "function_call" && item.value("call_id", "") == call_id)
        answered_tool = item.value("name", "");
  }
  std::string last_user;
  for (const auto& item : input)
    if (item.is_object() && item.value("type", "message") == "message" && item.value("role", "") == "user")
      last_user = item_text(item);

  std::string spawn_ns = namespace_of(body, "spawn_agent");
  if (!spawn_ns.empty() && !after_tool && last_user.find(k_subagent_trigger) != std::string::npos) {
    Reply reply;
    reply.kind = "tool_call";
    reply.tool_name = "spawn_agent";
    reply.tool_namespace = spawn_ns;
    reply.arguments = json{{"message", "run echo hi"}}.dump();
    return reply;
  }
  if (answered_tool == "spawn_agent" && !namespace_of(body, "wait_agent").empty()) {
    // The spawn output names the new agent; wait for it by that id.
    json out = json::parse(input.back().value("output", ""), nullptr, false);
    std::string agent = out.is_object() ? out.value("agent_id", out.value("id", "")) : "";
    Reply reply;
    reply.kind = "tool_call";
    reply.tool_name = "wait_agent";
    reply.tool_namespace = namespace_of(body, "wait_agent");
    reply.arguments = json{{"targets", json::array({agent})}, {"timeout_ms", 60000}}.dump();
    return reply;
  }
  auto names = tool_names(body);
  if (after_tool || names.empty()) {
    Reply reply = text_reply(after_tool);
    // Structured output (text.format json_schema; Codex's TUI asks for a
    // thread title this way): a JSON object with every required string set.
    if (body.contains("text") && body["text"].is_object() && body["text"].contains("format") &&
        body["text"]["format"].is_object() && body["text"]["format"].value("type", "") == "json_schema") {
      json answer = json::object();
      const json& schema = body["text"]["format"].value("schema", json::object());
      if (schema.contains("required") && schema["required"].is_array())
        for (const auto& key : schema["required"])
          if (key.is_string()) answer[key.get<std::string>()] = "Run echo hi";
      reply.text = answer.dump();
    }
    return reply;
  }
  return tool_call_reply(names);
}

Reply plan_chat_reply(const json& body) {
  bool after_tool = false;
  if (body.contains("messages") && body["messages"].is_array() && !body["messages"].empty()) {
    const json& last = body["messages"].back();
    after_tool = last.is_object() && last.value("role", "") == "tool";
  }
  auto names = tool_names(body);
  if (after_tool || names.empty()) return text_reply(after_tool);
  return tool_call_reply(names);
}

std::string sse(const std::string& event, const json& data) {
  return "event: " + event + "\ndata: " + data.dump() + "\n\n";
}

std::string sse_data(const json& data) { return "data: " + data.dump() + "\n\n"; }

// Ids of one Responses reply.
struct ResponseIds {
  std::string response;   // resp_...
  std::string reasoning;  // rs_...
  std::string item;       // msg_... or fc_...
  std::string call;       // call_...
};

ResponseIds response_ids(std::uint64_t seed, std::uint64_t n, const Reply& reply) {
  ResponseIds ids;
  ids.response = "resp_" + hex_id(seed * 8, n, 48);
  ids.reasoning = "rs_" + hex_id(seed * 8 + 1, n, 48);
  ids.item = (reply.kind == "text" ? "msg_" : "fc_") + hex_id(seed * 8 + 2, n, 48);
  ids.call = "call_" + hex_id(seed * 8 + 3, n, 24);
  return ids;
}

// The reasoning item that precedes the answer: reasoning tokens are billed,
// so a real reasoning model emits one (summary only; no encrypted content).
json reasoning_item(const ResponseIds& ids) {
  return {{"id", ids.reasoning},
          {"type", "reasoning"},
          {"summary", json::array({{{"type", "summary_text"}, {"text", "**Planning** Run the command."}}})}};
}

json output_item(const ResponseIds& ids, const Reply& reply, bool done) {
  std::string status = done ? "completed" : "in_progress";
  if (reply.kind == "text") {
    json content = json::array();
    if (done) content.push_back({{"type", "output_text"}, {"annotations", json::array()}, {"text", reply.text}});
    return {{"id", ids.item}, {"type", "message"}, {"status", status}, {"content", content}, {"role", "assistant"}};
  }
  json item = {{"id", ids.item},      {"type", "function_call"},
               {"status", status},    {"arguments", done ? reply.arguments : ""},
               {"call_id", ids.call}, {"name", reply.tool_name}};
  if (!reply.tool_namespace.empty()) item["namespace"] = reply.tool_namespace;
  return item;
}

// The response object as response.created / response.completed carry it.
json response_object(const ResponseIds& ids, const std::string& model, const json& body, std::int64_t created,
                     const Reply& reply, const Usage* usage) {
  json output = json::array();
  if (usage) {
    output.push_back(reasoning_item(ids));
    output.push_back(output_item(ids, reply, true));
  }
  return {{"id", ids.response},
          {"object", "response"},
          {"created_at", created},
          {"status", usage ? "completed" : "in_progress"},
          {"background", false},
          {"error", nullptr},
          {"incomplete_details", nullptr},
          {"instructions", body.contains("instructions") ? body["instructions"] : json(nullptr)},
          {"max_output_tokens", nullptr},
          {"model", model},
          {"output", output},
          {"parallel_tool_calls", body.value("parallel_tool_calls", false)},
          {"previous_response_id", nullptr},
          {"reasoning", {{"effort", "medium"}, {"summary", "auto"}}},
          {"store", body.value("store", false)},
          {"temperature", 1.0},
          {"text", {{"format", {{"type", "text"}}}, {"verbosity", "medium"}}},
          {"tool_choice", "auto"},
          {"tools", json::array()},
          {"top_p", 1.0},
          {"truncation", "disabled"},
          {"usage", usage ? responses_usage_json(*usage) : json(nullptr)},
          {"user", nullptr},
          {"metadata", json::object()}};
}

// The event sequence OpenAI's Responses API streams for one response: the
// reasoning item (output_index 0), then the message or function call
// (output_index 1), then response.completed with the usage.
std::string responses_stream_body(const ResponseIds& ids, const std::string& model, const json& body,
                                  const Reply& reply, const Usage& u) {
  std::int64_t created = now_unix();
  std::int64_t seq = 0;
  std::string out;
  auto event = [&](const std::string& type, json data) {
    json framed = {{"type", type}, {"sequence_number", seq++}};
    framed.update(data);
    out += sse(type, framed);
  };
  event("response.created", {{"response", response_object(ids, model, body, created, reply, nullptr)}});
  event("response.in_progress", {{"response", response_object(ids, model, body, created, reply, nullptr)}});

  json reasoning = reasoning_item(ids);
  json reasoning_start = {{"id", ids.reasoning}, {"type", "reasoning"}, {"summary", json::array()}};
  const std::string summary = reasoning["summary"][0]["text"];
  event("response.output_item.added", {{"output_index", 0}, {"item", reasoning_start}});
  event("response.reasoning_summary_part.added", {{"item_id", ids.reasoning},
                                                  {"output_index", 0},
                                                  {"summary_index", 0},
                                                  {"part", {{"type", "summary_text"}, {"text", ""}}}});
  event("response.reasoning_summary_text.delta",
        {{"item_id", ids.reasoning}, {"output_index", 0}, {"summary_index", 0}, {"delta", summary}});
  event("response.reasoning_summary_text.done",
        {{"item_id", ids.reasoning}, {"output_index", 0}, {"summary_index", 0}, {"text", summary}});
  event("response.reasoning_summary_part.done", {{"item_id", ids.reasoning},
                                                 {"output_index", 0},
                                                 {"summary_index", 0},
                                                 {"part", {{"type", "summary_text"}, {"text", summary}}}});
  event("response.output_item.done", {{"output_index", 0}, {"item", reasoning}});

  event("response.output_item.added", {{"output_index", 1}, {"item", output_item(ids, reply, false)}});
  if (reply.kind == "text") {
    json part = {{"type", "output_text"}, {"annotations", json::array()}, {"text", ""}};
    event("response.content_part.added",
          {{"item_id", ids.item}, {"output_index", 1}, {"content_index", 0}, {"part", part}});
    // Split the text in two deltas, as the real API streams it in pieces.
    std::size_t half = reply.text.size() / 2;
    for (const auto& piece : {reply.text.substr(0, half), reply.text.substr(half)}) {
      event("response.output_text.delta", {{"item_id", ids.item},
                                           {"output_index", 1},
                                           {"content_index", 0},
                                           {"delta", piece},
                                           {"logprobs", json::array()}});
    }
    event("response.output_text.done", {{"item_id", ids.item},
                                        {"output_index", 1},
                                        {"content_index", 0},
                                        {"text", reply.text},
                                        {"logprobs", json::array()}});
    part["text"] = reply.text;
    event("response.content_part.done",
          {{"item_id", ids.item}, {"output_index", 1}, {"content_index", 0}, {"part", part}});
  } else {
    std::size_t half = reply.arguments.size() / 2;
    for (const auto& piece : {reply.arguments.substr(0, half), reply.arguments.substr(half)}) {
      event("response.function_call_arguments.delta", {{"item_id", ids.item}, {"output_index", 1}, {"delta", piece}});
    }
    event("response.function_call_arguments.done",
          {{"item_id", ids.item}, {"output_index", 1}, {"arguments", reply.arguments}});
  }
  event("response.output_item.done", {{"output_index", 1}, {"item", output_item(ids, reply, true)}});
  event("response.completed", {{"response", response_object(ids, model, body, created, reply, &u)}});
  return out;
}

// Chat Completions: ids and the streamed chunks.
std::string chat_id(std::uint64_t seed, std::uint64_t n) { return "chatcmpl-" + hex_id(seed * 8 + 4, n, 29); }

json chat_chunk(const std::string& id, std::int64_t created, const std::string& model, json choices,
                bool include_usage) {
  json chunk = {{"id", id},
                {"object", "chat.completion.chunk"},
                {"created", created},
                {"model", model},
                {"service_tier", "default"},
                {"system_fingerprint", nullptr},
                {"choices", std::move(choices)}};
  // With stream_options.include_usage every chunk carries "usage": null and
  // one last chunk with empty choices carries the numbers.
  if (include_usage) chunk["usage"] = nullptr;
  return chunk;
}

std::string chat_stream_body(const std::string& id, const std::string& call_id, const std::string& model,
                             const Reply& reply, const Usage& u, bool include_usage) {
  std::int64_t created = now_unix();
  std::string out;
  auto choice = [](json delta, json finish) {
    return json::array({{{"index", 0}, {"delta", std::move(delta)}, {"logprobs", nullptr}, {"finish_reason", finish}}});
  };
  std::string finish;
  if (reply.kind == "text") {
    out += sse_data(chat_chunk(id, created, model,
                               choice({{"role", "assistant"}, {"content", ""}, {"refusal", nullptr}}, nullptr),
                               include_usage));
    std::size_t half = reply.text.size() / 2;
    for (const auto& piece : {reply.text.substr(0, half), reply.text.substr(half)})
      out += sse_data(chat_chunk(id, created, model, choice({{"content", piece}}, nullptr), include_usage));
    finish = "stop";
  } else {
    json first_call = {{"index", 0},
                       {"id", call_id},
                       {"type", "function"},
                       {"function", {{"name", reply.tool_name}, {"arguments", ""}}}};
    out += sse_data(chat_chunk(
        id, created, model,
        choice({{"role", "assistant"}, {"content", nullptr}, {"tool_calls", json::array({first_call})}}, nullptr),
        include_usage));
    std::size_t half = reply.arguments.size() / 2;
    for (const auto& piece : {reply.arguments.substr(0, half), reply.arguments.substr(half)}) {
      json call = {{"index", 0}, {"function", {{"arguments", piece}}}};
      out += sse_data(
          chat_chunk(id, created, model, choice({{"tool_calls", json::array({call})}}, nullptr), include_usage));
    }
    finish = "tool_calls";
  }
  out += sse_data(chat_chunk(id, created, model, choice(json::object(), finish), include_usage));
  if (include_usage) {
    json last = chat_chunk(id, created, model, json::array(), true);
    last["usage"] = chat_usage_json(u);
    out += sse_data(last);
  }
  out += "data: [DONE]\n\n";
  return out;
}

json chat_completion_json(const std::string& id, const std::string& call_id, const std::string& model,
                          const Reply& reply, const Usage& u) {
  json message = {{"role", "assistant"}, {"refusal", nullptr}, {"annotations", json::array()}};
  std::string finish;
  if (reply.kind == "text") {
    message["content"] = reply.text;
    finish = "stop";
  } else {
    message["content"] = nullptr;
    message["tool_calls"] = json::array({{{"id", call_id},
                                          {"type", "function"},
                                          {"function", {{"name", reply.tool_name}, {"arguments", reply.arguments}}}}});
    finish = "tool_calls";
  }
  return {{"id", id},
          {"object", "chat.completion"},
          {"created", now_unix()},
          {"model", model},
          {"choices",
           json::array({{{"index", 0}, {"message", message}, {"logprobs", nullptr}, {"finish_reason", finish}}})},
          {"usage", chat_usage_json(u)},
          {"service_tier", "default"},
          {"system_fingerprint", nullptr}};
}

// OpenAI's error body: {"error": {message, type, param, code}}.
json error_json(const std::string& message, const std::string& type, const json& code) {
  return {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}};
}

class Provider {
 public:
  explicit Provider(Options options) : m_options(std::move(options)) {
    if (!m_options.record_path.empty()) {
      m_record = std::fopen(m_options.record_path.c_str(), "a");
      if (!m_record) {
        std::cerr << "fake_openai: cannot open record file " << m_options.record_path << "\n";
        std::exit(1);
      }
    }
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

  // OpenAI clients send the key as `Authorization: Bearer`; some proxies use api-key.
  static void auth_of(const httplib::Request& req, std::string& kind, std::string& value) {
    if (req.has_header("Authorization")) {
      std::string h = req.get_header_value("Authorization");
      kind = "bearer";
      value = h.rfind("Bearer ", 0) == 0 ? h.substr(7) : h;
    } else if (req.has_header("api-key")) {
      kind = "api-key";
      value = req.get_header_value("api-key");
    } else {
      kind = "none";
    }
  }

  // The headers that tell which client, session and turn sent a request
  // (Codex sends session_id, originator, x-codex-* and x-openai-subagent).
  static json client_headers(const httplib::Request& req) {
    json out = json::object();
    for (const auto& [name, value] : req.headers) {
      std::string lower;
      for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "authorization" || lower == "api-key") continue;
      if (lower.rfind("x-", 0) == 0 || lower == "session_id" || lower == "conversation_id" || lower == "originator" ||
          lower == "user-agent" || lower == "openai-beta" || lower == "version")
        out[lower] = value;
    }
    return out;
  }

  // Common start of a model request: number, record skeleton, auth and error
  // modes. Returns false when the request was answered already.
  bool begin(const httplib::Request& req, httplib::Response& res, const std::string& api, std::uint64_t& n, json& line,
             json& body) {
    n = next_request();
    std::string request_id = "req_" + hex_id(m_options.seed * 8 + 5, n, 32);
    line = {{"n", n},     {"time", now_iso()},        {"method", req.method},          {"path", req.path},
            {"api", api}, {"request_id", request_id}, {"headers", client_headers(req)}};
    std::string auth_kind, auth_value;
    auth_of(req, auth_kind, auth_value);
    line["auth_kind"] = auth_kind;
    line["auth_value"] = auth_value;
    res.set_header("x-request-id", request_id);
    if (!m_options.dump_dir.empty()) {
      std::ofstream dump(m_options.dump_dir + "/" + std::to_string(n) + ".json");
      dump << req.body;
    }
    body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      res.status = 400;
      res.set_content(error_json("body is not JSON", "invalid_request_error", nullptr).dump(), "application/json");
      line["status"] = 400;
      record(line);
      return false;
    }
    line["model"] = body.value("model", "");
    line["stream"] = body.value("stream", false);
    line["tools"] = body.contains("tools") && body["tools"].is_array() ? body["tools"].size() : 0;
    line["tool_names"] = tool_names(body);
    if (body.contains("prompt_cache_key")) line["prompt_cache_key"] = body["prompt_cache_key"];

    bool bad_key = !m_options.expect_key.empty() && auth_value != m_options.expect_key;
    if (m_options.mode == Mode::unauthorized || bad_key) {
      res.status = 401;
      res.set_content(error_json("Incorrect API key provided: " + auth_value.substr(0, 4) + "****.",
                                 "invalid_request_error", "invalid_api_key")
                          .dump(),
                      "application/json");
      line["status"] = 401;
      record(line);
      return false;
    }
    if (m_options.mode == Mode::fail500) {
      res.status = 500;
      res.set_content(
          error_json("The server had an error while processing your request.", "server_error", nullptr).dump(),
          "application/json");
      line["status"] = 500;
      record(line);
      return false;
    }
    return true;
  }

  // Hold the response open until the client goes away (the write fails),
  // sending only SSE comments, which clients ignore.
  void hold(httplib::Response& res, std::uint64_t n, std::string first) {
    res.set_chunked_content_provider("text/event-stream", [this, n, first](std::size_t, httplib::DataSink& sink) {
      if (!first.empty() && !sink.write(first.data(), first.size())) return false;
      std::string keepalive = ": keepalive\n\n";
      while (sink.write(keepalive.data(), keepalive.size()))
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      record({{"n", n}, {"time", now_iso()}, {"event", "client_disconnected"}});
      return false;
    });
  }

  void finish(json& line) {
    record(line);
    // The answer leaves when the handler returns: the record line exists first,
    // so a test can act while the client waits.
    if (m_options.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(m_options.delay_ms));
  }

  void responses(const httplib::Request& req, httplib::Response& res) {
    std::uint64_t n;
    json line, body;
    if (!begin(req, res, "responses", n, line, body)) return;
    std::string model = line["model"];
    bool stream = line["stream"];
    Reply reply = plan_responses_reply(body);
    ResponseIds ids = response_ids(m_options.seed, n, reply);
    if (m_options.mode == Mode::slow) {
      line["status"] = 200;
      line["slow"] = true;
      record(line);
      json created = {{"type", "response.created"},
                      {"sequence_number", 0},
                      {"response", response_object(ids, model, body, now_unix(), reply, nullptr)}};
      hold(res, n, sse("response.created", created));
      return;
    }
    Usage u = usage_for(m_options.seed, n);
    // A part of the uncached input reported as cache writes, for clients
    // that read input_tokens_details.cache_write_tokens.
    if (m_options.cache_writes) u.cache_write = (u.input - u.cached) / 2;
    line["status"] = 200;
    line["response_id"] = ids.response;
    line["kind"] = reply.kind;
    if (reply.kind == "tool_call") {
      line["tool_name"] = reply.tool_name;
      line["call_id"] = ids.call;
    }
    line["usage"] = responses_usage_json(u);
    if (m_options.rate_limits) {
      // Codex reads its plan's rate-limit snapshot from these headers
      // (codex-api rate_limits.rs) and logs it as a token_count event.
      res.set_header("x-codex-primary-used-percent", std::to_string(n % 100));
      res.set_header("x-codex-primary-window-minutes", "300");
      res.set_header("x-codex-primary-reset-after-seconds", "3600");
      res.set_header("x-codex-secondary-used-percent", std::to_string(n % 50));
      res.set_header("x-codex-secondary-window-minutes", "10080");
      res.set_header("x-codex-secondary-reset-after-seconds", "86400");
    }
    if (stream) {
      res.set_header("Cache-Control", "no-cache");
      res.set_content(responses_stream_body(ids, model, body, reply, u), "text/event-stream");
    } else {
      res.set_content(response_object(ids, model, body, now_unix(), reply, &u).dump(), "application/json");
    }
    finish(line);
  }

  void chat_completions(const httplib::Request& req, httplib::Response& res) {
    std::uint64_t n;
    json line, body;
    if (!begin(req, res, "chat", n, line, body)) return;
    std::string model = line["model"];
    bool stream = line["stream"];
    bool include_usage = body.contains("stream_options") && body["stream_options"].is_object() &&
                         body["stream_options"].value("include_usage", false);
    line["include_usage"] = include_usage;
    if (m_options.mode == Mode::slow) {
      line["status"] = 200;
      line["slow"] = true;
      record(line);
      hold(res, n, "");
      return;
    }
    Reply reply = plan_chat_reply(body);
    Usage u = usage_for(m_options.seed, n);
    std::string id = chat_id(m_options.seed, n);
    std::string call_id = "call_" + hex_id(m_options.seed * 8 + 3, n, 24);
    line["status"] = 200;
    line["completion_id"] = id;
    line["kind"] = reply.kind;
    if (reply.kind == "tool_call") {
      line["tool_name"] = reply.tool_name;
      line["call_id"] = call_id;
    }
    // A stream without include_usage tells the client nothing about usage.
    if (!stream || include_usage) line["usage"] = chat_usage_json(u);
    if (stream) {
      res.set_header("Cache-Control", "no-cache");
      res.set_content(chat_stream_body(id, call_id, model, reply, u, include_usage), "text/event-stream");
    } else {
      res.set_content(chat_completion_json(id, call_id, model, reply, u).dump(), "application/json");
    }
    finish(line);
  }

  void models(const httplib::Request& req, httplib::Response& res) {
    std::string auth_kind, auth_value;
    auth_of(req, auth_kind, auth_value);
    record({{"time", now_iso()},
            {"method", req.method},
            {"path", req.path},
            {"api", "models"},
            {"auth_kind", auth_kind},
            {"auth_value", auth_value}});
    json data = json::array();
    for (const char* id : {"gpt-5-codex", "gpt-5", "gpt-5.1-codex", "gpt-4.1"})
      data.push_back({{"id", id}, {"object", "model"}, {"created", 1700000000}, {"owned_by", "openai"}});
    res.set_content(json{{"object", "list"}, {"data", data}}.dump(), "application/json");
  }

  // Anything else gets a 404 and a record line, so we can see what was tried.
  void other(const httplib::Request& req, httplib::Response& res) {
    record({{"time", now_iso()}, {"method", req.method}, {"path", req.path}, {"unknown", true}});
    if (req.method == "HEAD") return;
    res.status = 404;
    res.set_content(error_json("Not found: " + req.path, "invalid_request_error", "not_found").dump(),
                    "application/json");
  }

  const Options& options() const { return m_options; }

 private:
  Options m_options;
  std::mutex m_mutex;
  std::uint64_t m_count = 0;
  std::FILE* m_record = nullptr;
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "fake_openai: " << message
            << "\nusage: fake_openai --port N --seed N --record FILE [--port-file FILE] "
               "[--mode normal|fail500|unauthorized|slow] [--expect-key KEY] [--delay-ms N] [--dump-dir DIR] "
               "[--rate-limits] [--cache-writes]\n";
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
    else if (a == "--delay-ms")
      o.delay_ms = std::stoi(value());
    else if (a == "--dump-dir")
      o.dump_dir = value();
    else if (a == "--rate-limits")
      o.rate_limits = true;
    else if (a == "--cache-writes")
      o.cache_writes = true;
    else if (a == "--mode") {
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
  auto responses = [&](const httplib::Request& req, httplib::Response& res) { provider.responses(req, res); };
  auto chat = [&](const httplib::Request& req, httplib::Response& res) { provider.chat_completions(req, res); };
  auto models = [&](const httplib::Request& req, httplib::Response& res) { provider.models(req, res); };
  // Base URLs are configured with or without /v1; serve both.
  server.Post("/v1/responses", responses);
  server.Post("/responses", responses);
  server.Post("/v1/chat/completions", chat);
  server.Post("/chat/completions", chat);
  server.Get("/v1/models", models);
  server.Get("/models", models);
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
    std::cerr << "fake_openai: cannot bind 127.0.0.1:" << provider.options().port
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
