// The mid-session budget warning as the user sees it (docs/cost.md#budget-hook):
// the real Claude Code TUI in a pseudo-terminal, run by `clown run` with a
// profile whose daily budget is already at the warning level. clown's Stop
// hook prints {"systemMessage": ...}; Claude Code shows it under the answer
// as "Stop says: <message>" — once, and not again after a second turn at the
// same level. Non-essential traffic stays on, as for users.
#include <catch2/catch.hpp>
#include <string>

#include "common/format.hpp"
#include "common/time.hpp"
#include "tests/e2e/e2e_support.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/pty_terminal.hpp"

using namespace clown::e2e;
using clown::test::Terminal;
using namespace std::chrono_literals;

namespace {

const std::string k_key = "sk-ant-api03-e2e-budget-hook-key-0123456789abcdefghijklmnopqrstuvwxyz";
// How Claude Code (2.1.197 and 2.1.328) renders a Stop hook's systemMessage:
// "<hook event> says: <message>" under the turn's last answer.
const std::string k_shown = "Stop says: clown: budget warning: profile 'tui''s daily budget: $6.";

int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

// An isolated profile past the first-run screens (not what this proves), with
// a $10 daily budget of which $6 (60 %, warning) was spent earlier today.
void create_profile_at_warning(const World& world, const FakeProvider& provider, const fs::path& claude) {
  create_interactive_profile(world, "tui", provider, claude, k_key);
  const auto config = world.clown_home / "config.toml";
  clown::test::write_text(
      config, "timezone = \"UTC\"\n" + clown::test::read_text(config) + "[budgets.profiles.tui]\ndaily = 10\n");
  clown::test::seed(world.base.paths(),
                    {clown::test::spend_request(clown::format_iso8601_ms(clown::now_ms() - 1000), "tui", 6.0)});
}

// Types a prompt and waits until its turn ended and clown's Stop hook ran
// (Claude Code writes a stop_hook_summary line to the transcript after the
// Stop hooks ran; clown's is the only one).
void turn(Terminal& tui, const fs::path& config_dir, const std::string& prompt) {
  const int ran = count_in_transcripts(config_dir, "\"subtype\":\"stop_hook_summary\"");
  tui.type(prompt);
  tui.expect(prompt, 20s);
  tui.type("\r");
  INFO("the screen:\n" << tui.screen());
  REQUIRE(tui.wait_until([&] { return count_in_transcripts(config_dir, "\"subtype\":\"stop_hook_summary\"") > ran; },
                         120s));
}

void scenario_budget_warning(const std::string& version) {
  World world;
  const auto claude = claude_bin(version);
  FakeProvider provider(world.base.dir(), 901, "normal", k_key);
  create_profile_at_warning(world, provider, claude);
  auto env = world.env;
  env["E2E_KEY"] = k_key;
  env["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = std::nullopt;  // as users run it
  env["TERM"] = "xterm-256color";
  Terminal tui({clown::test::clown_binary().string(), "run", "tui"}, env, world.work, 60, 160);
  const auto config_dir = world.clown_home / "homes" / "tui";
  // The prompt's bottom line: Claude Code's shortcut hint or clown's status line.
  REQUIRE(tui.wait_until(
      [&] {
        const std::string screen = tui.screen();
        return screen.find("for shortcuts") != std::string::npos || screen.find(" · session $") != std::string::npos;
      },
      90s));

  turn(tui, config_dir, "say something short");
  INFO("the screen:\n" << tui.screen());
  REQUIRE(tui.wait_for(k_shown, 30s));
  // One message: the budget's spend, limit and level. The cents, and so the
  // percentage (60 or 61), depend on what the session spent on top of the $6;
  // the TUI may wrap the message, so line breaks and their indentation are
  // read as one space.
  const std::string screen = tui.screen();
  std::string message;
  for (char c : screen.substr(screen.find(k_shown), 240)) {
    if (c != ' ' && c != '\n')
      message += c;
    else if (!message.empty() && message.back() != ' ')
      message += ' ';
  }
  INFO("the message: " << message);
  CHECK((message.find(" of $10.00 (60%, warning)") != std::string::npos ||
         message.find(" of $10.00 (61%, warning)") != std::string::npos));
  CHECK(count_of(screen, "Stop says:") == 1);

  // A second turn at the same level: the hook ran and said nothing.
  turn(tui, config_dir, "and one more thing");
  tui.type("/exit");
  tui.expect("/exit", 20s);
  tui.type("\r");
  CHECK(tui.wait_exit(120s) == 0);
  INFO("the screen at the end:\n" << tui.screen());
  CHECK(count_of(tui.screen(), "Stop says:") == 1);
  CHECK(count_of(tui.screen(), k_shown) == 1);
  CHECK(count_in_transcripts(config_dir, "\"subtype\":\"stop_hook_summary\"") == 2);
  // Claude Code keeps the message in the transcript once, as the hook's system message.
  CHECK(count_in_transcripts(config_dir, "\"type\":\"hook_system_message\"") == 1);
  CHECK(count_in_transcripts(config_dir, "\"content\":\"clown: budget warning: profile 'tui''s daily budget: $6.") ==
        1);
}

}  // namespace

TEST_CASE("e2e-budget the Stop hook's budget warning is shown once in the TUI - claude 2.1.328", "[e2e]") {
  scenario_budget_warning(k_new_claude);
}

TEST_CASE("e2e-budget the Stop hook's budget warning is shown once in the TUI - claude 2.1.197", "[e2e]") {
  scenario_budget_warning(k_old_claude);
}
