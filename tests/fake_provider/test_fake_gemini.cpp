// fake_gemini speaks the Gemini API the way Gemini CLI 0.61.0 relies on: SSE
// framing (`data: {...}\r\n\r\n`, no event names), usageMetadata on every
// chunk with the final numbers on the last one, the function-call-then-text
// conversation, the key transports, errors, and one record line per request.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.hpp"

using json = nlohmann::json;
namespace fs = std::filesystem;
using clown::test::read_text;
using clown::test::TempDir;

namespace {

class Server {
 public:
  Server(const fs::path& dir, const std::vector<std::string>& extra, const std::string& seed = "7") {
    m_record = dir / "record.jsonl";
    fs::path port_file = dir / "port";
    std::vector<std::string> argv = {FAKE_GEMINI_BIN, "--port",          "0",           "--seed",          seed,
                                     "--record",      m_record.string(), "--port-file", port_file.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    REQUIRE(posix_spawn(&m_pid, args[0], &fa, nullptr, args.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!fs::exists(port_file) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(fs::exists(port_file));
    m_port = std::stoi(read_text(port_file));
  }
  ~Server() {
    ::kill(m_pid, SIGTERM);
    ::waitpid(m_pid, nullptr, 0);
  }
  int port() const { return m_port; }
  std::vector<json> records() const {
    std::vector<json> out;
    std::istringstream in(read_text(m_record));
    std::string line;
    while (std::getline(in, line)) out.push_back(json::parse(line));
    return out;
  }

 private:
  pid_t m_pid = -1;
  int m_port = 0;
  fs::path m_record;
};

// Splits an SSE body the way @google/genai does: events are `data: <json>`
// terminated by a blank line (Google sends CRLF CRLF).
std::vector<json> parse_sse(const std::string& body, std::vector<std::string>* raw_events = nullptr) {
  std::vector<json> chunks;
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t end = body.find("\r\n\r\n", pos);
    if (end == std::string::npos) break;
    std::string event = body.substr(pos, end - pos);
    if (raw_events) raw_events->push_back(event);
    if (event.rfind("data: ", 0) == 0) chunks.push_back(json::parse(event.substr(6)));
    pos = end + 4;
  }
  CHECK(pos == body.size());  // nothing after the last event
  return chunks;
}

const json k_tools = json::array(
    {{{"functionDeclarations",
       json::array(
           {{{"name", "run_shell_command"},
             {"parametersJsonSchema", {{"type", "object"}, {"properties", {{"command", {{"type", "string"}}}}}}}},
            {{"name", "read_file"}, {"parametersJsonSchema", {{"type", "object"}}}}})}}});

json request(const json& contents, const json& thinking = {{"includeThoughts", true}, {"thinkingBudget", 8192}}) {
  return {{"contents", contents},
          {"systemInstruction", {{"parts", json::array({{{"text", "You are a CLI agent."}}})}}},
          {"tools", k_tools},
          {"generationConfig", {{"temperature", 1}, {"thinkingConfig", thinking}}}};
}

const json k_first_turn = json::array({{{"role", "user"}, {"parts", json::array({{{"text", "run echo hi"}}})}}});

const char* k_stream_path = "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse";

std::int64_t count(const json& usage, const char* key) { return usage.value(key, std::int64_t{0}); }

}  // namespace

TEST_CASE("fake_gemini streams a run_shell_command call, then text after the functionResponse") {
  TempDir tmp;
  Server server(tmp.path(), {});
  httplib::Client client("127.0.0.1", server.port());

  auto res = client.Post(k_stream_path, {{"x-goog-api-key", "k1"}}, request(k_first_turn).dump(), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/event-stream");
  std::vector<std::string> raw;
  auto chunks = parse_sse(res->body, &raw);
  REQUIRE(chunks.size() == 3);                                         // thought, text, functionCall
  for (const auto& e : raw) CHECK(e.find('\n') == std::string::npos);  // one data line per event

  // Every chunk repeats responseId and modelVersion and carries usage; only
  // the last one has the finish reason and the final candidates count.
  std::string id = chunks[0].at("responseId");
  for (const auto& c : chunks) {
    CHECK(c.at("responseId") == id);
    CHECK(c.at("modelVersion") == "gemini-2.5-pro");
    CHECK(c.at("usageMetadata").contains("promptTokenCount"));
    CHECK(c.at("candidates").size() == 1);
    CHECK(c.at("candidates")[0].at("content").at("role") == "model");
  }
  CHECK_FALSE(chunks[0].at("candidates")[0].contains("finishReason"));
  CHECK(chunks[2].at("candidates")[0].at("finishReason") == "STOP");
  const json& thought = chunks[0].at("candidates")[0].at("content").at("parts")[0];
  CHECK(thought.at("thought") == true);
  const json& call = chunks[2].at("candidates")[0].at("content").at("parts")[0].at("functionCall");
  CHECK(call.at("name") == "run_shell_command");
  CHECK(call.at("args").at("command") == "echo hi");

  const json& final_usage = chunks.back().at("usageMetadata");
  std::int64_t prompt = count(final_usage, "promptTokenCount");
  std::int64_t cached = count(final_usage, "cachedContentTokenCount");
  std::int64_t candidates = count(final_usage, "candidatesTokenCount");
  std::int64_t thoughts = count(final_usage, "thoughtsTokenCount");
  std::int64_t tool = count(final_usage, "toolUsePromptTokenCount");
  CHECK(candidates > 0);
  CHECK(thoughts > 0);
  CHECK(tool > 0);
  CHECK(cached < prompt);  // cached is part of the prompt
  CHECK(count(final_usage, "totalTokenCount") == prompt + candidates + thoughts + tool);
  // Partial chunks have fewer candidates: summing chunks would overcount.
  CHECK(count(chunks[0].at("usageMetadata"), "candidatesTokenCount") < candidates);

  // The second turn carries the functionResponse: a text answer.
  json second = k_first_turn;
  second.push_back({{"role", "model"}, {"parts", json::array({{{"functionCall", call}}})}});
  second.push_back(
      {{"role", "user"},
       {"parts",
        json::array({{{"functionResponse", {{"name", "run_shell_command"}, {"response", {{"output", "hi"}}}}}}})}});
  auto res2 = client.Post(std::string(k_stream_path) + "&key=k2", request(second).dump(), "application/json");
  REQUIRE(res2);
  REQUIRE(res2->status == 200);
  auto chunks2 = parse_sse(res2->body);
  std::string text;
  for (const auto& c : chunks2)
    for (const auto& p : c.at("candidates")[0].at("content").at("parts"))
      if (!p.value("thought", false) && p.contains("text")) text += p.at("text").get<std::string>();
  CHECK(text == "The command ran and printed: hi");

  auto records = server.records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].at("auth_kind") == "x-goog-api-key");
  CHECK(records[0].at("auth_value") == "k1");
  CHECK(records[0].at("model") == "gemini-2.5-pro");
  CHECK(records[0].at("action") == "streamGenerateContent");
  CHECK(records[0].at("alt") == "sse");
  CHECK(records[0].at("kind") == "function_call");
  CHECK(records[0].at("response_id") == id);
  CHECK(records[0].at("usage") == final_usage);
  CHECK(records[0].at("tools") == json::array({"run_shell_command", "read_file"}));
  CHECK(records[1].at("auth_kind") == "query");
  CHECK(records[1].at("auth_value") == "k2");
  CHECK(records[1].at("kind") == "text");
  CHECK(records[1].at("usage") == chunks2.back().at("usageMetadata"));
  CHECK(records[0].at("response_id") != records[1].at("response_id"));
}

TEST_CASE("fake_gemini unary generateContent, JSON utility requests and thinking off") {
  TempDir tmp;
  Server server(tmp.path(), {});
  httplib::Client client("127.0.0.1", server.port());
  httplib::Headers key = {{"x-goog-api-key", "k"}};

  // Gemini CLI's next-speaker check: JSON mode with a schema, thinking off.
  json body = {{"contents", k_first_turn},
               {"generationConfig",
                {{"responseMimeType", "application/json"},
                 {"responseJsonSchema",
                  {{"type", "object"},
                   {"properties",
                    {{"reasoning", {{"type", "string"}}},
                     {"next_speaker", {{"type", "string"}, {"enum", json::array({"user", "model"})}}}}}}},
                 {"thinkingConfig", {{"thinkingBudget", 0}}}}}};
  auto res = client.Post("/v1beta/models/gemini-2.5-flash-lite:generateContent", key, body.dump(), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  json reply = json::parse(res->body);
  const json& candidate = reply.at("candidates")[0];
  CHECK(candidate.at("finishReason") == "STOP");
  json answer = json::parse(candidate.at("content").at("parts")[0].at("text").get<std::string>());
  CHECK(answer.at("next_speaker") == "user");
  CHECK(answer.at("reasoning").is_string());
  const json& usage = reply.at("usageMetadata");
  CHECK_FALSE(usage.contains("thoughtsTokenCount"));  // zero counts are left out, as the API does
  CHECK(count(usage, "totalTokenCount") == count(usage, "promptTokenCount") + count(usage, "candidatesTokenCount") +
                                               count(usage, "toolUsePromptTokenCount"));

  auto records = server.records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].at("action") == "generateContent");
  CHECK(records[0].at("model") == "gemini-2.5-flash-lite");
  CHECK(records[0].at("stream") == false);
  CHECK(records[0].at("kind") == "json");
  CHECK(records[0].at("usage") == usage);
}

TEST_CASE("fake_gemini usage is deterministic from the seed and varies per request") {
  TempDir a_dir, b_dir, c_dir;
  std::vector<json> usages[3];
  for (int i = 0; i < 3; ++i) {
    Server server(i == 0 ? a_dir.path() : (i == 1 ? b_dir.path() : c_dir.path()), {}, i == 2 ? "8" : "7");
    httplib::Client client("127.0.0.1", server.port());
    for (int n = 0; n < 3; ++n)
      REQUIRE(client.Post("/v1beta/models/gemini-2.5-pro:generateContent", request(k_first_turn).dump(),
                          "application/json"));
    for (const auto& r : server.records()) usages[i].push_back(r.at("usage"));
  }
  REQUIRE(usages[0].size() == 3);
  CHECK(usages[0] == usages[1]);
  CHECK(usages[0] != usages[2]);        // another seed, other numbers
  CHECK(usages[0][0] != usages[0][1]);  // varies per request
}

TEST_CASE("fake_gemini errors, countTokens, model listing and unknown paths") {
  TempDir tmp;
  SECTION("fail500") {
    Server server(tmp.path(), {"--mode", "fail500"});
    httplib::Client client("127.0.0.1", server.port());
    auto res = client.Post(k_stream_path, request(k_first_turn).dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 500);
    CHECK(json::parse(res->body).at("error").at("status") == "INTERNAL");
    CHECK(server.records().at(0).at("status") == 500);
  }
  SECTION("a wrong key with --expect-key is answered as the real API does (400 API_KEY_INVALID)") {
    Server server(tmp.path(), {"--expect-key", "good"});
    httplib::Client client("127.0.0.1", server.port());
    auto bad =
        client.Post(k_stream_path, {{"x-goog-api-key", "bad"}}, request(k_first_turn).dump(), "application/json");
    REQUIRE(bad);
    CHECK(bad->status == 400);
    json error = json::parse(bad->body).at("error");
    CHECK(error.at("code") == 400);
    CHECK(error.at("status") == "INVALID_ARGUMENT");
    CHECK(error.at("details")[0].at("reason") == "API_KEY_INVALID");
    auto good =
        client.Post(k_stream_path, {{"x-goog-api-key", "good"}}, request(k_first_turn).dump(), "application/json");
    REQUIRE(good);
    CHECK(good->status == 200);
  }
  SECTION("countTokens, models and unknown paths") {
    Server server(tmp.path(), {});
    httplib::Client client("127.0.0.1", server.port());
    auto tokens =
        client.Post("/v1beta/models/gemini-2.5-pro:countTokens", request(k_first_turn).dump(), "application/json");
    REQUIRE(tokens);
    CHECK(tokens->status == 200);
    CHECK(json::parse(tokens->body).at("totalTokens").get<std::int64_t>() > 0);
    auto models = client.Get("/v1beta/models");
    REQUIRE(models);
    CHECK(models->status == 200);
    CHECK(json::parse(models->body).at("models")[0].at("name") == "models/gemini-2.5-pro");
    auto unknown = client.Get("/v1internal:loadCodeAssist");
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
    auto records = server.records();
    REQUIRE(records.size() == 3);
    CHECK(records[0].at("action") == "countTokens");
    CHECK(records[1].at("action") == "listModels");
    CHECK(records[2].at("path") == "/v1internal:loadCodeAssist");
    CHECK(records[2].at("unknown") == true);
  }
}
