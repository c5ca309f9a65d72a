// A run whose agent used a model without a price: sessions.jsonl says the
// cost is incomplete and keeps the priced part (docs/cost.md#unpriced).
#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "tests/integration/cli_fixture.hpp"

using namespace clown::test;
using nlohmann::json;

namespace {

// One assistant line of a Claude Code transcript, stamped `ts_ms`.
std::string usage_line(const std::string& session, const std::string& id, const std::string& model, int64_t ts_ms,
                       int64_t input, int64_t output) {
  json line = {{"type", "assistant"},
               {"sessionId", session},
               {"timestamp", clown::format_iso8601_ms(ts_ms)},
               {"requestId", "req_" + id},
               {"cwd", "/work/project"},
               {"isSidechain", false},
               {"message",
                {{"id", "msg_" + id},
                 {"model", model},
                 {"usage",
                  {{"input_tokens", input},
                   {"output_tokens", output},
                   {"cache_creation_input_tokens", 0},
                   {"cache_read_input_tokens", 0}}}}}};
  return line.dump() + "\n";
}

}  // namespace

TEST_CASE("sessions.jsonl: a run with an unpriced model has cost_complete false and the priced part as total") {
  ClownHome h;
  REQUIRE(h.clown({"profiles", "create", "p", "--agent-bin", fake_agent_binary().string(), "--provider", "custom",
                   "--endpoint", "http://127.0.0.1:9", "--model", "acme-coder-7"})
              .exit_code == 0);
  // Stamped half a second ahead: inside the run's window (it has 2 s of slack
  // on both sides, docs/accuracy.md#run-attribution) however long the run takes.
  const int64_t ts = clown::now_ms() + 500;
  const auto src = h.work() / "transcript.jsonl";
  write_text(src, usage_line("sess-unpriced", "1", "acme-coder-7", ts, 5000, 700) +
                      usage_line("sess-unpriced", "2", "claude-sonnet-4-5", ts, 1000, 100));
  auto r = h.clown({"run", "p"},
                   {.env = {{"FAKE_AGENT_SESSION", "sess-unpriced"}, {"FAKE_AGENT_TRANSCRIPT_SRC", src.string()}}});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto lines = h.session_lines();
  REQUIRE(lines.size() == 1);
  const auto& l = lines[0];
  CHECK(l["requests"] == 2);
  CHECK(l["unpriced_models"] == json({"acme-coder-7"}));
  CHECK(l["cost"]["cost_complete"] == false);
  // claude-sonnet-4-5 in the bundled prices: $3 / $15 per million tokens.
  CHECK(l["cost"]["total_cost"].get<double>() == Approx(1000 * 3e-06 + 100 * 1.5e-05).epsilon(1e-12));

  // A run of priced requests only is complete.
  const auto src2 = h.work() / "transcript2.jsonl";
  write_text(src2, usage_line("sess-priced", "3", "claude-sonnet-4-5", clown::now_ms() + 500, 10, 10));
  r = h.clown({"run", "p"},
              {.env = {{"FAKE_AGENT_SESSION", "sess-priced"}, {"FAKE_AGENT_TRANSCRIPT_SRC", src2.string()}}});
  REQUIRE(r.exit_code == 0);
  const auto all = h.session_lines();
  REQUIRE(all.size() == 2);
  CHECK(all[1]["requests"] == 1);
  CHECK(all[1]["cost"]["cost_complete"] == true);
  CHECK(all[1]["unpriced_models"] == json::array());
}
