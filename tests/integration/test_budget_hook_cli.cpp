// clown hook stop: Claude Code's Stop hook warns once per budget level
// crossed during a run (docs/cost.md#budget-hook).
#include <fstream>

#include <catch2/catch.hpp>

#include "common/format.hpp"
#include "common/time.hpp"
#include "runs/run_record.hpp"
#include "tests/integration/cli_fixture.hpp"
#include "tests/reports/seed.hpp"

using namespace clown::test;

namespace {

// A Claude Code usage line of `output` tokens of claude-sonnet-4-5 ($15 per million) at `ts`.
std::string usage_line(const std::string& msg, int64_t output, const std::string& ts) {
  return R"({"type":"assistant","sessionId":"live","timestamp":")" + ts + R"(","requestId":"r-)" + msg +
         R"(","message":{"id":")" + msg +
         R"(","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":0,"output_tokens":)" +
         std::to_string(output) + R"(,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}
)";
}

}  // namespace

TEST_CASE("clown hook stop prints Claude Code's systemMessage once per budget level the session crosses", "[budget]") {
  ClownHome h;
  write_text(h.root() / "config.toml", "timezone = \"UTC\"\n[budgets.profiles.p]\ndaily = 10\n");
  const int64_t now = clown::now_ms();
  // $4.50 stored today; the run's session adds $1.50 in its transcript: $6.00, warning.
  auto stored = spend_request(clown::format_iso8601_ms(now - 120000), "p", 4.5);
  seed(h.paths(), {stored});
  clown::runs::RunInfo info;
  info.run_id = "run1";
  info.profile = "p";
  info.started_ms = now - 60000;
  fs::create_directories(h.paths().run_dir("run1"));
  write_text(h.paths().run_dir("run1") / "run.json", clown::runs::to_json(info).dump());
  const auto transcript = h.work() / "live.jsonl";
  write_text(transcript, usage_line("m1", 100000, clown::format_iso8601_ms(now - 30000)));
  const std::string input = nlohmann::json{
      {"session_id", "live"},
      {"transcript_path", transcript.string()},
      {"hook_event_name", "Stop"},
      {"stop_hook_active",
       false}}.dump();
  auto hook = [&] { return h.clown({"hook", "stop", "--run", "run1"}, {.stdin_data = input}); };

  auto r = hook();
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  CHECK(r.out ==
        R"j({"systemMessage":"clown: budget warning: profile 'p''s daily budget: $6.00 of $10.00 (60%, warning)"})j"
        "\n");
  CHECK(read_text(h.paths().run_dir("run1") / "budget-announced") == "warning");
  // Said once: the next answer of the same level prints nothing.
  r = hook();
  CHECK(r.exit_code == 0);
  CHECK(r.out == "");
  // The session goes on to $9.00: critical, said once.
  std::ofstream(transcript, std::ios::app) << usage_line("m2", 200000, clown::format_iso8601_ms(now - 10000));
  r = hook();
  CHECK(r.out ==
        R"j({"systemMessage":"clown: budget critical: profile 'p''s daily budget: $9.00 of $10.00 (90%, critical)"})j"
        "\n");
  CHECK(hook().out == "");
  // A run that does not exist: a message on stderr, exit 0 (a hook must never stop the session).
  r = h.clown({"hook", "stop", "--run", "nope"}, {.stdin_data = input});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "");
  CHECK(r.err == "clown hook: no run 'nope' in progress under " + h.paths().runs_dir().string() + "\n");
  // Bad input: said, exit 0.
  r = h.clown({"hook", "stop", "--run", "run1"}, {.stdin_data = "not json"});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "clown hook: hook input is not a JSON object\n");
}
