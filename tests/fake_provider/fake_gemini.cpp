// fake_gemini: a small Gemini API (generativelanguage v1beta) server for the
// e2e tests, so the real Gemini CLI can run against a local, deterministic
// model (GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:PORT). It answers from a
// seed: the first turn of a conversation asks for a `run_shell_command` call
// (`echo hi`), the turn after the functionResponse ends with text. Usage
// differs per request (seed + request number) and has cached, thoughts and
// tool-use-prompt tokens. Every request is recorded as one JSON line in the
// --record file (flushed per line) with what was returned, so tests can sum
// it and check which key, key transport and model the client used.
//
//   fake_gemini --port 0 --seed N --record FILE [--port-file FILE]
//               [--mode normal|fail500|unauthorized|slow] [--expect-key KEY]
//               [--delay-ms N] (answer each request N ms after recording it)
//               [--dump-dir DIR] (save each request body as DIR/request-<n>.json)
//
// Served (any API version prefix v1beta|v1|v1alpha, model names as in the path):
//   POST /v1beta/models/{model}:streamGenerateContent?alt=sse   SSE "data: {...}\r\n\r\n" chunks
//   POST /v1beta/models/{model}:generateContent                 one JSON GenerateContentResponse
//   POST /v1beta/models/{model}:countTokens                     {"totalTokens": N}
//   GET  /v1beta/models[/{model}]                               a small model list / model
// Anything else gets a 404 Google error and a record line with "unknown":true.
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
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
  int delay_ms = 0;      // hold each normal answer this long (recorded on arrival)
  std::string dump_dir;  // when set, each request body is saved as <dir>/request-<n>.json
};

// The usageMetadata fields of a GenerateContentResponse. Google's semantics:
// promptTokenCount includes cachedContentTokenCount; candidatesTokenCount
// excludes thoughtsTokenCount; totalTokenCount = prompt + candidates +
// thoughts + toolUsePrompt.
struct Usage {
  std::int64_t prompt = 0;
  std::int64_t candidates = 0;
  std::int64_t cached = 0;
  std::int64_t thoughts = 0;
  std::int64_t tool_use_prompt = 0;
  std::int64_t total() const { return prompt + candidates + thoughts + tool_use_prompt; }
};

// splitmix64: a tiny, well-mixed deterministic generator.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Response ids look like Google's (URL-safe base64-ish, 22 characters).
std::string response_id(std::uint64_t seed, std::uint64_t n) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint64_t state = mix(seed * 1000003ULL + n);
  while (out.size() < 22) {
    state = mix(state);
    for (int i = 0; i < 10 && out.size() < 22; ++i) out += digits[(state >> (i * 6)) & 0x3f];
  }
  return out;
}

// Every request gets all kinds of tokens except where the request rules them
// out: no thoughts when thinking is off (thinkingBudget 0), as the real API.
// The prompt side stays below 200k tokens so no long-context price applies.
Usage usage_for(std::uint64_t seed, std::uint64_t n, bool thinking) {
  std::uint64_t h = mix(seed * 7919ULL + n);
  Usage u;
  u.prompt = 2000 + static_cast<std::int64_t>(h % 30000);
  h = mix(h);
  u.cached = static_cast<std::int64_t>(h % static_cast<std::uint64_t>(u.prompt * 3 / 4));
  h = mix(h);
  u.candidates = 5 + static_cast<std::int64_t>(h % 400);
  h = mix(h);
  u.thoughts = thinking ? 1 + static_cast<std::int64_t>(h % 700) : 0;
  h = mix(h);
  u.tool_use_prompt = 1 + static_cast<std::int64_t>(h % 90);
  return u;
}

// Zero counts are left out, as the real API (proto3 JSON) does: clients must
// treat a missing count as 0.
json usage_json(const Usage& u) {
  json j = {{"promptTokenCount", u.prompt}};
  if (u.candidates > 0) j["candidatesTokenCount"] = u.candidates;
  if (u.cached > 0) j["cachedContentTokenCount"] = u.cached;
  if (u.tool_use_prompt > 0) j["toolUsePromptTokenCount"] = u.tool_use_prompt;
  if (u.thoughts > 0) j["thoughtsTokenCount"] = u.thoughts;
  j["totalTokenCount"] = u.total();
  j["promptTokensDetails"] = json::array({{{"modality", "TEXT"}, {"tokenCount", u.prompt}}});
  if (u.cached > 0) j["cacheTokensDetails"] = json::array({{{"modality", "TEXT"}, {"tokenCount", u.cached}}});
  return j;
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

std::string text_of(const json& content) {
  std::string out;
  if (content.is_object() && content.contains("parts") && content["parts"].is_array()) {
    for (const auto& part : content["parts"])
      if (part.is_object() && part.contains("text") && part["text"].is_string() && !part.value("thought", false))
        out += part["text"].get<std::string>();
  }
  return out;
}

bool has_part(const json& content, const char* key) {
  if (!content.is_object() || !content.contains("parts") || !content["parts"].is_array()) return false;
  for (const auto& part : content["parts"])
    if (part.is_object() && part.contains(key)) return true;
  return false;
}

std::vector<std::string> function_names(const json& body) {
  std::vector<std::string> names;
  if (!body.contains("tools") || !body["tools"].is_array()) return names;
  for (const auto& tool : body["tools"]) {
    if (!tool.is_object() || !tool.contains("functionDeclarations")) continue;
    for (const auto& fd : tool["functionDeclarations"])
      if (fd.is_object() && fd.contains("name") && fd["name"].is_string()) names.push_back(fd["name"]);
  }
  return names;
}

// Fills a JSON schema (the subset Gemini CLI's side requests use: objects,
// string enums, strings, numbers, booleans, arrays) with a valid value: the
// first enum value (a next-speaker check answers "user", a router its first
// choice), `text` for every other string (a subagent's complete_task result).
json fill_schema(const json& schema, const std::string& text, int depth = 0) {
  if (!schema.is_object() || depth > 8) return text;
  if (schema.contains("enum") && schema["enum"].is_array() && !schema["enum"].empty()) return schema["enum"][0];
  std::string type = schema.contains("type") && schema["type"].is_string() ? schema["type"].get<std::string>() : "";
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (type == "object" || schema.contains("properties")) {
    json out = json::object();
    if (schema.contains("properties") && schema["properties"].is_object())
      for (const auto& [key, sub] : schema["properties"].items()) out[key] = fill_schema(sub, text, depth + 1);
    return out;
  }
  if (type == "array") return json::array();
  if (type == "boolean") return false;
  if (type == "integer" || type == "number") return 0;
  return text;
}

struct Reply {
  std::string kind;  // "function_call", "text", "json"
  std::string text;
  json function_call;  // {name, args}
};

// The parameter schema of a declared function, or null.
json function_schema(const json& body, const std::string& name) {
  if (!body.contains("tools") || !body["tools"].is_array()) return nullptr;
  for (const auto& tool : body["tools"]) {
    if (!tool.is_object() || !tool.contains("functionDeclarations")) continue;
    for (const auto& fd : tool["functionDeclarations"]) {
      if (!fd.is_object() || fd.value("name", "") != name) continue;
      if (fd.contains("parametersJsonSchema")) return fd["parametersJsonSchema"];
      if (fd.contains("parameters")) return fd["parameters"];
      return json::object();
    }
  }
  return nullptr;
}

// A prompt containing this word makes the first turn hand the task to a
// subagent (Gemini CLI's `invoke_agent` tool, agent "generalist"). It is
// unusual on purpose, so no system text triggers it.
constexpr const char* k_subagent_trigger = "SPAWN_SUBAGENT";

// Decides the reply from the conversation so far. Only the first turn of a
// conversation (no model content yet) asks for a tool; after a
// functionResponse, and on any later turn, the model ends with text. A
// subagent (its request declares `complete_task`, which Gemini CLI's local
// agents must call to finish) ends with that call instead of text. Requests
// that ask for JSON (Gemini CLI's utility calls: next-speaker check, model
// router, summaries) get a value matching their schema.
Reply plan_reply(const json& body) {
  Reply reply;
  const json contents = body.contains("contents") && body["contents"].is_array() ? body["contents"] : json::array();
  bool first_turn = true;
  std::string user_text;
  for (const auto& c : contents) {
    if (!c.is_object()) continue;
    if (c.value("role", "") == "model") first_turn = false;
    if (c.value("role", "") == "user") user_text += text_of(c);
  }
  bool after_tool = !contents.empty() && has_part(contents.back(), "functionResponse");
  json config = body.contains("generationConfig") && body["generationConfig"].is_object() ? body["generationConfig"]
                                                                                          : json::object();
  std::string mime = config.value("responseMimeType", "");
  if (mime == "application/json") {
    reply.kind = "json";
    json schema = config.contains("responseJsonSchema") ? config["responseJsonSchema"]
                  : config.contains("responseSchema")   ? config["responseSchema"]
                                                        : json::object();
    json value = fill_schema(schema, "The task is complete.");
    reply.text = value.dump();
    return reply;
  }
  json complete_task = function_schema(body, "complete_task");
  if (after_tool && !complete_task.is_null()) {
    reply.kind = "function_call";
    reply.text = "The task is done.";
    json args = fill_schema(complete_task, "The command ran and printed: hi");
    if (!args.is_object()) args = json::object();
    reply.function_call = {{"name", "complete_task"}, {"args", args}};
  } else if (after_tool) {
    reply.kind = "text";
    reply.text = "The command ran and printed: hi";
  } else if (first_turn && user_text.find(k_subagent_trigger) != std::string::npos &&
             !function_schema(body, "invoke_agent").is_null()) {
    reply.kind = "function_call";
    reply.text = "I'll delegate this to a subagent.";
    reply.function_call = {
        {"name", "invoke_agent"},
        {"args",
         {{"agent_name", "generalist"},
          {"prompt", "Run the shell command `echo hi` with run_shell_command and report its output."}}}};
  } else if (first_turn && !function_schema(body, "run_shell_command").is_null()) {
    reply.kind = "function_call";
    reply.text = "I'll run the command.";
    reply.function_call = {{"name", "run_shell_command"},
                           {"args", {{"command", "echo hi"}, {"description", "Print hi"}}}};
  } else if (!first_turn) {
    reply.kind = "text";
    reply.text = "Done.";
  } else {
    reply.kind = "text";
    reply.text = "OK";
  }
  return reply;
}

bool wants_thinking(const json& body) {
  if (!body.contains("generationConfig") || !body["generationConfig"].is_object()) return true;
  const json& config = body["generationConfig"];
  if (!config.contains("thinkingConfig") || !config["thinkingConfig"].is_object()) return true;
  const json& thinking = config["thinkingConfig"];
  return !(thinking.contains("thinkingBudget") && thinking["thinkingBudget"].is_number() &&
           thinking["thinkingBudget"].get<std::int64_t>() == 0);
}

bool include_thoughts(const json& body) {
  return body.contains("generationConfig") && body["generationConfig"].is_object() &&
         body["generationConfig"].contains("thinkingConfig") &&
         body["generationConfig"]["thinkingConfig"].is_object() &&
         body["generationConfig"]["thinkingConfig"].value("includeThoughts", false);
}

// The candidate parts of a reply, in the order the real API streams them:
// a thought summary (when asked for), text, then the function call.
std::vector<json> reply_parts(const Reply& reply, bool thoughts) {
  std::vector<json> parts;
  if (thoughts) parts.push_back({{"text", "**Planning the answer**\n\nI will do what was asked."}, {"thought", true}});
  if (reply.kind == "function_call") {
    parts.push_back({{"text", reply.text}});
    parts.push_back({{"functionCall", reply.function_call}});
  } else if (reply.kind == "json") {
    parts.push_back({{"text", reply.text}});
  } else {
    // Split in two, as the real API streams text in pieces.
    std::size_t half = reply.text.size() / 2;
    parts.push_back({{"text", reply.text.substr(0, half)}});
    parts.push_back({{"text", reply.text.substr(half)}});
  }
  return parts;
}

json response_json(const json& parts, const std::string& finish, const json& usage, const std::string& model_version,
                   const std::string& id) {
  json candidate = {{"content", {{"parts", parts}, {"role", "model"}}}, {"index", 0}};
  if (!finish.empty()) candidate["finishReason"] = finish;
  return {{"candidates", json::array({candidate})},
          {"usageMetadata", usage},
          {"modelVersion", model_version},
          {"responseId", id}};
}

// One SSE chunk per part. Every chunk carries usageMetadata, as the real API
// does: intermediate chunks hold running counts (promptTokenCount and a
// partial candidatesTokenCount), only the last one the final numbers. A
// client must take the last chunk's usage, not the sum.
std::string stream_body(const std::vector<json>& parts, const Usage& u, const std::string& model_version,
                        const std::string& id) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    bool last = i + 1 == parts.size();
    Usage partial = u;
    if (!last) {
      partial.candidates = u.candidates * static_cast<std::int64_t>(i) / static_cast<std::int64_t>(parts.size());
      partial.tool_use_prompt = 0;
    }
    json chunk = response_json(json::array({parts[i]}), last ? "STOP" : "", usage_json(partial), model_version, id);
    // Google ends each event with CRLF CRLF; @google/genai accepts \n\n too.
    out += "data: " + chunk.dump() + "\r\n\r\n";
  }
  return out;
}

json google_error(int code, const std::string& status, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}, {"status", status}}}};
}

class Provider {
 public:
  explicit Provider(Options options) : m_options(std::move(options)) {
    if (!m_options.record_path.empty()) {
      m_record = std::fopen(m_options.record_path.c_str(), "a");
      if (!m_record) {
        std::cerr << "fake_gemini: cannot open record file " << m_options.record_path << "\n";
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

  // Which transport carried the key: @google/genai sends GEMINI_API_KEY as
  // the `x-goog-api-key` header; the REST docs also allow `?key=`; Gemini CLI
  // sends `Authorization: Bearer` with GEMINI_API_KEY_AUTH_MECHANISM=bearer.
  static void auth_of(const httplib::Request& req, std::string& kind, std::string& value) {
    if (req.has_header("x-goog-api-key")) {
      kind = "x-goog-api-key";
      value = req.get_header_value("x-goog-api-key");
    } else if (req.has_param("key")) {
      kind = "query";
      value = req.get_param_value("key");
    } else if (req.has_header("Authorization")) {
      std::string h = req.get_header_value("Authorization");
      kind = "bearer";
      value = h.rfind("Bearer ", 0) == 0 ? h.substr(7) : h;
    } else {
      kind = "none";
    }
  }

  json base_line(const httplib::Request& req, std::uint64_t n) {
    if (!m_options.dump_dir.empty()) {
      std::ofstream out(m_options.dump_dir + "/request-" + std::to_string(n) + ".json", std::ios::binary);
      out << req.body;
    }
    json line = {{"n", n}, {"time", now_iso()}, {"method", req.method}, {"path", req.path}};
    if (req.has_param("alt")) line["alt"] = req.get_param_value("alt");
    std::string auth_kind, auth_value;
    auth_of(req, auth_kind, auth_value);
    line["auth_kind"] = auth_kind;
    line["auth_value"] = auth_value;
    if (req.has_header("User-Agent")) line["user_agent"] = req.get_header_value("User-Agent");
    return line;
  }

  // Returns false (and answers) when the key or the mode says to fail.
  bool check_failure(const std::string& auth_value, json& line, httplib::Response& res) {
    bool bad_key = !m_options.expect_key.empty() && auth_value != m_options.expect_key;
    if (m_options.mode == Mode::unauthorized || bad_key) {
      // What the real API answers for a wrong key: HTTP 400, not 401.
      json err = google_error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
      err["error"]["details"] = json::array({{{"@type", "type.googleapis.com/google.rpc.ErrorInfo"},
                                              {"reason", "API_KEY_INVALID"},
                                              {"domain", "googleapis.com"},
                                              {"metadata", {{"service", "generativelanguage.googleapis.com"}}}}});
      res.status = 400;
      res.set_content(err.dump(), "application/json");
      line["status"] = 400;
      record(line);
      return false;
    }
    if (m_options.mode == Mode::fail500) {
      res.status = 500;
      res.set_content(google_error(500, "INTERNAL", "An internal error has occurred.").dump(), "application/json");
      line["status"] = 500;
      record(line);
      return false;
    }
    return true;
  }

  void generate(const httplib::Request& req, httplib::Response& res, const std::string& model,
                const std::string& action) {
    std::uint64_t n = next_request();
    json line = base_line(req, n);
    line["model"] = model;
    line["action"] = action;
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      res.status = 400;
      res.set_content(google_error(400, "INVALID_ARGUMENT", "body is not JSON").dump(), "application/json");
      line["status"] = 400;
      record(line);
      return;
    }
    line["tools"] = function_names(body);
    line["contents"] = body.contains("contents") && body["contents"].is_array() ? body["contents"].size() : 0;
    // The start of the system instruction tells the main loop from a utility
    // request (next-speaker check, router, summary) when reading a record.
    if (body.contains("systemInstruction")) line["system_head"] = text_of(body["systemInstruction"]).substr(0, 100);
    if (body.contains("generationConfig")) {
      const json& config = body["generationConfig"];
      if (config.contains("thinkingConfig")) line["thinking_config"] = config["thinkingConfig"];
      if (config.contains("responseMimeType")) line["response_mime_type"] = config["responseMimeType"];
    }
    if (!check_failure(line["auth_value"], line, res)) return;
    bool stream = action == "streamGenerateContent";
    if (m_options.mode == Mode::slow) {
      line["status"] = 200;
      line["slow"] = true;
      record(line);
      // Hold the response open until the client goes away (a write fails).
      // Only whitespace is sent: @google/genai's SSE reader skips leading
      // whitespace before `data: `, and a write is the only way to notice a
      // closed connection.
      res.set_chunked_content_provider(stream ? "text/event-stream" : "application/json",
                                       [this, n](std::size_t, httplib::DataSink& sink) {
                                         const std::string keep_alive = "\n";
                                         while (sink.write(keep_alive.data(), keep_alive.size()))
                                           std::this_thread::sleep_for(std::chrono::milliseconds(100));
                                         record({{"n", n}, {"time", now_iso()}, {"event", "client_disconnected"}});
                                         return false;
                                       });
      return;
    }

    Reply reply = plan_reply(body);
    Usage u = usage_for(m_options.seed, n, wants_thinking(body));
    std::string id = response_id(m_options.seed, n);
    // The API reports the concrete model behind an alias in modelVersion.
    std::string model_version = model;
    auto parts = reply_parts(reply, include_thoughts(body) && u.thoughts > 0);
    line["status"] = 200;
    line["stream"] = stream;
    line["response_id"] = id;
    line["model_version"] = model_version;
    line["kind"] = reply.kind;
    line["usage"] = usage_json(u);
    if (stream) {
      res.set_header("Cache-Control", "no-cache");
      res.set_content(stream_body(parts, u, model_version, id), "text/event-stream");
    } else {
      // Unary: thought and text parts joined as the API returns them.
      json joined = json::array();
      for (const auto& p : parts) {
        if (!joined.empty() && p.contains("text") && joined.back().contains("text") &&
            p.value("thought", false) == joined.back().value("thought", false))
          joined.back()["text"] = joined.back()["text"].get<std::string>() + p["text"].get<std::string>();
        else
          joined.push_back(p);
      }
      res.set_content(response_json(joined, "STOP", usage_json(u), model_version, id).dump(), "application/json");
    }
    record(line);
    // The answer leaves when the handler returns: the record line exists
    // first, so a test can act while the client waits.
    if (m_options.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(m_options.delay_ms));
  }

  void count_tokens(const httplib::Request& req, httplib::Response& res, const std::string& model) {
    std::uint64_t n = next_request();
    json line = base_line(req, n);
    line["model"] = model;
    line["action"] = "countTokens";
    if (!check_failure(line["auth_value"], line, res)) return;
    std::int64_t tokens = static_cast<std::int64_t>(req.body.size() / 4) + 1;
    line["status"] = 200;
    line["total_tokens"] = tokens;
    record(line);
    res.set_content(json{{"totalTokens", tokens},
                         {"promptTokensDetails", json::array({{{"modality", "TEXT"}, {"tokenCount", tokens}}})}}
                        .dump(),
                    "application/json");
  }

  static json model_json(const std::string& name) {
    return {
        {"name", "models/" + name},  {"version", "001"},
        {"displayName", name},       {"inputTokenLimit", 1048576},
        {"outputTokenLimit", 65536}, {"supportedGenerationMethods", json::array({"generateContent", "countTokens"})},
        {"thinking", true}};
  }

  void list_models(const httplib::Request& req, httplib::Response& res) {
    std::uint64_t n = next_request();
    json line = base_line(req, n);
    line["action"] = "listModels";
    if (!check_failure(line["auth_value"], line, res)) return;
    line["status"] = 200;
    record(line);
    json models = json::array();
    for (const char* m : {"gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite"})
      models.push_back(model_json(m));
    res.set_content(json{{"models", models}}.dump(), "application/json");
  }

  void get_model(const httplib::Request& req, httplib::Response& res, const std::string& model) {
    std::uint64_t n = next_request();
    json line = base_line(req, n);
    line["action"] = "getModel";
    line["model"] = model;
    if (!check_failure(line["auth_value"], line, res)) return;
    line["status"] = 200;
    record(line);
    res.set_content(model_json(model).dump(), "application/json");
  }

  // Anything else gets a Google 404 and a record line, so we can see what
  // a client tried.
  void other(const httplib::Request& req, httplib::Response& res) {
    std::uint64_t n = next_request();
    json line = base_line(req, n);
    line["unknown"] = true;
    line["status"] = 404;
    if (!req.body.empty()) line["body_head"] = req.body.substr(0, 200);
    record(line);
    if (req.method == "HEAD") return;
    res.status = 404;
    res.set_content(google_error(404, "NOT_FOUND", "Not found: " + req.path).dump(), "application/json");
  }

  const Options& options() const { return m_options; }

 private:
  Options m_options;
  std::mutex m_mutex;
  std::uint64_t m_count = 0;
  std::FILE* m_record = nullptr;
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "fake_gemini: " << message
            << "\nusage: fake_gemini --port N --seed N --record FILE [--port-file FILE] "
               "[--mode normal|fail500|unauthorized|slow] [--expect-key KEY] [--delay-ms N] [--dump-dir DIR]\n";
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
  // `{model}:{action}`; the model may hold dots and dashes (gemini-2.5-pro).
  server.Post(R"(/(v1beta|v1|v1alpha)/models/([^/:]+):([A-Za-z]+))",
              [&](const httplib::Request& req, httplib::Response& res) {
                std::string model = req.matches[2];
                std::string action = req.matches[3];
                if (action == "streamGenerateContent" || action == "generateContent")
                  provider.generate(req, res, model, action);
                else if (action == "countTokens")
                  provider.count_tokens(req, res, model);
                else
                  provider.other(req, res);
              });
  server.Get(R"(/(v1beta|v1|v1alpha)/models)",
             [&](const httplib::Request& req, httplib::Response& res) { provider.list_models(req, res); });
  server.Get(R"(/(v1beta|v1|v1alpha)/models/([^/:]+))", [&](const httplib::Request& req, httplib::Response& res) {
    provider.get_model(req, res, req.matches[2]);
  });
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
    std::cerr << "fake_gemini: cannot bind 127.0.0.1:" << provider.options().port
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
