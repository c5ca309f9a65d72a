// The fake provider speaks the Anthropic Messages API the way the e2e tests
// rely on: SSE event order, usage in message_start / message_delta, the
// tool-use-then-text conversation, errors, and one record line per request.
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

class Provider {
 public:
  Provider(const fs::path& dir, const std::vector<std::string>& extra) {
    m_record = dir / "record.jsonl";
    fs::path port_file = dir / "port";
    std::vector<std::string> argv = {FAKE_PROVIDER_BIN, "--port",          "0",           "--seed",          "7",
                                     "--record",        m_record.string(), "--port-file", port_file.string()};
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
  ~Provider() {
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
  std::string name;
  json data;
};

std::vector<Event> parse_sse(const std::string& body) {
  std::vector<Event> events;
  std::istringstream in(body);
  std::string line, name;
  while (std::getline(in, line)) {
    if (line.rfind("event: ", 0) == 0)
      name = line.substr(7);
    else if (line.rfind("data: ", 0) == 0)
      events.push_back({name, json::parse(line.substr(6))});
  }
  return events;
}

json request(bool stream, const json& messages) {
  return {{"model", "claude-sonnet-4-5"},
          {"max_tokens", 1000},
          {"stream", stream},
          {"tools", json::array({{{"name", "Bash"}, {"input_schema", {{"type", "object"}}}}})},
          {"messages", messages}};
}

const json k_first_turn = json::array({{{"role", "user"}, {"content", "run echo hi"}}});

}  // namespace

TEST_CASE("fake_provider streams a Bash tool call then ends after the tool result") {
  TempDir tmp;
  Provider provider(tmp.path(), {});
  httplib::Client client("127.0.0.1", provider.port());
  httplib::Headers headers = {{"x-api-key", "k1"}, {"anthropic-version", "2023-06-01"}};

  auto res = client.Post("/v1/messages", headers, request(true, k_first_turn).dump(), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/event-stream");
  auto events = parse_sse(res->body);
  std::vector<std::string> names;
  for (const auto& e : events) {
    names.push_back(e.name);
    CHECK(e.data.at("type") == e.name);  // each data's type repeats its event name
  }
  CHECK(names == std::vector<std::string>{"message_start", "ping", "content_block_start", "content_block_delta",
                                          "content_block_delta", "content_block_stop", "content_block_start",
                                          "content_block_delta", "content_block_delta", "content_block_delta",
                                          "content_block_stop", "message_delta", "message_stop"});
  const json& message = events[0].data.at("message");
  const json& start_usage = message.at("usage");
  CHECK(start_usage.at("output_tokens") == 1);
  CHECK(start_usage.at("cache_creation_input_tokens").get<int64_t>() ==
        start_usage.at("cache_creation").at("ephemeral_5m_input_tokens").get<int64_t>() +
            start_usage.at("cache_creation").at("ephemeral_1h_input_tokens").get<int64_t>());
  CHECK(events[6].data.at("content_block").at("type") == "tool_use");
  CHECK(events[6].data.at("content_block").at("name") == "Bash");
  std::string input;
  for (int i = 7; i <= 9; ++i) input += events[i].data.at("delta").at("partial_json").get<std::string>();
  CHECK(json::parse(input) == json{{"command", "echo hi"}, {"description", "Print hi"}});
  CHECK(events[11].data.at("delta").at("stop_reason") == "tool_use");
  int64_t output_tokens = events[11].data.at("usage").at("output_tokens").get<int64_t>();

  // The second turn carries the tool result: a text-only answer.
  json second = k_first_turn;
  second.push_back(
      {{"role", "assistant"},
       {"content", json::array({{{"type", "tool_use"}, {"id", "t1"}, {"name", "Bash"}, {"input", json::object()}}})}});
  second.push_back({{"role", "user"},
                    {"content", json::array({{{"type", "tool_result"}, {"tool_use_id", "t1"}, {"content", "hi"}}})}});
  httplib::Headers bearer = {{"Authorization", "Bearer k2"}};
  auto res2 = client.Post("/v1/messages", bearer, request(false, second).dump(), "application/json");
  REQUIRE(res2);
  REQUIRE(res2->status == 200);
  json reply = json::parse(res2->body);
  CHECK(reply.at("stop_reason") == "end_turn");
  CHECK(reply.at("content").size() == 1);
  CHECK(reply.at("content")[0].at("type") == "text");

  auto records = provider.records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].at("auth_kind") == "x-api-key");
  CHECK(records[0].at("auth_value") == "k1");
  CHECK(records[0].at("stream") == true);
  CHECK(records[0].at("message_id") == message.at("id"));
  CHECK(records[0].at("request_id") == res->get_header_value("request-id"));
  CHECK(records[0].at("usage").at("output_tokens") == output_tokens);
  CHECK(records[0].at("usage").at("input_tokens") == start_usage.at("input_tokens"));
  CHECK(records[1].at("auth_kind") == "bearer");
  CHECK(records[1].at("auth_value") == "k2");
  CHECK(records[1].at("stream") == false);
  CHECK(records[1].at("usage") == reply.at("usage"));
  CHECK(records[0].at("message_id") != records[1].at("message_id"));
}

TEST_CASE("fake_provider usage is deterministic from the seed") {
  TempDir a_dir, b_dir;
  std::vector<json> usages[2];
  for (int i = 0; i < 2; ++i) {
    Provider provider(i == 0 ? a_dir.path() : b_dir.path(), {});
    httplib::Client client("127.0.0.1", provider.port());
    for (int n = 0; n < 3; ++n)
      REQUIRE(client.Post("/v1/messages", request(false, k_first_turn).dump(), "application/json"));
    for (const auto& r : provider.records()) usages[i].push_back(r.at("usage"));
  }
  REQUIRE(usages[0].size() == 3);
  CHECK(usages[0] == usages[1]);
  CHECK(usages[0][0] != usages[0][1]);  // varies per request
}

TEST_CASE("fake_provider error modes answer with Anthropic error JSON") {
  TempDir tmp;
  SECTION("fail500") {
    Provider provider(tmp.path(), {"--mode", "fail500"});
    httplib::Client client("127.0.0.1", provider.port());
    auto res = client.Post("/v1/messages", request(true, k_first_turn).dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 500);
    CHECK(res->get_header_value("x-should-retry") == "false");
    CHECK(json::parse(res->body).at("error").at("type") == "api_error");
  }
  SECTION("wrong key with --expect-key") {
    Provider provider(tmp.path(), {"--expect-key", "good"});
    httplib::Client client("127.0.0.1", provider.port());
    auto bad =
        client.Post("/v1/messages", {{"x-api-key", "bad"}}, request(true, k_first_turn).dump(), "application/json");
    REQUIRE(bad);
    CHECK(bad->status == 401);
    CHECK(json::parse(bad->body).at("error").at("type") == "authentication_error");
    auto good =
        client.Post("/v1/messages", {{"x-api-key", "good"}}, request(true, k_first_turn).dump(), "application/json");
    REQUIRE(good);
    CHECK(good->status == 200);
  }
  SECTION("count_tokens and unknown paths") {
    Provider provider(tmp.path(), {});
    httplib::Client client("127.0.0.1", provider.port());
    auto count = client.Post("/v1/messages/count_tokens", request(false, k_first_turn).dump(), "application/json");
    REQUIRE(count);
    CHECK(count->status == 200);
    CHECK(json::parse(count->body).at("input_tokens").get<int64_t>() > 0);
    auto unknown = client.Get("/api/whatever");
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
    auto records = provider.records();
    REQUIRE(records.size() == 2);
    CHECK(records[1].at("path") == "/api/whatever");
    CHECK(records[1].at("unknown") == true);
  }
}

namespace {

// The text of a non-streamed answer's single text block.
std::string answer_text(const httplib::Result& res) {
  json reply = json::parse(res->body);
  REQUIRE(reply.at("content").size() == 1);
  REQUIRE(reply.at("content")[0].at("type") == "text");
  return reply.at("content")[0].at("text").get<std::string>();
}

}  // namespace

TEST_CASE("fake_provider answers Claude Code's side requests in the shape it expects") {
  TempDir tmp;
  Provider provider(tmp.path(), {});
  httplib::Client client("127.0.0.1", provider.port());

  SECTION("a session title (structured output with a title property, no tools)") {
    // As Claude Code 2.1.197 / 2.1.328 send it in interactive mode.
    json body = {{"model", "claude-sonnet-4-5"},
                 {"max_tokens", 32000},
                 {"stream", false},
                 {"system", json::array({{{"type", "text"}, {"text", "Generate a concise, sentence-case title"}}})},
                 {"output_config",
                  {{"format",
                    {{"type", "json_schema"},
                     {"schema",
                      {{"type", "object"},
                       {"properties", {{"title", {{"type", "string"}}}}},
                       {"required", json::array({"title"})}}}}}}},
                 {"messages", json::array({{{"role", "user"}, {"content", "<session>\nrun echo hi\n</session>"}}})}};
    auto res = client.Post("/v1/messages", body.dump(), "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    CHECK(json::parse(answer_text(res)).at("title") == "Echo test");
    auto records = provider.records();
    REQUIRE(records.size() == 1);
    CHECK(records[0].at("kind") == "title");
    CHECK(records[0].at("usage").at("output_tokens").get<int64_t>() > 0);
  }

  SECTION("a /compact summary (main-loop shape, last user message asks for the summary)") {
    json messages = k_first_turn;
    messages.push_back({{"role", "assistant"}, {"content", json::array({{{"type", "text"}, {"text", "Done."}}})}});
    messages.push_back(
        {{"role", "user"},
         {"content",
          "CRITICAL: Respond with TEXT ONLY. Do NOT call any tools.\n\nYour task is to create a detailed summary of "
          "the conversation so far, paying close attention to the user's explicit requests."}});
    auto res = client.Post("/v1/messages", request(false, messages).dump(), "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    std::string text = answer_text(res);
    CHECK(text.find("<analysis>") != std::string::npos);
    CHECK(text.find("<summary>") < text.find("</summary>"));
    CHECK(json::parse(res->body).at("stop_reason") == "end_turn");
    auto records = provider.records();
    REQUIRE(records.size() == 1);
    CHECK(records[0].at("kind") == "compact");
  }

  SECTION("main-loop requests keep their kinds") {
    REQUIRE(client.Post("/v1/messages", request(false, k_first_turn).dump(), "application/json"));
    json later = k_first_turn;
    later.push_back({{"role", "assistant"}, {"content", "Done."}});
    later.push_back({{"role", "user"}, {"content", "say something"}});
    REQUIRE(client.Post("/v1/messages", request(false, later).dump(), "application/json"));
    auto records = provider.records();
    REQUIRE(records.size() == 2);
    CHECK(records[0].at("kind") == "tool_use");
    CHECK(records[1].at("kind") == "text");
  }
}

TEST_CASE("fake_provider --no-request-id sends no request-id header") {
  TempDir tmp;
  Provider provider(tmp.path(), {"--no-request-id"});
  httplib::Client client("127.0.0.1", provider.port());
  auto res = client.Post("/v1/messages", request(true, k_first_turn).dump(), "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK_FALSE(res->has_header("request-id"));
  auto events = parse_sse(res->body);
  REQUIRE(!events.empty());
  auto records = provider.records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].at("request_id").is_null());
  CHECK(records[0].at("message_id") == events[0].data.at("message").at("id"));
}

TEST_CASE("fake_provider --ratelimit-headers sends the unified rate-limit headers Claude Code reads") {
  TempDir tmp;
  Provider provider(tmp.path(), {"--ratelimit-headers"});
  httplib::Client client("127.0.0.1", provider.port());
  auto first = client.Post("/v1/messages", request(false, k_first_turn).dump(), "application/json");
  auto second = client.Post("/v1/messages", request(true, k_first_turn).dump(), "application/json");
  REQUIRE(first);
  REQUIRE(second);
  // Utilization is a fraction that grows per request; resets are epoch seconds in the future.
  CHECK(first->get_header_value("anthropic-ratelimit-unified-5h-utilization") == "0.21");
  CHECK(second->get_header_value("anthropic-ratelimit-unified-5h-utilization") == "0.22");
  CHECK(second->get_header_value("anthropic-ratelimit-unified-7d-utilization") == "0.502");
  CHECK(second->get_header_value("anthropic-ratelimit-unified-status") == "allowed");
  auto now = static_cast<std::int64_t>(std::time(nullptr));
  auto reset_5h = std::stoll(second->get_header_value("anthropic-ratelimit-unified-5h-reset"));
  auto reset_7d = std::stoll(second->get_header_value("anthropic-ratelimit-unified-7d-reset"));
  CHECK(reset_5h > now);
  CHECK(reset_5h <= now + 5 * 3600);
  CHECK(reset_7d > reset_5h);
  auto records = provider.records();
  REQUIRE(records.size() == 2);
  CHECK(records[1].at("ratelimit").at("anthropic-ratelimit-unified-5h-reset") == std::to_string(reset_5h));

  TempDir plain_dir;
  Provider plain(plain_dir.path(), {});
  httplib::Client plain_client("127.0.0.1", plain.port());
  auto res = plain_client.Post("/v1/messages", request(false, k_first_turn).dump(), "application/json");
  REQUIRE(res);
  CHECK_FALSE(res->has_header("anthropic-ratelimit-unified-5h-utilization"));
  CHECK_FALSE(plain.records().at(0).contains("ratelimit"));
}
