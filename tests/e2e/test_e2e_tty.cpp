// The real Claude Code in a terminal (2.1.197 and 2.1.328), as a user meets
// it: a new isolated profile goes straight to the trust question and then the
// prompt (clown's first-run seed, tests/data/claude-firstrun/README.md);
// leaving at the trust question is said in one line and is no session; `clown
// resume` reopens the session and its new requests count for the same
// profile. Non-essential traffic stays on, as for users.
#include <catch2/catch.hpp>
#include <functional>

#include "tests/e2e/e2e_support.hpp"
#include "tests/support/pty_terminal.hpp"

using namespace clown::e2e;
using clown::test::Terminal;
using namespace std::chrono_literals;

namespace {

// 60 characters like a real key; Claude Code approves it by its last 20.
const std::string k_key = "sk-ant-api03-tty0123456789abcdefghijklmnopqrstuvwxyz-e2eKEYtail";

Terminal::Env tty_env(const World& world) {
  Terminal::Env env = world.env;
  env["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = std::nullopt;  // as users run it
  env["TERM"] = "xterm-256color";
  return env;
}

std::vector<std::string> clown_argv(std::vector<std::string> args) {
  args.insert(args.begin(), clown::test::clown_binary().string());
  return args;
}

void create_isolated(const World& world, const std::string& alias, const FakeProvider& provider,
                     const fs::path& claude) {
  auto r =
      world.base.clown({"profiles", "create", alias, "--provider", "anthropic", "--endpoint", provider.url(),
                        "--api-key-stdin", "--isolate", "--model", "claude-sonnet-4-5", "--agent-bin", claude.string()},
                       {.stdin_data = k_key + "\n"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

// Moves the dialog's marker onto `choice` and confirms it, then waits for
// `after`. Keys sent while a dialog is still mounting are lost, so each key
// is followed by a wait for the screen to change (not by a pause), and sent
// again while the dialog is still there.
// The prompt's bottom line is Claude Code's shortcut hint, or clown's status
// line, which `clown run` sets up and which takes the hint's place.
const char* const k_prompt = "for shortcuts";

void expect_screen(Terminal& t, const std::string& text) {
  if (text != k_prompt) return t.expect(text);
  const auto shown = [&] {
    const std::string screen = t.screen();
    return screen.find(k_prompt) != std::string::npos || screen.find(" · session $") != std::string::npos;
  };
  INFO("the screen:\n" << t.screen());
  REQUIRE(t.wait_until(shown, 60s));
}

void choose(Terminal& t, const std::string& choice, const std::string& after) {
  t.expect(choice);
  const auto marked = [&] {
    const auto screen = t.screen();
    return screen.find("❯ " + choice) != std::string::npos || screen.find("❯ 1. " + choice) != std::string::npos ||
           screen.find("❯ 2. " + choice) != std::string::npos;
  };
  for (int attempt = 0; attempt < 20 && t.screen().find(choice) != std::string::npos; ++attempt) {
    // Generous waits: a key that arrives late after being sent again would
    // move the marker twice (off the choice again) or confirm twice.
    if (marked()) {
      t.type("\r");
      t.wait_until([&] { return t.screen().find(choice) == std::string::npos; }, 5s);
    } else {
      t.type("\x1b[B");  // Down
      t.wait_until(marked, 5s);
    }
  }
  expect_screen(t, after);
}

// Types a line into Claude Code's prompt (again, if the prompt was still
// mounting and dropped it) and submits it.
void submit(Terminal& t, const std::string& line) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    t.type(line);
    if (t.wait_for("❯ " + line, 3s)) {
      t.type("\r");
      return;
    }
    t.type("\x15");  // Ctrl-U: clear what may have arrived
  }
  FAIL("the prompt never showed '" << line << "'; the screen:\n" << t.screen());
}

// Requests the provider answered with text (a turn's end), over all its records.
size_t text_answers(const FakeProvider& provider) {
  size_t n = 0;
  for (const auto& r : provider.messages())
    if (r.value("kind", "") == "text" && r.value("status", 0) == 200) ++n;
  return n;
}

// One turn: the prompt, on a conversation's first turn the Bash tool call it
// causes (allowed by --allowedTools Bash), the final text; done when the
// provider has answered it with text and Claude Code shows it.
// Turns that ended in the transcripts under a Claude config dir.
int ended_turns(const fs::path& config_dir) {
  int n = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(config_dir / "projects", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".jsonl") continue;
    const std::string text = clown::test::read_text(it->path());
    for (size_t pos = text.find("\"subtype\":\"turn_duration\""); pos != std::string::npos;
         pos = text.find("\"subtype\":\"turn_duration\"", pos + 1))
      ++n;
  }
  return n;
}

// A prompt answered: the provider sent its text, and Claude Code wrote the
// turn's end to the transcript (a resumed screen already shows the old answer,
// so the screen alone cannot say the new turn is over).
void turn(Terminal& t, const FakeProvider& provider, const std::string& prompt, const fs::path& home) {
  const size_t before = text_answers(provider);
  const int turns = ended_turns(home);
  submit(t, prompt);
  INFO("the screen:\n" << t.screen());
  REQUIRE(t.wait_until([&] { return text_answers(provider) > before; }, 60s));
  t.expect("The command ran and printed: hi");
  REQUIRE(t.wait_until([&] { return ended_turns(home) > turns; }, 60s));
}

const char* const k_first_run_screens[] = {"Choose the text style", "Security notes", "Detected a custom API key",
                                           "Unable to connect", "Select login method"};

void scenario_first_run_and_resume(const std::string& version) {
  const fs::path claude = claude_bin(version);
  World world;
  clown::test::write_text(world.home / ".claude" / "settings.json", R"({"theme": "light"})");
  FakeProvider provider(world.base.dir(), 301, "normal", k_key);
  create_isolated(world, "tty", provider, claude);

  // 1. First run: the trust question is the only screen before the prompt.
  Terminal first(clown_argv({"run", "tty", "--", "--allowedTools", "Bash"}), tty_env(world), world.work);
  choose(first, "Yes, I trust this folder", "for shortcuts");
  turn(first, provider, "run echo hi", world.clown_home / "homes" / "tty");
  submit(first, "/exit");
  CHECK(first.wait_exit() == 0);
  for (const char* screen : k_first_run_screens) {
    INFO(screen);
    CHECK_FALSE(first.ever_showed(screen));
  }
  const fs::path home = world.clown_home / "homes" / "tty";
  const json config = json::parse(clown::test::read_text(home / ".claude.json"));
  CHECK(config["customApiKeyResponses"]["approved"] == json{k_key.substr(k_key.size() - 20)});
  CHECK(config["projects"][world.work.string()]["hasTrustDialogAccepted"] == true);  // the user's answer
  CHECK(json::parse(clown::test::read_text(home / "settings.json"))["theme"] == "light");
  auto lines = world.session_lines();
  REQUIRE(lines.size() == 1);
  INFO("first: " << lines[0].dump());
  CHECK(lines[0]["session_started"] == true);
  REQUIRE(lines[0]["session_ids"].size() == 1);
  const std::string session = lines[0]["session_ids"][0];
  CHECK(lines[0]["requests"].get<int64_t>() >= 2);

  // 2. clown resume from another directory: the same profile, home and session.
  Terminal again(clown_argv({"resume", session.substr(0, 8), "--", "--allowedTools", "Bash"}), tty_env(world),
                 world.base.dir());
  expect_screen(again, k_prompt);
  turn(again, provider, "run echo hi again",
       world.clown_home / "homes" / "tty");  // not the first prompt, which the resumed history shows
  submit(again, "/exit");
  CHECK(again.wait_exit() == 0);
  CHECK_FALSE(again.ever_showed("trust this folder"));
  lines = world.session_lines();
  REQUIRE(lines.size() == 2);
  INFO("resumed: " << lines[1].dump());
  CHECK(lines[1]["profile"] == "tty");
  CHECK(lines[1]["cwd"] == world.work.string());
  CHECK(lines[1]["session_ids"] == json{session});
  CHECK(lines[1]["requests"].get<int64_t>() >= 1);  // the provider ends a later turn with text at once
  const int64_t both = lines[0]["requests"].get<int64_t>() + lines[1]["requests"].get<int64_t>();
  // Every stored request of the session belongs to the profile, none to claude-native.
  auto sessions = world.clown({"usage", "sessions", "--period", "all", "--json"});
  REQUIRE(sessions.exit_code == 0);
  const auto listed = json::parse(sessions.out)["sessions"];
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["session_id"] == session);
  CHECK(listed[0]["profile"] == "tty");
  CHECK(listed[0]["requests"] == both);
  auto usage = world.clown({"usage", "--period", "all", "--json"});
  REQUIRE(usage.exit_code == 0);
  CHECK(json::parse(usage.out)["aggregates"]["by_profile"]["tty"]["requests"] == both);
  CHECK(json::parse(usage.out)["total_requests"] == both);
}

void scenario_trust_no(const std::string& version) {
  const fs::path claude = claude_bin(version);
  World world;
  FakeProvider provider(world.base.dir(), 302, "normal", k_key);
  create_isolated(world, "wary", provider, claude);
  Terminal t(clown_argv({"run", "wary"}), tty_env(world), world.work);
  choose(t, "No, exit", "clown: Claude Code stopped at its question");
  CHECK(t.wait_exit() == 1);
  CHECK(t.screen().find("clown: Claude Code stopped at its question whether to trust " + world.work.string()) !=
        std::string::npos);
  auto lines = world.session_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["session_started"] == false);
  CHECK(lines[0]["requests"] == 0);
  auto usage = world.clown({"usage", "--period", "all", "--json"});
  REQUIRE(usage.exit_code == 0);
  CHECK(json::parse(usage.out)["total_runtime_secs"] == 0.0);
  CHECK(json::parse(usage.out)["total_sessions"] == 0);
  CHECK(provider.messages().empty());
}

}  // namespace

TEST_CASE(
    "e2e11 tty: a new isolated profile reaches the prompt after only the trust question, and clown resume "
    "reopens its session - claude 2.1.328") {
  scenario_first_run_and_resume(k_new_claude);
}

TEST_CASE(
    "e2e11 tty: a new isolated profile reaches the prompt after only the trust question, and clown resume "
    "reopens its session - claude 2.1.197") {
  scenario_first_run_and_resume(k_old_claude);
}

TEST_CASE("e2e11 tty: leaving at the trust question is one line and no session - claude 2.1.328") {
  scenario_trust_no(k_new_claude);
}

TEST_CASE("e2e11 tty: leaving at the trust question is one line and no session - claude 2.1.197") {
  scenario_trust_no(k_old_claude);
}
