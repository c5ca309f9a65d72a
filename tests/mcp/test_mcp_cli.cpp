// `clown mcp` spoken to as an MCP client does (docs/mcp.md): a scripted
// JSON-RPC client writes lines on its stdin and reads its answers.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/mcp/mcp_client.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/clown_home.hpp"

using namespace clown;
using nlohmann::json;

namespace {

std::string clown_version(const test::ClownHome& home) {
  auto r = home.clown({"--version"});
  REQUIRE(r.exit_code == 0);
  return r.out.substr(6, r.out.size() - 7);  // "clown X.Y.Z\n"
}

json call(test::McpClient& client, int id, const std::string& tool, const json& arguments) {
  json request = {
      {"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", {{"name", tool}, {"arguments", arguments}}}};
  json response = client.request(request.dump());
  REQUIRE(response["id"] == id);
  return response["result"];
}

// The tool's result carries exactly what `clown <args> --json` prints.
void check_same_as_cli(const test::ClownHome& home, test::McpClient& client, const std::string& tool,
                       const json& arguments, std::vector<std::string> cli_args) {
  cli_args.push_back("--json");
  auto cli = home.clown(cli_args);
  REQUIRE(cli.exit_code == 0);
  const json result = call(client, 100, tool, arguments);
  CHECK(result["isError"] == false);
  REQUIRE(result["content"].size() == 1);
  CHECK(result["content"][0]["type"] == "text");
  CHECK(result["content"][0]["text"].get<std::string>() + "\n" == cli.out);
  const json expected = json::parse(cli.out);
  CHECK(result["structuredContent"] == (expected.is_array() ? json{{"profiles", expected}} : expected));
}

json error(const json& id, int code, const std::string& message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

}  // namespace

TEST_CASE("mcp: initialize negotiates the revision, initialized gets no answer, ping answers {}", "[mcp][cli]") {
  test::ClownHome home;
  const std::string version = clown_version(home);
  test::McpClient client(home);
  const json init = client.request(
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})");
  CHECK(init == json{{"jsonrpc", "2.0"},
                     {"id", 1},
                     {"result",
                      {{"protocolVersion", "2025-06-18"},
                       {"capabilities", {{"tools", {{"listChanged", false}}}}},
                       {"serverInfo", {{"name", "clown"}, {"title", "clown usage and cost"}, {"version", version}}},
                       {"instructions",
                        "Token usage, cost, budgets and prices recorded by clown. Tools return the same JSON as "
                        "`clown usage … --json`; periods are today|yesterday|week|month|7d|30d|all."}}}});
  client.write_line(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  // The next line answers the ping: the notification got none.
  CHECK(client.request(R"({"jsonrpc":"2.0","id":"p-1","method":"ping"})") ==
        json{{"jsonrpc", "2.0"}, {"id", "p-1"}, {"result", json::object()}});
  // A revision the server does not know: it answers with its newest.
  const json again = client.request(
      R"({"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"1999-01-01","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})");
  CHECK(again["result"]["protocolVersion"] == "2025-11-25");
  std::string rest;
  CHECK(client.close_and_wait(&rest) == 0);
  CHECK(rest.empty());
}

TEST_CASE("mcp: tools/list names every tool with its input schema", "[mcp][cli]") {
  test::ClownHome home;
  test::McpClient client(home);
  const json list = client.request(R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})");
  std::vector<std::string> names;
  for (const auto& t : list["result"]["tools"]) names.push_back(t["name"]);
  CHECK(names == std::vector<std::string>{"usage_summary", "usage_daily", "usage_sessions", "usage_session_detail",
                                          "usage_blocks", "pricing_show", "profiles_list", "budget_status"});
  CHECK(list["result"]["tools"][5] ==
        json{{"name", "pricing_show"},
             {"description", "The price entry a model name resolves to, and why (clown pricing show MODEL --json)."},
             {"inputSchema",
              {{"type", "object"},
               {"additionalProperties", false},
               {"required", {"model"}},
               {"properties",
                {{"model",
                  {{"type", "string"},
                   {"description", "model name as the agent reports it, e.g. claude-sonnet-4-5-20250929"}}}}}}}});
  CHECK(list["result"]["tools"][6]["inputSchema"] ==
        json{{"type", "object"}, {"additionalProperties", false}, {"properties", json::object()}});
  const json& summary_props = list["result"]["tools"][0]["inputSchema"]["properties"];
  std::vector<std::string> filters;
  for (const auto& [k, v] : summary_props.items()) filters.push_back(k);
  CHECK(filters == std::vector<std::string>{"agent", "model", "period", "profile", "project", "project_aliases",
                                            "since", "start_of_week", "timezone", "until"});
  CHECK(summary_props["project_aliases"]["items"] == json{{"type", "string"}});
}

TEST_CASE("mcp: every tool answers with exactly the CLI's --json", "[mcp][cli]") {
  test::ClownHome home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  REQUIRE(home.clown({"profiles", "create", "work", "--provider", "anthropic"}).exit_code == 0);
  test::McpClient client(home);
  const json all = {{"period", "all"}, {"timezone", "UTC"}};
  check_same_as_cli(home, client, "usage_summary", all, {"usage", "--period", "all", "--timezone", "UTC"});
  check_same_as_cli(home, client, "usage_daily",
                    {{"period", "all"}, {"timezone", "Europe/Berlin"}, {"breakdown", true}},
                    {"usage", "daily", "--period", "all", "--timezone", "Europe/Berlin", "--breakdown"});
  check_same_as_cli(home, client, "usage_sessions", {{"period", "all"}, {"limit", 1}, {"offset", 1}},
                    {"usage", "sessions", "--period", "all", "--limit", "1", "--offset", "1"});
  check_same_as_cli(home, client, "usage_session_detail", {{"id", "s2"}, {"timezone", "UTC"}},
                    {"usage", "session", "s2", "--timezone", "UTC"});
  check_same_as_cli(home, client, "usage_blocks", {{"period", "all"}, {"timezone", "UTC"}, {"token_limit", "max"}},
                    {"usage", "blocks", "--period", "all", "--timezone", "UTC", "--token-limit", "max"});
  check_same_as_cli(home, client, "usage_summary", {{"period", "all"}, {"profile", "claude-native"}},
                    {"usage", "--period", "all", "--profile", "claude-native"});
  check_same_as_cli(home, client, "budget_status", all, {"usage", "budget", "--period", "all", "--timezone", "UTC"});
  check_same_as_cli(home, client, "pricing_show", {{"model", "claude-sonnet-4-5-20250929"}},
                    {"pricing", "show", "claude-sonnet-4-5-20250929"});
  check_same_as_cli(home, client, "profiles_list", json::object(), {"profiles", "list"});
  // The totals themselves (the fixture's, docs: tests/reports/seed.hpp).
  const json summary = call(client, 9, "usage_summary", all);
  CHECK(summary["structuredContent"]["total_requests"] == 5);
  CHECK(summary["structuredContent"]["total_cost"]["total_cost"] == 38.0625);
}

TEST_CASE("mcp: malformed input gets the JSON-RPC error and the server keeps serving", "[mcp][cli]") {
  test::ClownHome home;
  test::McpClient client(home);
  CHECK(client.request("{not json") == error(nullptr, -32700, "Parse error"));
  CHECK(client.request("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\xff\"}") == error(nullptr, -32700, "Parse error"));
  CHECK(client.request(R"({"jsonrpc":"2.0","id":1,"method":"ping"} trailing)") ==
        error(nullptr, -32700, "Parse error"));
  CHECK(client.request(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])") ==
        error(nullptr, -32600, "Invalid Request: not an object"));
  CHECK(client.request("42") == error(nullptr, -32600, "Invalid Request: not an object"));
  CHECK(client.request(R"({"jsonrpc":"1.0","id":6,"method":"ping"})") ==
        error(6, -32600, "Invalid Request: jsonrpc must be \"2.0\""));
  CHECK(client.request(R"({"jsonrpc":"2.0","id":true,"method":"ping"})") ==
        error(nullptr, -32600, "Invalid Request: id must be a string or an integer"));
  CHECK(client.request(R"({"jsonrpc":"2.0","id":7,"method":3})") ==
        error(7, -32600, "Invalid Request: method must be a string"));
  CHECK(client.request(R"({"jsonrpc":"2.0","id":8,"method":"resources/list"})") ==
        error(8, -32601, "Method not found: resources/list"));
  CHECK(client.request(R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":"x"})") ==
        error(9, -32602, "Invalid params: params must be an object"));
  CHECK(client.request(R"({"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"nope"}})") ==
        error(10, -32602, "Unknown tool: nope"));
  CHECK(client.request(R"({"jsonrpc":"2.0","id":11,"method":"tools/call","params":{}})") ==
        error(11, -32602, "Invalid params: tools/call needs a tool name string"));
  CHECK(client.request(
            R"({"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"usage_summary","arguments":[]}})") ==
        error(12, -32602, "Invalid params: arguments must be an object"));
  CHECK(client.request(R"({"jsonrpc":"2.0","id":13,"method":"initialize","params":{}})") ==
        error(13, -32602, "Invalid params: initialize needs a protocolVersion string"));
  // Notifications and responses are never answered, whatever their method.
  client.write_line(R"({"jsonrpc":"2.0","method":"no/such/notification"})");
  client.write_line(R"({"jsonrpc":"2.0","id":99,"result":{}})");
  client.write_line("");
  CHECK(client.request(R"({"jsonrpc":"2.0","id":14,"method":"ping"})") ==
        json{{"jsonrpc", "2.0"}, {"id", 14}, {"result", json::object()}});
  CHECK(client.close_and_wait() == 0);
}

TEST_CASE("mcp: a tool that fails answers isError with the CLI's message", "[mcp][cli]") {
  test::ClownHome home;
  test::McpClient client(home);
  auto text_error = [](const std::string& text) {
    return json{{"content", {{{"type", "text"}, {"text", text}}}}, {"isError", true}};
  };
  CHECK(call(client, 1, "usage_summary", {{"period", "fortnight"}}) ==
        text_error("unknown period 'fortnight': use one of today, yesterday, week, month, 7d, 30d, all"));
  CHECK(call(client, 2, "usage_summary", {{"bogus", 1}}) ==
        text_error("unknown argument 'bogus' for usage_summary; it takes: period, since, until, profile, model, agent, "
                   "project, timezone, start_of_week, project_aliases"));
  CHECK(call(client, 3, "usage_sessions", {{"limit", "ten"}}) ==
        text_error("argument 'limit' of usage_sessions must be an integer"));
  CHECK(call(client, 4, "usage_session_detail", json::object()) ==
        text_error("usage_session_detail needs the argument 'id' (session id or a unique prefix)"));
  CHECK(call(client, 5, "pricing_show", {{"model", "no-such-model-xyz"}}) ==
        text_error("no price for model 'no-such-model-xyz' in the bundled pricing table (no exact, normalized or "
                   "boundary match); its usage is reported as unpriced"));
  CHECK(client.close_and_wait() == 0);
}
