#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "reports/aggregates.hpp"
#include "store/machine_id.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using nlohmann::json;

namespace {
json entry(int64_t in, int64_t out, int64_t cc, int64_t cr, double cin, double cout, double ccc, double ccr,
           double total, int64_t requests, int64_t sessions, bool complete = true) {
  return {{"tokens",
           {{"input_tokens", in},
            {"output_tokens", out},
            {"cache_creation_input_tokens", cc},
            {"cache_read_input_tokens", cr}}},
          {"cost",
           {{"input_cost", cin},
            {"output_cost", cout},
            {"cache_creation_cost", ccc},
            {"cache_read_cost", ccr},
            {"total_cost", total},
            {"cost_complete", complete}}},
          {"requests", requests},
          {"sessions", sessions}};
}
}  // namespace

TEST_CASE("reports: aggregates.json holds all-time totals by profile, agent, provider and model",
          "[reports][aggregates]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  auto reqs = test::fixture_requests();
  reqs[3].provider = "zai";  // the glm request
  // Per-model history from stats-cache.json: tokens, but no agent session.
  auto history = test::make_request("2026-01-05T09:00:00Z", "stats-cache", "claude-native", "claude-opus-4-1", "");
  history.source = "stats-cache";
  history.input = 1000;
  history.cost_input = 2;
  reqs.push_back(history);
  test::seed(paths, reqs, test::fixture_runs());
  const int64_t before = now_ms();
  REQUIRE(reports::refresh_aggregates(paths));

  json got = json::parse(test::read_text(paths.aggregates_file()));
  REQUIRE(got["updated_at"].is_string());
  const auto updated = parse_iso8601_ms(got["updated_at"].get<std::string>());
  REQUIRE(updated);
  CHECK(*updated >= before - 1);
  CHECK(*updated <= now_ms());
  got.erase("updated_at");
  CHECK(got["store_state"].get<std::string>().rfind("db=", 0) == 0);
  got.erase("store_state");

  // The glm request is unpriced: every group holding it has cost_complete false.
  const json all = entry(2118, 2230, 1031, 5305, 7.75, 19.75, 4.125, 8.1875, 40.0625, 6, 3, false);
  const json work = entry(1110, 2220, 1024, 5300, 4.75, 17.75, 0.125, 0.1875, 23.0625, 3, 2);
  const json opus = entry(1001, 2, 7, 5, 3, 2, 4, 8, 17, 2, 1);
  const json glm = entry(7, 8, 0, 0, 0, 0, 0, 0, 0, 1, 1, false);
  json expected = all;
  expected["by_profile"] = {{"work-claude", work},
                            {"claude-native", entry(1008, 10, 7, 5, 3, 2, 4, 8, 17, 3, 1, false)}};
  expected["by_agent"] = {{"claude", all}};
  expected["by_provider"] = {{"anthropic", entry(2111, 2222, 1031, 5305, 7.75, 19.75, 4.125, 8.1875, 40.0625, 5, 3)},
                             {"zai", glm}};
  expected["by_model"] = {{"claude-sonnet-4-5-20250929", work}, {"claude-opus-4-1", opus}, {"glm-4.6", glm}};
  expected["by_machine"] = {{store::machine_id(paths).value(), all}};
  CHECK(got == expected);
}

TEST_CASE("reports: aggregates.json for an empty store has zeros and empty groups", "[reports][aggregates]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  REQUIRE(reports::refresh_aggregates(paths));
  json got = json::parse(test::read_text(paths.aggregates_file()));
  got.erase("updated_at");
  CHECK(got["store_state"] == "");  // no usage.db yet
  got.erase("store_state");
  json expected = entry(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  for (const char* k : {"by_profile", "by_agent", "by_provider", "by_model", "by_machine"})
    expected[k] = json::object();
  CHECK(got == expected);
}

TEST_CASE("reports: aggregates.json missing or older than the last commit is rebuilt", "[reports][aggregates]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  auto requests_in = [&] { return json::parse(test::read_text(paths.aggregates_file()))["requests"]; };
  // No usage.db: nothing to rebuild.
  auto none = reports::ensure_aggregates_current(paths);
  REQUIRE(none);
  CHECK_FALSE(*none);
  CHECK_FALSE(std::filesystem::exists(paths.aggregates_file()));

  test::seed(paths, test::fixture_requests());
  REQUIRE(reports::refresh_aggregates(paths));
  CHECK(requests_in() == 5);
  auto current = reports::ensure_aggregates_current(paths);
  REQUIRE(current);
  CHECK_FALSE(*current);

  // A writer committed one more request and died before its refresh.
  test::seed(paths, {test::make_request("2026-11-24T09:30:00Z", "s9", "work-claude", "claude-opus-4-1", "/w")});
  auto stale = reports::ensure_aggregates_current(paths);
  REQUIRE(stale);
  CHECK(*stale);
  CHECK(requests_in() == 6);

  // Missing (a crash before its first write) or torn: rebuilt.
  std::filesystem::remove(paths.aggregates_file());
  REQUIRE(reports::ensure_aggregates_current(paths));
  CHECK(requests_in() == 6);
  test::write_text(paths.aggregates_file(), "{\"requests\": 5, \"tok");
  auto torn = reports::ensure_aggregates_current(paths);
  REQUIRE(torn);
  CHECK(*torn);
  CHECK(requests_in() == 6);
}
