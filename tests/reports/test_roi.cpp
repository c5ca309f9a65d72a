#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "reports/report.hpp"
#include "reports/report_json.hpp"
#include "reports/roi.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::reports;
using nlohmann::json;

namespace {

int64_t at(const char* iso) { return *parse_iso8601_ms(iso); }

}  // namespace

TEST_CASE("roi: forgiving plan names", "[reports][roi]") {
  CHECK(plan_key("Max 5x") == "max5");
  CHECK(plan_key("max5") == "max5");
  CHECK(plan_key("MAX-5×") == "max5");
  CHECK(plan_key("Claude Max 20x") == "max20");
  CHECK(plan_key("pro") == "pro");
  CHECK(plan_key("Claude Pro") == "pro");
  const auto all = plans(config::Config{});
  REQUIRE(all.size() == 3);
  CHECK(find_plan(all, "max5")->name == "Max 5x");
  CHECK(find_plan(all, "Max 20×")->monthly_usd == 200.0);
  CHECK_FALSE(find_plan(all, "max"));
  config::Config c;
  c.plans = {{"Team", 30, std::nullopt}, {"max 5x", 90, std::nullopt}};
  const auto custom = plans(c);
  REQUIRE(custom.size() == 4);
  CHECK(custom[1].name == "max 5x");  // replaces the built-in in place
  CHECK(custom[1].monthly_usd == 90.0);
  CHECK(custom[3].name == "Team");
}

TEST_CASE("roi: projection and the cheapest option that fits", "[reports][roi]") {
  CHECK(project_monthly(45.0, 15.0, 30.0) == 90.0);
  CHECK(project_monthly(10.0, 0.0, 30.0) == 0.0);
  auto all = plans(config::Config{});
  // Limits unknown: every plan is assumed to cover the usage.
  auto row = compare_plans("", 60.0, 90.0, all);
  CHECK(row.cheapest == "Pro");
  CHECK(row.cheapest_margin == 70.0);  // paying per token ($90) is next
  REQUIRE(row.plans.size() == 3);
  CHECK(row.plans[0].difference == 20.0 - 90.0);
  CHECK(row.plans[0].value == 4.5);
  CHECK(row.plans[1].difference == 10.0);
  CHECK(row.plans[1].value == 0.9);
  CHECK(row.plans[0].fits);
  CHECK_FALSE(row.plans[0].custom);
  row = compare_plans("", 5.0, 15.0, all);  // below every price: pay per token
  CHECK(row.cheapest == "api");
  CHECK(row.cheapest_margin == 5.0);
  row = compare_plans("", 10.0, 20.0, all);  // a tie: paying per token wins
  CHECK(row.cheapest == "api");
  CHECK(row.cheapest_margin == 0.0);
  // With known limits a plan too small for the usage is not an option.
  all[0].covers_usd = 50.0;
  all[1].covers_usd = 400.0;
  row = compare_plans("", 300.0, 450.0, all);
  CHECK_FALSE(row.plans[0].fits);
  CHECK_FALSE(row.plans[1].fits);
  CHECK(row.plans[1].custom);  // a limit only config.toml can give
  CHECK(row.cheapest == "Max 20x");
  CHECK(row.cheapest_margin == 250.0);  // then paying per token
  row = compare_plans("", 60.0, 90.0, all);
  CHECK(row.cheapest == "api");
  CHECK(row.cheapest_margin == 10.0);  // Max 5x at $100 covers it too
}

TEST_CASE("roi: the last 30 days or the month so far, overall and per profile", "[reports][roi]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  test::seed(paths, {test::spend_request("2026-11-20T12:00:00Z", "work", 88.5),
                     test::spend_request("2026-11-02T12:00:00Z", "home", 29.5),
                     test::spend_request("2026-10-01T12:00:00Z", "work", 500.0)});
  test::write_text(paths.config_file(),
                   "[[plans]]\nname = \"Team\"\nmonthly_usd = 25\ncovers_usd = 100\n"
                   "[[plans]]\nname = \"pro\"\nmonthly_usd = 20\ncovers_usd = 40\n");
  UsageFilter f;
  f.timezone = "UTC";
  // Default period 30d: from 2026-10-26 00:00 to now, 2026-11-24 12:00: 29.5 days.
  const int64_t now = at("2026-11-24T12:00:00Z");
  auto j = usage_json_at(paths, f, "roi", {}, now);
  REQUIRE(j);
  CHECK((*j)["period"] == "30d");
  CHECK((*j)["basis_days"] == 29.5);
  CHECK((*j)["month_days"] == 30.0);
  CHECK((*j)["plan"] == nullptr);
  const json& overall = (*j)["overall"];
  CHECK(overall["cost"] == 118.0);
  CHECK(overall["projected_monthly"] == 120.0);
  CHECK(overall["cheapest"] == "Max 5x");  // pro and Team are too small
  CHECK(overall["cheapest_margin"] == 20.0);
  REQUIRE(overall["plans"].size() == 4);
  CHECK(overall["plans"][0] == json({{"name", "pro"},
                                     {"monthly_usd", 20.0},
                                     {"difference", -100.0},
                                     {"value", 6.0},
                                     {"covers_usd", 40.0},
                                     {"fits", false},
                                     {"custom", true}}));
  CHECK(overall["plans"][1]["covers_usd"] == nullptr);
  CHECK(overall["plans"][3]["name"] == "Team");
  REQUIRE((*j)["profiles"].size() == 2);
  CHECK((*j)["profiles"][0]["profile"] == "work");
  CHECK((*j)["profiles"][0]["projected_monthly"] == 90.0);
  CHECK((*j)["profiles"][0]["cheapest"] == "Team");
  CHECK((*j)["profiles"][0]["cheapest_margin"] == 65.0);
  CHECK((*j)["profiles"][1]["profile"] == "home");
  CHECK((*j)["profiles"][1]["cheapest"] == "pro");
  CHECK((*j)["profiles"][1]["cheapest_margin"] == 5.0);

  // The month so far: 23.5 days of November's 30.
  f.period = "month";
  ReportOptions o;
  o.plan = "max5";
  j = usage_json_at(paths, f, "roi", o, now);
  REQUIRE(j);
  CHECK((*j)["basis_days"] == 23.5);
  CHECK((*j)["month_days"] == 30.0);
  CHECK((*j)["overall"]["projected_monthly"] == 118.0 / 23.5 * 30.0);
  CHECK((*j)["plan"] == "Max 5x");

  o.plan = "ultra";
  auto bad = usage_json_at(paths, f, "roi", o, now);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().exit_code == k_exit_usage);
  CHECK(bad.error().message ==
        "unknown plan 'ultra': use one of pro, Max 5x, Max 20x, Team (or add it under [[plans]])");
}
