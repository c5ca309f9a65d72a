// The real client: Claude Code run by `clown run`, with clown's MCP server
// registered in the isolated home by `clown mcp install`, calls the tool the
// test provider asks for; the tool_result Claude Code sends back to the
// provider carries the same totals as `clown usage --json`.
#include <catch2/catch.hpp>

#include <cctype>

#include "tests/e2e/e2e_support.hpp"
#include "tests/reports/seed.hpp"

using namespace clown::e2e;
using clown::test::ProcessResult;

namespace {

// The text of a tool_result's content: a string, or text blocks.
std::string content_text(const json& tool_result) {
  const json& content = tool_result.contains("content") ? tool_result["content"] : json();
  if (content.is_string()) return content.get<std::string>();
  std::string text;
  if (content.is_array())
    for (const auto& block : content)
      if (block.value("type", "") == "text") text += block.value("text", "");
  return text;
}

// Without the <system-reminder> Claude Code 2.1.328 appends to the last tool
// result of a turn.
std::string result_text(const json& tool_result) {
  std::string text = content_text(tool_result);
  if (auto at = text.find("<system-reminder>"); at != std::string::npos) text.erase(at);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

}  // namespace

TEST_CASE("e2e-mcp Claude Code calls clown's MCP server: the tool result has clown usage's totals - claude 2.1.328") {
  const fs::path claude = claude_bin(k_new_claude);
  World world;
  clown::test::seed(world.base.paths(), clown::test::fixture_requests(), clown::test::fixture_runs());
  const std::string key = "e2e-key-mcp";
  FakeProvider provider(world.base.dir(), 141, "normal", key,
                        {"--tool-use", "mcp__clown__usage_summary", "--tool-input", R"({"period":"all"})"});
  ProcessResult r = world.clown({"profiles", "create", "mcp", "--agent", "claude", "--provider", "custom", "--endpoint",
                                 provider.url(), "--api-key-env", "E2E_KEY", "--model", "claude-sonnet-4-5",
                                 "--agent-bin", claude.string(), "--isolate"});
  REQUIRE(r.exit_code == 0);
  r = world.clown({"mcp", "install", "mcp"});
  INFO("mcp install: " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // What `clown usage --json` says before the run (the run's own requests are
  // recorded when it ends, after the tool answered).
  r = world.clown({"usage", "--period", "all", "--json"});
  REQUIRE(r.exit_code == 0);
  const json expected = json::parse(r.out);
  REQUIRE(expected["total_requests"] == 5);

  // Claude Code 2.1.328 defers MCP tools behind its ToolSearch tool (the
  // request offers ToolSearch, not the tool); ENABLE_TOOL_SEARCH=false offers
  // them directly, so the provider's first answer can call the tool.
  ProcessResult run = world.clown_with(
      {"run", "mcp", "--", "-p", "how much did I spend?", "--allowedTools", "mcp__clown__usage_summary"},
      {{"E2E_KEY", key}, {"ENABLE_TOOL_SEARCH", "false"}});
  INFO("clown run: " << run.out << run.err);
  REQUIRE(run.exit_code == 0);

  std::vector<json> results;
  std::string offered;
  for (const auto& m : provider.messages())
    offered += m.value("kind", "") + ": " + m.value("tool_names", json::array()).dump() + "\n";
  INFO("requests (kind: tools offered):\n" << offered);
  for (const auto& m : provider.messages())
    if (m.contains("tool_results"))
      for (const auto& t : m["tool_results"]) results.push_back(t);
  REQUIRE(results.size() == 1);
  INFO("tool_result: " << results[0].dump());
  CHECK_FALSE(results[0].value("is_error", false));
  const json got = json::parse(result_text(results[0]), nullptr, false);
  REQUIRE(got.is_object());
  CHECK(got["total_requests"] == expected["total_requests"]);
  CHECK(got["total_tokens"] == expected["total_tokens"]);
  CHECK(got["total_cost"] == expected["total_cost"]);
  CHECK(got == expected);
}

TEST_CASE("e2e-mcp claude mcp list connects to the server clown mcp install registered - claude 2.1.328") {
  const fs::path claude = claude_bin(k_new_claude);
  World world;
  const fs::path config_dir = world.base.dir() / "claude-config";
  ProcessResult r = world.clown({"mcp", "install", "--claude-dir", config_dir.string()});
  INFO("mcp install: " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  Env env = world.env;
  env["CLAUDE_CONFIG_DIR"] = config_dir.string();
  env["DISABLE_AUTOUPDATER"] = "1";
  ProcessResult list = clown::test::run_process({claude.string(), "mcp", "list"}, {env, "", world.work});
  INFO("claude mcp list: " << list.out << list.err);
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("clown: " + clown::test::clown_binary().string() + " mcp - \u2714 Connected") !=
        std::string::npos);
}
