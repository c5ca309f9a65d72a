// A crash or a full disk can leave telemetry/sessions.jsonl ending inside a
// line. The next run's line must still be whole and on its own line
// (docs/file-formats.md#sessions-jsonl).
#include <catch2/catch.hpp>

#include "tests/support/clown_home.hpp"

using namespace clown::test;

TEST_CASE("a run after a torn sessions.jsonl line writes its own whole line", "[fault]") {
  ClownHome h;
  REQUIRE(h.clown({"profiles", "create", "p", "--provider", "self", "--agent-bin", fake_agent_binary().string()})
              .exit_code == 0);
  REQUIRE(h.clown({"run", "p"}, {.env = {{"FAKE_AGENT_SESSION", "sess-1"}}}).exit_code == 0);
  const auto log = h.root() / "telemetry" / "sessions.jsonl";
  const std::string first = read_text(log);
  REQUIRE(first.size() > 40);
  REQUIRE(first.back() == '\n');
  // The second run's line was cut by a crash 40 bytes in.
  const std::string torn = first.substr(0, 40);
  write_text(log, first + torn);

  REQUIRE(h.clown({"run", "p"}, {.env = {{"FAKE_AGENT_SESSION", "sess-2"}}}).exit_code == 0);
  const std::string text = read_text(log);
  REQUIRE(text.rfind(first + torn + "\n", 0) == 0);
  const auto last = nlohmann::json::parse(text.substr(first.size() + torn.size() + 1));
  CHECK(last["profile"] == "p");
  CHECK(last["session_ids"] == nlohmann::json::array({"sess-2"}));
  CHECK(std::count(text.begin(), text.end(), '\n') == 3);
}
