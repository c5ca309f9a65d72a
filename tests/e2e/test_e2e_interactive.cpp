// Exactness as users run Claude Code: the interactive TUI in a real
// pseudo-terminal, non-essential traffic left ON (session titles, /compact),
// several prompts and a /compact. What clown records for the run must equal
// what the test provider actually answered, request count included: the
// background requests no transcript shows arrive as OpenTelemetry events
// (docs/accuracy.md#otel).
#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "tests/e2e/e2e_support.hpp"
#include "tests/support/pty_terminal.hpp"

using namespace clown::e2e;
using clown::test::Terminal;
using std::chrono::seconds;

namespace {

const std::string k_key = "sk-ant-api03-e2e-interactive-key-0123456789abcdefghijklmnopqrstuvwxyz";

// What the session did, for checks on the main thread (Catch2's assertions
// are not for other threads).
struct SessionResult {
  bool ok = true;
  std::string failure;
  int exit_code = -1;
};

// A user's session: start `clown run <alias>` on a terminal, type the
// prompts (each waits for its turn's end in the transcript), /compact after
// the second, then /exit.
SessionResult run_session(Terminal& tui, const fs::path& home, const std::vector<std::string>& prompts) {
  SessionResult r;
  auto step = [&](bool ok, const std::string& what) {
    if (!ok && r.ok) {
      r.ok = false;
      r.failure = what + "; the screen:\n" + tui.screen();
    }
    return ok;
  };
  // Types a line, waits until the screen shows it, then presses Enter.
  auto type_line = [&](const std::string& text) {
    tui.type(text);
    if (!tui.wait_for(text, seconds(20))) return false;
    tui.type("\r");
    return true;
  };
  // The prompt's bottom line: Claude Code's shortcut hint, or clown's status
  // line, which `clown run` sets up and which takes the hint's place.
  const auto prompt_shown = [&] {
    const std::string screen = tui.screen();
    return screen.find("for shortcuts") != std::string::npos || screen.find(" · session $") != std::string::npos;
  };
  if (!step(tui.wait_until(prompt_shown, seconds(90)), "the prompt never appeared")) return r;
  for (size_t i = 0; i < prompts.size(); ++i) {
    const int turns = count_in_transcripts(home, "\"subtype\":\"turn_duration\"");
    if (!step(type_line(prompts[i]), "prompt not echoed: " + prompts[i])) return r;
    if (!step(tui.wait_until([&] { return count_in_transcripts(home, "\"subtype\":\"turn_duration\"") > turns; },
                             seconds(120)),
              "no end of turn for: " + prompts[i]))
      return r;
    if (i == 1) {
      const int compacts = count_in_transcripts(home, "\"subtype\":\"compact_boundary\"");
      if (!step(type_line("/compact"), "/compact not echoed")) return r;
      if (!step(
              tui.wait_until([&] { return count_in_transcripts(home, "\"subtype\":\"compact_boundary\"") > compacts; },
                             seconds(180)),
              "/compact never finished"))
        return r;
    }
  }
  if (!step(type_line("/exit"), "/exit not echoed")) return r;
  r.exit_code = tui.wait_exit(seconds(120));
  step(r.exit_code >= 0, "clown run did not exit after /exit");
  return r;
}

const std::vector<std::string> k_prompts = {"run echo hi", "say something short", "and one more thing"};

void check_line_against_provider(const json& line, const FakeProvider& provider) {
  const auto answered = provider.messages();
  int ok = 0;
  for (const auto& m : answered) ok += m.value("status", 0) == 200;
  const Totals want = provider.totals();
  INFO("line: " << line.dump());
  // Background requests happened: a title and a /compact summary besides the main loop.
  int background = 0;
  for (const auto& m : answered) background += m.value("kind", "") == "title" || m.value("kind", "") == "compact";
  CHECK(background >= 2);
  CHECK(line["requests"] == ok);
  CHECK(line["otel"] == "received");
  CHECK(line["tokens"]["input_tokens"] == want.input);
  CHECK(line["tokens"]["output_tokens"] == want.output);
  CHECK(line["tokens"]["cache_creation_input_tokens"] == want.cache_5m + want.cache_1h);
  CHECK(line["tokens"]["cache_read_input_tokens"] == want.cache_read);
  CHECK(line["cost"]["total_cost"].get<double>() == Approx(want.sonnet_45_cost()).epsilon(1e-9));
}

json usage_all(const World& world) {
  auto r = world.clown({"usage", "--period", "all", "--json"});
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

void scenario_interactive(const std::string& version, const std::vector<std::string>& provider_args) {
  World world;
  const auto claude = claude_bin(version);
  FakeProvider provider(world.base.dir(), 701, "normal", k_key, provider_args);
  create_interactive_profile(world, "tui", provider, claude, k_key);
  auto env = world.env;
  env["E2E_KEY"] = k_key;
  // Non-essential traffic on, as users run it.
  env["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = std::nullopt;
  Terminal tui({clown::test::clown_binary().string(), "run", "tui"}, env, world.work);
  const auto result = run_session(tui, world.clown_home / "homes" / "tui", k_prompts);
  INFO(result.failure);
  REQUIRE(result.ok);
  CHECK(result.exit_code == 0);
  const auto lines = world.session_lines();
  REQUIRE(lines.size() == 1);
  check_line_against_provider(lines[0], provider);

  // The store agrees, and importing Claude Code's own history afterwards adds nothing.
  const auto before = usage_all(world);
  CHECK(before["total_requests"] == lines[0]["requests"]);
  CHECK(before["total_tokens"] == lines[0]["tokens"]);
  auto imported =
      world.clown({"usage", "import-claude", "--claude-dir", (world.clown_home / "homes" / "tui").string(), "--json"});
  REQUIRE(imported.exit_code == 0);
  CHECK(json::parse(imported.out)["new_requests"] == 0);
  const auto after = usage_all(world);
  CHECK(after["total_tokens"] == before["total_tokens"]);
  CHECK(after["total_cost"]["total_cost"].get<double>() ==
        Approx(before["total_cost"]["total_cost"].get<double>()).epsilon(1e-12));

  // Claude Code's metrics arrived too (the import stored what the daemon had
  // not yet): its own token count of the session equals what the provider
  // answered, and it says how long the agent worked.
  auto activity = world.clown({"usage", "activity", "--period", "all", "--json"});
  REQUIRE(activity.exit_code == 0);
  const json a = json::parse(activity.out);
  INFO(a.dump());
  REQUIRE(a["by_profile"].size() == 1);
  const json& row = a["by_profile"][0];
  CHECK(row["profile"] == "tui");
  CHECK(row["sessions"].get<int64_t>() >= 1);
  CHECK(row["active_time_s"]["cli"].get<double>() > 0);
  const Totals want = provider.totals();
  CHECK(row["agent_tokens"] == want.input + want.output + want.cache_5m + want.cache_1h + want.cache_read);
}

}  // namespace

TEST_CASE("e2e8 interactive session with titles and /compact: the run equals the provider's log - claude 2.1.328",
          "[e2e]") {
  scenario_interactive(k_new_claude, {});
}

TEST_CASE("e2e8 interactive session with titles and /compact: the run equals the provider's log - claude 2.1.197",
          "[e2e]") {
  scenario_interactive(k_old_claude, {});
}

TEST_CASE("e2e9 a gateway that sends no request-id: the run still equals the provider's log - claude 2.1.328",
          "[e2e]") {
  scenario_interactive(k_new_claude, {"--no-request-id"});
}

TEST_CASE("e2e9 a gateway that sends no request-id: the run still equals the provider's log - claude 2.1.197",
          "[e2e]") {
  scenario_interactive(k_old_claude, {"--no-request-id"});
}

TEST_CASE("e2e10 two profiles in interactive sessions at once each get only their own requests - claude 2.1.328",
          "[e2e]") {
  World world;
  const auto claude = claude_bin(k_new_claude);
  FakeProvider first(world.base.dir(), 801, "normal", k_key);
  FakeProvider second(world.base.dir(), 802, "normal", k_key);
  create_interactive_profile(world, "one", first, claude, k_key);
  create_interactive_profile(world, "two", second, claude, k_key);
  auto env = world.env;
  env["E2E_KEY"] = k_key;
  env["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = std::nullopt;
  Terminal a({clown::test::clown_binary().string(), "run", "one"}, env, world.work);
  Terminal b({clown::test::clown_binary().string(), "run", "two"}, env, world.work);
  SessionResult ra, rb;
  std::thread ta([&] { ra = run_session(a, world.clown_home / "homes" / "one", k_prompts); });
  std::thread tb([&] { rb = run_session(b, world.clown_home / "homes" / "two", k_prompts); });
  ta.join();
  tb.join();
  INFO(ra.failure << rb.failure);
  REQUIRE(ra.ok);
  REQUIRE(rb.ok);
  const auto lines = world.session_lines();
  REQUIRE(lines.size() == 2);
  INFO("daemon.log: " << clown::test::read_text(world.clown_home / "daemon.log"));
  INFO("screen one: " << a.screen());
  INFO("screen two: " << b.screen());
  for (const auto& line : lines) check_line_against_provider(line, line["profile"] == "one" ? first : second);
}
