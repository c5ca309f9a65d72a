// clown run of an isolated Claude Code profile: the first-run seed, runs that
// are not sessions, and the one line after a run that ended at the trust
// question (with the fake agent; tests/e2e/test_e2e_tty.cpp proves the same
// with the real Claude Code in a terminal).
#include <catch2/catch.hpp>

#include "tests/integration/cli_fixture.hpp"
#include "tests/support/pty_terminal.hpp"

using namespace clown::test;
using nlohmann::json;

namespace {

void make_isolated(const ClownHome& h, const std::string& alias) {
  REQUIRE(h.clown({"profiles", "create", alias, "--provider", "anthropic", "--api-key-stdin", "--isolate",
                   "--agent-bin", fake_agent_binary().string()},
                  {.stdin_data = "sk-ant-api03-0123456789-abcdefghijklmnopqrst\n"})
              .exit_code == 0);
}

// The start of clown's line (the terminal wraps the rest).
std::string trust_line(const fs::path& cwd) {
  return "clown: Claude Code stopped at its question whether to trust " + cwd.string();
}

json usage_all(const ClownHome& h) {
  auto r = h.clown({"usage", "--period", "all", "--json"});
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("the first run of an isolated profile seeds its home: onboarding done, key approved, the user's theme") {
  ClownHome h;
  write_text(h.user_home() / ".claude" / "settings.json", R"({"theme": "light"})");
  make_isolated(h, "iso");
  REQUIRE(h.clown({"run", "iso", "--", "--version"}).exit_code == 0);
  const auto home = h.root() / "homes" / "iso";
  CHECK(json::parse(read_text(home / ".claude.json")) ==
        json{{"hasCompletedOnboarding", true},
             {"customApiKeyResponses", {{"approved", {"abcdefghijklmnopqrst"}}, {"rejected", json::array()}}}});
  CHECK(json::parse(read_text(home / "settings.json")) == json{{"theme", "light"}});
  CHECK(read_text(home / ".claude.json").find("projects") == std::string::npos);  // no folder trusted

  // A replaced key is approved too, the old one stays.
  REQUIRE(h.clown({"profiles", "set", "iso", "--api-key-stdin"},
                  {.stdin_data = "sk-ant-api03-new-key-ZYXWVUTSRQPONMLKJIHG\n"})
              .exit_code == 0);
  REQUIRE(h.clown({"run", "iso", "--", "--version"}).exit_code == 0);
  CHECK(json::parse(read_text(home / ".claude.json"))["customApiKeyResponses"]["approved"] ==
        json{"abcdefghijklmnopqrst", "ZYXWVUTSRQPONMLKJIHG"});
}

TEST_CASE("commands that are not sessions are run but not recorded") {
  ClownHome h;
  make_isolated(h, "iso");
  for (const auto& args : std::vector<std::vector<std::string>>{{"--version"}, {"mcp", "list"}, {"-h"}}) {
    std::vector<std::string> cmd = {"run", "iso", "--"};
    cmd.insert(cmd.end(), args.begin(), args.end());
    auto r = h.clown(cmd, {.env = {{"FAKE_AGENT_EXIT", "3"}}});
    CHECK(r.exit_code == 3);
    CHECK(r.err.empty());
  }
  CHECK_FALSE(fs::exists(h.root() / "telemetry" / "sessions.jsonl"));
  CHECK_FALSE(fs::exists(h.root() / "telemetry" / "runs"));
}

TEST_CASE("a run that ended before a session started says so once and counts no session and no runtime") {
  ClownHome h;
  make_isolated(h, "iso");
  // The fake agent without FAKE_AGENT_SESSION fires no hook, like Claude Code
  // left at its trust question, which it asks only on a terminal.
  auto env = h.options().env;
  env["FAKE_AGENT_EXIT"] = "1";
  Terminal t({clown_binary().string(), "run", "iso"}, env, h.work());
  CHECK(t.wait_exit() == 1);
  CHECK(t.screen().find(trust_line(h.work())) != std::string::npos);
  // In a pipe (a script, print mode) there is no such question: no line.
  auto r = h.clown({"run", "iso"}, {.env = {{"FAKE_AGENT_EXIT", "1"}}});
  CHECK(r.exit_code == 1);
  CHECK(r.err.empty());
  auto lines = h.session_lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["session_started"] == false);
  CHECK(lines[0]["session_ids"] == json::array());
  auto usage = usage_all(h);
  CHECK(usage["total_sessions"] == 0);
  CHECK(usage["total_runtime_secs"] == 0.0);
  auto profiles = h.clown({"usage", "profiles", "--period", "all", "--json"});
  REQUIRE(profiles.exit_code == 0);
  CHECK(json::parse(profiles.out)["profiles"] == json::array());

  // Trusted (here by an ancestor of the cwd): no line, even without a session.
  write_text(h.root() / "homes" / "iso" / ".claude.json",
             json{{"hasCompletedOnboarding", true},
                  {"customApiKeyResponses", {{"approved", {"abcdefghijklmnopqrst"}}, {"rejected", json::array()}}},
                  {"projects", {{h.work().parent_path().string(), {{"hasTrustDialogAccepted", true}}}}}}
                 .dump());
  Terminal trusted({clown_binary().string(), "run", "iso"}, h.options().env, h.work());
  CHECK(trusted.wait_exit() == 0);
  CHECK(trusted.screen().find("clown:") == std::string::npos);
}

TEST_CASE("a run whose session started is counted with its runtime") {
  ClownHome h;
  make_isolated(h, "iso");
  auto r = h.clown({"run", "iso"}, {.env = {{"FAKE_AGENT_SESSION", "sess-1"}}});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  auto lines = h.session_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["session_started"] == true);
  CHECK(lines[0]["session_ids"] == json{"sess-1"});
  CHECK(usage_all(h)["total_runtime_secs"] == lines[0]["duration_secs"]);
}
