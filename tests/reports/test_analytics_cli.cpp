// Runs the built `clown usage weekly|monthly|blocks|session|roi|budget|insights`
// with a private CLOWN_HOME.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/clown_home.hpp"

using namespace clown;
using nlohmann::json;

namespace {

using Home = test::ClownHome;

fs::path data_dir(const std::string& version) { return test::source_dir() / "tests" / "data" / "claude" / version; }

test::SeedRequest spend(const std::string& ts, const std::string& session, const std::string& profile, double usd,
                        const std::string& model = "claude-sonnet-4-5") {
  test::SeedRequest r = test::make_request(ts, session, profile, model, "/work/app");
  r.input = 1000, r.output = 100, r.cache_read = 9000;
  r.cost_input = usd;
  return r;
}

}  // namespace

TEST_CASE("analytics cli: weekly and monthly tables with --breakdown, and their JSON", "[reports][cli]") {
  Home home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  auto r = home.clown({"usage", "weekly", "--timezone", "UTC", "--breakdown"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "Weekly usage — all time  [UTC]\n"
        "\n"
        "Weeks start on monday\n"
        "Week of       Requests  Sessions  Input  Output  Cache write  Cache read  Total tokens               Cost  "
        "Hit rate    Saved  Models\n"
        "2026-11-23           5         3  1,118   2,230        1,031       5,305         9,684  $38.06 + unpriced     "
        "71.2%  -$12.29  opus-4-1, sonnet-4-5, glm-4.6\n"
        "  sonnet-4-5         3         2  1,110   2,220        1,024       5,300         9,654             $23.06\n"
        "  opus-4-1           1         1      1       2            7           5            15             $15.00\n"
        "  glm-4.6            1         1      7       8            0           0            15           unpriced\n"
        "--------------------------------------------------------------------------------------------------------------"
        "---------------------------------------------\n"
        "Total                5         3  1,118   2,230        1,031       5,305         9,684  $38.06 + unpriced\n"
        "\n"
        "Unpriced models (no price in the pricing table, not in the cost): glm-4.6 — run `clown registry sync`\n");
  r = home.clown({"usage", "monthly", "--timezone", "UTC", "--json"});
  REQUIRE(r.exit_code == 0);
  const json monthly = json::parse(r.out);
  REQUIRE(monthly["monthly"].size() == 1);
  CHECK(monthly["monthly"][0]["month"] == "2026-11");
  CHECK(monthly["monthly"][0]["requests"] == 5);
  CHECK(monthly["monthly"][0]["cache"]["hit_rate"] == 5305.0 / (1118.0 + 1031.0 + 5305.0));
  r = home.clown({"usage", "weekly", "--start-of-week", "sunday", "--timezone", "UTC", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["weekly"][0]["week"] == "2026-11-22");
  r = home.clown({"usage", "weekly", "--start-of-week", "caturday"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown start of week 'caturday': use a day name such as monday or sunday\n");
}

TEST_CASE("analytics cli: session drill-down of a real transcript with its subagent", "[reports][cli]") {
  Home home;
  auto r = home.clown({"usage", "import-claude", "--claude-dir", data_dir("2.1.328").string()});
  REQUIRE(r.exit_code == 0);
  r = home.clown({"usage", "session", "38ea6f6a", "--timezone", "UTC"});
  REQUIRE(r.exit_code == 0);
  CHECK(
      r.out ==
      "Session — all time  [UTC]\n"
      "\n"
      "  Session   38ea6f6a-66f7-4d28-968e-00148ac4215c\n"
      "  Profile   claude-native    Project  /tmp/clown-capture/work\n"
      "  Time      2026-11-24 11:36 – 2026-11-24 11:36\n"
      "  Cost      $0.11  (5 requests, subagents $0.05)\n"
      "\n"
      "Agent                Requests  Input  Output  Cache write  Cache read  Total tokens   Cost  Share  Type       "
      "      Description\n"
      "main                        3    901     347        7,067      47,716        56,031  $0.06  52.4%\n"
      "└ a28685f183a32d87b         2    556     481        5,678      49,349        56,064  $0.05  47.6%  "
      "general-purpose  Run echo hi\n"
      "\n"
      "Time      Agent              Role      Model       Input  Output  Cache write  Cache read   Cost  Cumulative\n"
      "11:36:13  main               main      sonnet-4-5    420      21        3,762      24,941  $0.03       $0.03\n"
      "11:36:13  main               main      sonnet-4-5    390     285        1,845      18,384  $0.02       $0.05\n"
      "11:36:13  a28685f183a32d87b  subagent  sonnet-4-5     86     193        4,433      19,776  $0.03       $0.08\n"
      "11:36:13  a28685f183a32d87b  subagent  sonnet-4-5    470     288        1,245      29,573  $0.02       $0.10\n"
      "11:36:13  main               main      sonnet-4-5     91      41        1,460       4,391  $0.01       $0.11\n");
  r = home.clown({"usage", "sessions", "--period", "all", "--json"});
  REQUIRE(r.exit_code == 0);
  for (const auto& s : json::parse(r.out)["sessions"])
    CHECK((s["subagent_cost"].get<double>() > 0) == (s["session_id"] == "38ea6f6a-66f7-4d28-968e-00148ac4215c"));
  r = home.clown({"usage", "session"});
  CHECK(r.exit_code == 2);
  r = home.clown({"usage", "session", "ffff"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: no session 'ffff' in the store: list them with `clown usage sessions --period all`\n");
}

TEST_CASE("analytics cli: budgets in their table, in the summary, and config errors", "[reports][cli]") {
  Home home;
  const std::string now = format_iso8601_ms(now_ms() - 60000);
  test::seed(home.paths(), {spend(now, "s1", "work", 6.0), spend(now, "s2", "home", 1.0)});
  auto r = home.clown({"usage", "budget"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("No budgets: add them to config.toml, e.g.\n  [budgets]\n  daily = 10\n") != std::string::npos);
  test::write_text(home.paths().config_file(), "[budgets]\ndaily = 10\n[budgets.profiles.work]\ndaily = 6\n");
  r = home.clown({"usage", "budget"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Budget   Window  Spent   Limit    Used  Level\n"
                   "overall  daily   $7.00  $10.00   70.0%  warning\n"
                   "work     daily   $6.00   $6.00  100.0%  exceeded\n") != std::string::npos);
  r = home.clown({"usage"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("  Budgets   daily $7.00 of $10.00 (70%, warning)\n"
                   "            work daily $6.00 of $6.00 (100%, exceeded)\n") != std::string::npos);
  r = home.clown({"usage", "budget", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["budgets"][1]["level"] == "exceeded");

  test::write_text(home.paths().config_file(), "[budgets]\ndaily = \"lots\"\n");
  r = home.clown({"usage", "budget"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "clown: error: " + home.paths().config_file().string() +
                     ":2: budgets.daily must be a number of USD, 0 or more (e.g. 25 or 12.5)\n");
}

TEST_CASE("analytics cli: blocks with an active block, roi and insights", "[reports][cli]") {
  Home home;
  const int64_t now = now_ms();
  test::seed(home.paths(), {spend(format_iso8601_ms(now - 60000), "s1", "work", 2.0),
                            spend(format_iso8601_ms(now - 10 * 86400000LL), "s0", "work", 3.0)});
  auto r = home.clown({"usage", "blocks", "--json", "--token-limit", "max"});
  REQUIRE(r.exit_code == 0);
  const json blocks = json::parse(r.out);
  REQUIRE(blocks["blocks"].size() == 3);  // past block, gap, active block
  CHECK(blocks["blocks"][1]["gap"] == true);
  CHECK(blocks["blocks"][2]["active"] == true);
  CHECK(blocks["blocks"][2]["burn_rate"].is_object());
  CHECK(blocks["token_limit"] == 10100);  // the past block's 1,000 + 100 + 9,000
  CHECK(blocks["token_limit_source"] == "max");
  r = home.clown({"usage", "blocks", "--active"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Active block  ") != std::string::npos);
  CHECK(r.out.find("  Burn rate   ") != std::string::npos);
  r = home.clown({"usage", "blocks", "--token-limit", "-3"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: invalid token limit '-3': use a number of tokens such as 500000, or max\n");

  r = home.clown({"usage", "roi", "--plan", "MAX 20x", "--json"});
  REQUIRE(r.exit_code == 0);
  const json roi = json::parse(r.out);
  CHECK(roi["period"] == "30d");
  CHECK(roi["plan"] == "Max 20x");
  CHECK(roi["overall"]["cost"] == 5.0);
  r = home.clown({"usage", "roi"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Plan     Per month  Against API\n") != std::string::npos);
  r = home.clown({"usage", "roi", "--plan", "ultra"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown plan 'ultra': use one of Pro, Max 5x, Max 20x (or add it under [[plans]])\n");

  r = home.clown({"usage", "insights"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Not enough history: 2 active days, 7 needed (config.toml [insights] min_history_days)\n") !=
        std::string::npos);
  r = home.clown({"usage", "insights", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["enough_history"] == false);
}
