// Runs the built `clown usage …` with a private CLOWN_HOME.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "reports/report_rollup.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/clown_home.hpp"

using namespace clown;
using nlohmann::json;

namespace {

using Home = test::ClownHome;

}  // namespace

TEST_CASE("reports: clown usage: bad period, date and zone exit 2 with one actionable line", "[reports][cli]") {
  Home home;
  auto r = home.clown({"usage", "--period", "fortnight"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "clown: error: unknown period 'fortnight': use one of today, yesterday, week, month, 7d, 30d, all\n");

  r = home.clown({"usage", "daily", "--since", "2026-02-30"});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "clown: error: invalid since '2026-02-30': use a date YYYY-MM-DD or an ISO-8601 time such as "
        "2026-11-24T09:30:00Z\n");

  r = home.clown({"usage", "models", "--timezone", "Mars/Olympus_Mons", "--json"});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "clown: error: unknown time zone 'Mars/Olympus_Mons': use an IANA name such as UTC, "
        "Europe/Berlin or America/New_York\n");

  r = home.clown({"usage", "export", "--format", "xml"});
  CHECK(r.exit_code == 2);
}

TEST_CASE("reports: clown usage --json prints exactly the documented keys", "[reports][cli]") {
  Home home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  auto r = home.clown({"usage", "--json", "--period", "all", "--timezone", "Europe/Berlin"});
  REQUIRE(r.exit_code == 0);
  const json got = json::parse(r.out);
  std::vector<std::string> keys;
  for (const auto& [k, v] : got.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"aggregates", "budgets", "cache", "period", "since", "timezone", "total_cost",
                                         "total_requests", "total_runtime_secs", "total_sessions", "total_tokens",
                                         "unpriced_models", "until"});
  CHECK(got["total_requests"] == 5);
  CHECK(got["total_cost"]["total_cost"] == 38.0625);
  CHECK(got["total_runtime_secs"] == 960.0);
  CHECK(got["aggregates"]["by_model"]["glm-4.6"]["requests"] == 1);

  // Filters after the subcommand and before it land in the same place.
  r = home.clown({"usage", "--period", "all", "--timezone", "UTC", "models", "--profile", "claude-native", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["totals"]["requests"] == 2);
}

TEST_CASE("reports: clown usage: time zone from --timezone, config.toml, then TZ", "[reports][cli]") {
  Home home;
  auto r = home.clown_env({"usage", "--json"}, {{"TZ", "America/New_York"}});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["timezone"] == "America/New_York");

  test::write_text(home.paths().config_file(), "timezone = \"Asia/Tokyo\"\n");
  r = home.clown_env({"usage", "--json"}, {{"TZ", "America/New_York"}});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["timezone"] == "Asia/Tokyo");

  r = home.clown_env({"usage", "--json", "--timezone", "Europe/Berlin"}, {{"TZ", "America/New_York"}});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["timezone"] == "Europe/Berlin");
}

TEST_CASE("reports: clown usage: empty state says what to do", "[reports][cli]") {
  Home home;
  auto r = home.clown({"usage", "--since", "2020-01-01", "--until", "2020-01-31", "--timezone", "UTC"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "Usage — custom (2020-01-01 to 2020-01-31)  [UTC]\n\n"
        "No usage in custom (2020-01-01 to 2020-01-31) — run `clown run <profile>` or "
        "`clown usage import-claude`\n");
}

TEST_CASE("reports: clown usage models: aligned table, thousands, cents, unpriced line", "[reports][cli]") {
  Home home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  auto r = home.clown({"usage", "models", "--period", "all", "--timezone", "UTC"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "Usage by model — all time  [UTC]\n"
        "\n"
        "Model                       Requests  Sessions  Input  Output  Cache write  Cache read  Total tokens          "
        "     Cost\n"
        "claude-sonnet-4-5-20250929         3         2  1,110   2,220        1,024       5,300         9,654          "
        "   $23.06\n"
        "claude-opus-4-1                    1         1      1       2            7           5            15          "
        "   $15.00\n"
        "glm-4.6                            1         1      7       8            0           0            15          "
        " unpriced\n"
        "--------------------------------------------------------------------------------------------------------------"
        "---------\n"
        "Total                              5         3  1,118   2,230        1,031       5,305         9,684  $38.06 "
        "+ unpriced\n"
        "\n"
        "Unpriced models (no price in the pricing table, not in the cost): glm-4.6 — run `clown registry sync`\n");
}

TEST_CASE("reports: clown usage export --format csv writes a header and one row per request", "[reports][cli]") {
  Home home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  auto r = home.clown({"usage", "export", "--format", "csv", "--since", "2026-11-23", "--until", "2026-11-23",
                       "--timezone", "UTC", "--profile", "work-claude"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "timestamp,date,session_id,run_id,profile,agent,provider,model,project,sidechain,input_tokens,"
        "output_tokens,cache_creation_5m_tokens,cache_creation_1h_tokens,cache_read_tokens,web_search_requests,"
        "input_cost,output_cost,cache_creation_cost,cache_read_cost,web_search_cost,total_cost,priced,source\r\n"
        "2026-11-23T12:00:00.000Z,2026-11-23,s3,run-2,work-claude,claude,anthropic,claude-sonnet-4-5-20250929,"
        "/home/u/alpha,0,1000,2000,0,0,0,0,4,16,0,0,0,20,1,import\r\n"
        "2026-11-23T23:30:00.000Z,2026-11-23,s1,run-1,work-claude,claude,anthropic,claude-sonnet-4-5-20250929,"
        "/home/u/alpha,0,100,200,1000,24,5000,1,0.5,1.25,0.125,0.0625,0.25,2.1875,1,import\r\n");
}

TEST_CASE("reports: clown usage subcommands as the docs spell them run", "[reports][cli]") {
  Home home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"usage"},
                                             {"usage", "--period", "month", "--profile", "work-claude"},
                                             {"usage", "daily", "--period", "week"},
                                             {"usage", "hourly"},
                                             {"usage", "models"},
                                             {"usage", "profiles"},
                                             {"usage", "projects"},
                                             {"usage", "sessions", "--limit", "2", "--offset", "1", "--period", "all"},
                                             {"usage", "export", "--format", "csv", "--period", "month"},
                                             {"usage", "export", "--format", "json", "--period", "month"}}) {
    auto r = home.clown(args);
    INFO(args.back() << " " << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK_FALSE(r.out.empty());
  }
  auto r = home.clown({"usage", "sessions", "--limit", "2", "--offset", "1", "--period", "all", "--timezone", "UTC"});
  CHECK(r.out.find("Sessions 2-3 of 3 (most recent first; --limit/--offset page)\n") != std::string::npos);
}

TEST_CASE("reports: clown usage daily: local days, short model names, total row", "[reports][cli]") {
  Home home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  auto r =
      home.clown({"usage", "daily", "--since", "2026-11-23", "--until", "2026-11-24", "--timezone", "Europe/Berlin"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "Daily usage — custom (2026-11-23 to 2026-11-24)  [Europe/Berlin]\n"
        "\n"
        "Date        Requests  Sessions  Input  Output  Cache write  Cache read  Total tokens               Cost  Hit "
        "rate    Saved  Models\n"
        "2026-11-23         1         1  1,000   2,000            0           0         3,000             $20.00      "
        "0.0%    $0.00  sonnet-4-5\n"
        "2026-11-24         4         2    118     230        1,031       5,305         6,684  $18.06 + unpriced     "
        "82.2%  -$12.29  opus-4-1, sonnet-4-5, glm-4.6\n"
        "--------------------------------------------------------------------------------------------------------------"
        "-------------------------------------------\n"
        "Total              5         3  1,118   2,230        1,031       5,305         9,684  $38.06 + unpriced\n"
        "\n"
        "Unpriced models (no price in the pricing table, not in the cost): glm-4.6 — run `clown registry sync`\n");
}

TEST_CASE("reports: clown usage summary table", "[reports][cli]") {
  Home home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  auto r = home.clown({"usage", "--period", "all", "--timezone", "Europe/Berlin"});
  REQUIRE(r.exit_code == 0);
  CHECK(
      r.out ==
      "Usage — all time  [Europe/Berlin]\n"
      "\n"
      "  Requests  5    Sessions  3    Runtime  16m 00s\n"
      "  Tokens    9,684  (input 1,118, output 2,230, cache write 1,031, cache read 5,305)\n"
      "  Cost      $38.06 + unpriced\n"
      "  Cache     hit rate 71.2%, saved -$12.29 against uncached input prices\n"
      "\n"
      "Profile        Requests  Sessions  Input  Output  Cache write  Cache read  Total tokens               Cost  "
      "Runtime         Last used\n"
      "work-claude           3         2  1,110   2,220        1,024       5,300         9,654             $23.06  16m "
      "00s  2026-11-24 09:10\n"
      "claude-native         2         1      8      10            7           5            30  $15.00 + unpriced     "
      "0.0s  2026-11-24 10:10\n"
      "\n"
      "Model                       Requests  Input  Output  Cache write  Cache read  Total tokens               Cost\n"
      "claude-sonnet-4-5-20250929         3  1,110   2,220        1,024       5,300         9,654             $23.06\n"
      "claude-opus-4-1                    1      1       2            7           5            15             $15.00\n"
      "glm-4.6                            1      7       8            0           0            15           unpriced\n"
      "-------------------------------------------------------------------------------------------------------------\n"
      "Total                              5  1,118   2,230        1,031       5,305         9,684  $38.06 + unpriced\n"
      "\n"
      "Unpriced models (no price in the pricing table, not in the cost): glm-4.6 — run `clown registry sync`\n");
}

TEST_CASE("reports: costs that include unpriced requests say so in JSON: cost_complete", "[reports][cli]") {
  Home home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  auto r = home.clown({"usage", "--json", "--period", "all", "--timezone", "UTC"});
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.out);
  // The priced part, unchanged, and marked incomplete.
  CHECK(j["total_cost"]["total_cost"] == 38.0625);
  CHECK(j["total_cost"]["cost_complete"] == false);
  const json& agg = j["aggregates"];
  CHECK(agg["by_model"]["glm-4.6"]["cost"]["cost_complete"] == false);
  CHECK(agg["by_model"]["glm-4.6"]["cost"]["total_cost"] == 0.0);
  CHECK(agg["by_model"]["claude-opus-4-1"]["cost"]["cost_complete"] == true);
  CHECK(agg["by_profile"]["claude-native"]["cost"]["cost_complete"] == false);
  CHECK(agg["by_profile"]["work-claude"]["cost"]["cost_complete"] == true);
  CHECK(agg["by_agent"]["claude"]["cost"]["cost_complete"] == false);

  r = home.clown({"usage", "daily", "--json", "--period", "all", "--timezone", "UTC"});
  REQUIRE(r.exit_code == 0);
  j = json::parse(r.out);
  CHECK(j["totals"]["cost"]["cost_complete"] == false);
  REQUIRE(j["daily"].size() == 2);
  CHECK(j["daily"][0]["date"] == "2026-11-23");
  CHECK(j["daily"][0]["cost"]["cost_complete"] == true);
  CHECK(j["daily"][1]["cost"]["cost_complete"] == false);

  r = home.clown({"usage", "sessions", "--json", "--period", "all", "--timezone", "UTC"});
  REQUIRE(r.exit_code == 0);
  std::map<std::string, bool> complete;
  const json sessions = json::parse(r.out)["sessions"];
  for (const auto& s : sessions) complete[s["session_id"].get<std::string>()] = s["cost"]["cost_complete"].get<bool>();
  CHECK(complete == std::map<std::string, bool>{{"s1", true}, {"s2", false}, {"s3", true}});

  // Only priced usage in range: complete.
  r = home.clown({"usage", "--json", "--period", "all", "--profile", "work-claude"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["total_cost"]["cost_complete"] == true);

  // One session's requests: each cost object is complete exactly when the request is priced.
  r = home.clown({"usage", "session", "s2", "--json", "--timezone", "UTC"});
  REQUIRE(r.exit_code == 0);
  j = json::parse(r.out);
  CHECK(j["totals"]["cost"]["cost_complete"] == false);
  REQUIRE(j["requests"].size() == 2);
  CHECK(j["requests"][0]["cost"]["cost_complete"] == true);
  CHECK(j["requests"][1]["cost"]["cost_complete"] == false);
}

TEST_CASE("reports: an altered report-cache.bin is rebuilt, not served", "[reports][cli]") {
  Home home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  // A database written just now is not cached (the racy rule): age it.
  const auto old = std::filesystem::file_time_type::clock::now() - std::chrono::hours(1);
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    std::filesystem::last_write_time(home.paths().usage_db().string() + suffix, old, ec);
  }
  auto totals = [&] {
    auto r = home.clown({"usage", "--json", "--period", "all", "--timezone", "UTC"});
    REQUIRE(r.exit_code == 0);
    const json j = json::parse(r.out);
    return json{j["total_requests"], j["total_tokens"], j["total_cost"]};
  };
  const json expected = totals();
  REQUIRE(expected[0] == 5);
  const auto cache = reports::report_cache_file(home.paths());
  REQUIRE(std::filesystem::exists(cache));
  const std::string good = test::read_text(cache);

  // The last row's `requests` (after bucket, 10 int32 fields, first_ms and
  // last_ms) raised by 1000; the file's 8-byte checksum follows the rows.
  std::string altered = good;
  const size_t requests_at = good.size() - 8 - sizeof(reports::RollupRow) + offsetof(reports::RollupRow, requests);
  int64_t requests = 0;
  std::memcpy(&requests, altered.data() + requests_at, sizeof requests);
  REQUIRE(requests >= 1);
  requests += 1000;
  std::memcpy(altered.data() + requests_at, &requests, sizeof requests);
  test::write_text(cache, altered);

  CHECK(totals() == expected);
  CHECK(test::read_text(cache) == good);  // rebuilt and saved again
  // A cache cut short is rebuilt too.
  test::write_text(cache, good.substr(0, good.size() - 3));
  CHECK(totals() == expected);
  CHECK(test::read_text(cache) == good);
}
