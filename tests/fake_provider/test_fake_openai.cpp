// fake_openai speaks the OpenAI Responses API and Chat Completions the way
// Codex CLI (0.169.0, see tests/data/codex/README.md) and OpenAI's reference
// describe them: SSE framing (`event:` + `data:` whose type repeats the event
// name; Chat Completions `data:` chunks ending with `[DONE]`), usage with
// cached ⊂ input and reasoning ⊂ output, the tool-call-then-text
// conversation, errors, and one record line per request.
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
  Server(const fs::path& dir, const std::vector<std::string>& extra) {
    m_record = dir / "record.jsonl";
    fs::path port_file = dir / "port";
    std::vector<std::string> argv = {FAKE_OPENAI_BIN, "--port",          "0",           "--seed",          "7",
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

struct Event {
  std::string name;  // empty for data-only (Chat Completions) events
  std::string data;
};

// Splits an SSE body into events; checks every event ends with a blank line.
std::vector<Event> parse_sse(const std::string& body) {
  std::vector<Event> events;
  std::istringstream in(body);
  std::string line;
  Event current;
  bool open = false;
  while (std::getline(in, line)) {
    if (line.empty()) {
      if (open) events.push_back(current);
      current = Event();
      open = false;
    } else if (line.rfind("event: ", 0) == 0) {
      current.name = line.substr(7);
      open = true;
    } else if (line.rfind("data: ", 0) == 0) {
      current.data = line.substr(6);
      open = true;
    }
  }
  CHECK_FALSE(open);  // the last event was terminated
  return events;
}

// Codex 0.169.0 offers these function tools (plus a namespace group and
// web_search) in its Responses requests.
json codex_tools() {
  return json::array({{{"type", "function"}, {"name", "exec_command"}, {"parameters", {{"type", "object"}}}},
                      {{"type", "function"}, {"name", "write_stdin"}, {"parameters", {{"type", "object"}}}},
                      {{"type", "namespace"},
                       {"name", "multi_agent_v1"},
                       {"tools", json::array({{{"type", "function"}, {"name", "spawn_agent"}},
                                              {{"type", "function"}, {"name", "wait_agent"}}})}},
                      {{"type", "web_search"}}});
}

json user_message(const std::string& text) {
  return {{"type", "message"}, {"role", "user"}, {"content", json::array({{{"type", "input_text"}, {"text", text}}})}};
}

json responses_request(bool stream, const json& input) {
  return {{"model", "gpt-5-codex"},
          {"stream", stream},
          {"tools", codex_tools()},
          {"input", input},
          {"prompt_cache_key", "thread-1"}};
}

void check_usage(const json& usage) {
  int64_t input = usage.at("input_tokens");
  int64_t cached = usage.at("input_tokens_details").at("cached_tokens");
  int64_t output = usage.at("output_tokens");
  int64_t reasoning = usage.at("output_tokens_details").at("reasoning_tokens");
  CHECK(cached > 0);
  CHECK(cached <= input);
  CHECK(reasoning > 0);
  CHECK(reasoning < output);
  CHECK(usage.at("total_tokens").get<int64_t>() == input + output);
}

}  // namespace

TEST_CASE("fake_openai streams a Responses function call, then text after the tool output") {
  TempDir tmp;
  Server server(tmp.path(), {});
  httplib::Client client("127.0.0.1", server.port());
  httplib::Headers headers = {{"Authorization", "Bearer sk-1"}, {"session_id", "thread-1"}};

  json input = json::array({user_message("run echo hi")});
  auto res = client.Post("/v1/responses", headers, responses_request(true, input).dump(), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/event-stream");
  auto events = parse_sse(res->body);
  std::vector<std::string> names;
  std::vector<json> data;
  for (const auto& e : events) {
    names.push_back(e.name);
    data.push_back(json::parse(e.data));
    CHECK(data.back().at("type") == e.name);  // each data's type repeats its event name
    CHECK(data.back().at("sequence_number") == data.size() - 1);
  }
  CHECK(names == std::vector<std::string>{
                     "response.created", "response.in_progress", "response.output_item.added",
                     "response.reasoning_summary_part.added", "response.reasoning_summary_text.delta",
                     "response.reasoning_summary_text.done", "response.reasoning_summary_part.done",
                     "response.output_item.done", "response.output_item.added",
                     "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                     "response.function_call_arguments.done", "response.output_item.done", "response.completed"});
  CHECK(data[0].at("response").at("status") == "in_progress");
  CHECK(data[0].at("response").at("usage").is_null());
  CHECK(data[7].at("item").at("type") == "reasoning");
  const json& call = data[12].at("item");
  CHECK(call.at("type") == "function_call");
  CHECK(call.at("name") == "exec_command");
  CHECK(json::parse(call.at("arguments").get<std::string>()) == json{{"cmd", "echo hi"}});
  CHECK(data[9].at("delta").get<std::string>() + data[10].at("delta").get<std::string>() ==
        call.at("arguments").get<std::string>());
  const json& completed = data[13].at("response");
  CHECK(completed.at("status") == "completed");
  CHECK(completed.at("id") == data[0].at("response").at("id"));
  CHECK(completed.at("id").get<std::string>().rfind("resp_", 0) == 0);
  check_usage(completed.at("usage"));

  // The turn after the tool output: a text message, here without streaming.
  input.push_back(call);
  input.push_back({{"type", "function_call_output"}, {"call_id", call.at("call_id")}, {"output", "hi\n"}});
  auto res2 = client.Post("/responses", headers, responses_request(false, input).dump(), "application/json");
  REQUIRE(res2);
  REQUIRE(res2->status == 200);
  json reply = json::parse(res2->body);
  CHECK(reply.at("object") == "response");
  REQUIRE(reply.at("output").size() == 2);
  CHECK(reply.at("output")[1].at("type") == "message");
  CHECK(reply.at("output")[1].at("content")[0].at("text") == "The command printed: hi");
  check_usage(reply.at("usage"));

  auto records = server.records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].at("api") == "responses");
  CHECK(records[0].at("auth_kind") == "bearer");
  CHECK(records[0].at("auth_value") == "sk-1");
  CHECK(records[0].at("headers").at("session_id") == "thread-1");
  CHECK(records[0].at("prompt_cache_key") == "thread-1");
  CHECK(records[0].at("kind") == "tool_call");
  CHECK(records[0].at("tool_name") == "exec_command");
  CHECK(records[0].at("call_id") == call.at("call_id"));
  CHECK(records[0].at("response_id") == completed.at("id"));
  CHECK(records[0].at("usage") == completed.at("usage"));
  CHECK(records[1].at("kind") == "text");
  CHECK(records[1].at("path") == "/responses");
  CHECK(records[1].at("usage") == reply.at("usage"));
  CHECK(records[0].at("response_id") != records[1].at("response_id"));
}

TEST_CASE("fake_openai streams a text message with output_text deltas") {
  TempDir tmp;
  Server server(tmp.path(), {});
  httplib::Client client("127.0.0.1", server.port());
  // No tools offered: a text answer.
  json body = {{"model", "gpt-5-codex"}, {"stream", true}, {"input", json::array({user_message("hello")})}};
  auto res = client.Post("/v1/responses", body.dump(), "application/json");
  REQUIRE(res);
  auto events = parse_sse(res->body);
  std::string text;
  std::vector<std::string> tail;
  for (const auto& e : events) {
    json d = json::parse(e.data);
    if (e.name == "response.output_text.delta") text += d.at("delta").get<std::string>();
    if (e.name.rfind("response.content_part", 0) == 0 || e.name.rfind("response.output_text", 0) == 0)
      tail.push_back(e.name);
  }
  CHECK(text == "OK");
  CHECK(tail == std::vector<std::string>{"response.content_part.added", "response.output_text.delta",
                                         "response.output_text.delta", "response.output_text.done",
                                         "response.content_part.done"});
  CHECK(events.back().name == "response.completed");
}

TEST_CASE("fake_openai drives a subagent and answers structured output requests") {
  TempDir tmp;
  Server server(tmp.path(), {});
  httplib::Client client("127.0.0.1", server.port());
  json input = json::array({user_message("SPAWN_SUBAGENT: run echo hi in a subagent")});
  auto res = client.Post("/v1/responses", responses_request(false, input).dump(), "application/json");
  REQUIRE(res);
  json spawn = json::parse(res->body).at("output")[1];
  CHECK(spawn.at("name") == "spawn_agent");
  CHECK(spawn.at("namespace") == "multi_agent_v1");
  CHECK(json::parse(spawn.at("arguments").get<std::string>()) == json{{"message", "run echo hi"}});

  input.push_back(spawn);
  input.push_back({{"type", "function_call_output"},
                   {"call_id", spawn.at("call_id")},
                   {"output", json{{"agent_id", "agent-7"}, {"nickname", "Erdos"}}.dump()}});
  auto res2 = client.Post("/v1/responses", responses_request(false, input).dump(), "application/json");
  REQUIRE(res2);
  json wait = json::parse(res2->body).at("output")[1];
  CHECK(wait.at("name") == "wait_agent");
  CHECK(json::parse(wait.at("arguments").get<std::string>()).at("targets") == json::array({"agent-7"}));

  // Codex's TUI asks for a thread title with a json_schema text format.
  json schema = {{"type", "object"}, {"required", json::array({"title"})}};
  json title = {{"model", "gpt-5-codex"},
                {"stream", false},
                {"input", json::array({user_message("Generate a title")})},
                {"text", {{"format", {{"type", "json_schema"}, {"schema", schema}}}}}};
  auto res3 = client.Post("/v1/responses", title.dump(), "application/json");
  REQUIRE(res3);
  json text = json::parse(res3->body).at("output")[1].at("content")[0].at("text");
  CHECK(json::parse(text.get<std::string>()) == json{{"title", "Run echo hi"}});
}

TEST_CASE("fake_openai streams Chat Completions chunks with a final usage chunk") {
  TempDir tmp;
  Server server(tmp.path(), {});
  httplib::Client client("127.0.0.1", server.port());
  json tools = json::array({{{"type", "function"}, {"function", {{"name", "shell"}, {"parameters", json::object()}}}}});
  json messages = json::array({{{"role", "user"}, {"content", "run echo hi"}}});
  json body = {{"model", "gpt-4.1"},
               {"stream", true},
               {"stream_options", {{"include_usage", true}}},
               {"tools", tools},
               {"messages", messages}};
  auto res = client.Post("/v1/chat/completions", body.dump(), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  auto events = parse_sse(res->body);
  REQUIRE(events.size() >= 3);
  CHECK(events.back().data == "[DONE]");
  std::string arguments, call_id;
  json usage;
  std::string finish;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    CHECK(events[i].name.empty());
    json chunk = json::parse(events[i].data);
    CHECK(chunk.at("object") == "chat.completion.chunk");
    if (chunk.at("choices").empty()) {
      CHECK(i + 2 == events.size());  // the usage chunk comes last, before [DONE]
      usage = chunk.at("usage");
      continue;
    }
    CHECK(chunk.at("usage").is_null());
    const json& choice = chunk.at("choices")[0];
    if (!choice.at("finish_reason").is_null()) finish = choice.at("finish_reason");
    if (choice.at("delta").contains("tool_calls")) {
      const json& call = choice.at("delta").at("tool_calls")[0];
      if (call.contains("id")) call_id = call.at("id");
      arguments += call.at("function").at("arguments").get<std::string>();
    }
  }
  CHECK(finish == "tool_calls");
  CHECK(json::parse(arguments) == json{{"command", json::array({"bash", "-lc", "echo hi"})}});
  CHECK(usage.at("total_tokens").get<int64_t>() ==
        usage.at("prompt_tokens").get<int64_t>() + usage.at("completion_tokens").get<int64_t>());
  CHECK(usage.at("prompt_tokens_details").at("cached_tokens").get<int64_t>() <= usage.at("prompt_tokens"));
  CHECK(usage.at("completion_tokens_details").at("reasoning_tokens").get<int64_t>() <= usage.at("completion_tokens"));

  // After the tool message: plain text, here without streaming.
  messages.push_back({{"role", "assistant"},
                      {"tool_calls", json::array({{{"id", call_id},
                                                   {"type", "function"},
                                                   {"function", {{"name", "shell"}, {"arguments", arguments}}}}})}});
  messages.push_back({{"role", "tool"}, {"tool_call_id", call_id}, {"content", "hi"}});
  json body2 = {{"model", "gpt-4.1"}, {"tools", tools}, {"messages", messages}};
  auto res2 = client.Post("/v1/chat/completions", body2.dump(), "application/json");
  REQUIRE(res2);
  json reply = json::parse(res2->body);
  CHECK(reply.at("object") == "chat.completion");
  CHECK(reply.at("choices")[0].at("finish_reason") == "stop");
  CHECK(reply.at("choices")[0].at("message").at("content") == "The command printed: hi");

  auto records = server.records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].at("api") == "chat");
  CHECK(records[0].at("include_usage") == true);
  CHECK(records[0].at("usage") == usage);
  CHECK(records[1].at("usage") == reply.at("usage"));
}

TEST_CASE("fake_openai usage is deterministic from the seed and varies per request") {
  TempDir a_dir, b_dir;
  std::vector<json> usages[2];
  for (int i = 0; i < 2; ++i) {
    Server server(i == 0 ? a_dir.path() : b_dir.path(), {});
    httplib::Client client("127.0.0.1", server.port());
    for (int n = 0; n < 3; ++n)
      REQUIRE(client.Post("/v1/responses", responses_request(false, json::array({user_message("x")})).dump(),
                          "application/json"));
    for (const auto& r : server.records()) usages[i].push_back(r.at("usage"));
  }
  REQUIRE(usages[0].size() == 3);
  CHECK(usages[0] == usages[1]);
  CHECK(usages[0][0] != usages[0][1]);
}

TEST_CASE("fake_openai error modes answer with OpenAI error JSON") {
  TempDir tmp;
  json body = responses_request(true, json::array({user_message("run echo hi")}));
  SECTION("fail500") {
    Server server(tmp.path(), {"--mode", "fail500"});
    httplib::Client client("127.0.0.1", server.port());
    auto res = client.Post("/v1/responses", body.dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 500);
    CHECK(json::parse(res->body).at("error").at("type") == "server_error");
    CHECK(server.records().at(0).at("status") == 500);
  }
  SECTION("wrong key with --expect-key") {
    Server server(tmp.path(), {"--expect-key", "good"});
    httplib::Client client("127.0.0.1", server.port());
    auto bad = client.Post("/v1/responses", {{"Authorization", "Bearer bad"}}, body.dump(), "application/json");
    REQUIRE(bad);
    CHECK(bad->status == 401);
    CHECK(json::parse(bad->body).at("error").at("code") == "invalid_api_key");
    auto good = client.Post("/v1/responses", {{"Authorization", "Bearer good"}}, body.dump(), "application/json");
    REQUIRE(good);
    CHECK(good->status == 200);
  }
  SECTION("models and unknown paths") {
    Server server(tmp.path(), {});
    httplib::Client client("127.0.0.1", server.port());
    auto models = client.Get("/v1/models");
    REQUIRE(models);
    CHECK(json::parse(models->body).at("data")[0].at("id") == "gpt-5-codex");
    auto unknown = client.Get("/v1/whatever");
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
    auto records = server.records();
    REQUIRE(records.size() == 2);
    CHECK(records[0].at("api") == "models");
    CHECK(records[1].at("unknown") == true);
  }
}
