#include <catch2/catch.hpp>

#include <chrono>

#include "common/time.hpp"
#include "reports/budget.hpp"
#include "reports/report.hpp"
#include "reports/report_json.hpp"
#include "reports/report_rollup.hpp"
#include "store/store.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::reports;
using nlohmann::json;

namespace {

int64_t at(const char* iso) { return *parse_iso8601_ms(iso); }

}  // namespace

TEST_CASE("budget: levels at their boundaries", "[reports][budget]") {
  CHECK(budget_level(0, 10) == BudgetLevel::safe);
  CHECK(budget_level(4.99, 10) == BudgetLevel::safe);
  CHECK(budget_level(5, 10) == BudgetLevel::warning);
  CHECK(budget_level(7.99, 10) == BudgetLevel::warning);
  CHECK(budget_level(8, 10) == BudgetLevel::critical);
  CHECK(budget_level(9.99, 10) == BudgetLevel::critical);
  CHECK(budget_level(10, 10) == BudgetLevel::exceeded);
  CHECK(budget_level(25, 10) == BudgetLevel::exceeded);
  CHECK(budget_level(0, 0) == BudgetLevel::safe);
  CHECK(budget_level(0.01, 0) == BudgetLevel::exceeded);
  CHECK(std::string(to_string(BudgetLevel::critical)) == "critical");
}

TEST_CASE("budget: spend of today, this week and this month against each budget", "[reports][budget]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  // Now: Tuesday 2026-11-24 10:00 UTC. Week (Monday start) from the 23rd, month from the 1st.
  test::seed(paths, {test::spend_request("2026-11-24T09:00:00Z", "work", 4.0),
                     test::spend_request("2026-11-24T08:00:00Z", "home", 1.0),
                     test::spend_request("2026-11-23T12:00:00Z", "work", 3.0),
                     test::spend_request("2026-11-05T12:00:00Z", "work", 20.0),
                     test::spend_request("2026-10-31T12:00:00Z", "work", 100.0)});
  test::write_text(paths.config_file(),
                   "timezone = \"UTC\"\n[budgets]\ndaily = 10\nweekly = 10\nmonthly = 28\n"
                   "[budgets.profiles.work]\ndaily = 5\nmonthly = 25\n[budgets.profiles.idle]\nweekly = 1\n");
  auto statuses = budget_statuses(paths, at("2026-11-24T10:00:00Z"));
  REQUIRE(statuses);
  REQUIRE(statuses->size() == 6);
  auto check = [&](size_t i, const char* profile, BudgetWindow w, double limit, double spent, BudgetLevel level) {
    INFO(i);
    const auto& s = (*statuses)[i];
    CHECK(s.profile == profile);
    CHECK(s.window == w);
    CHECK(s.limit == limit);
    CHECK(s.spent == spent);
    CHECK(s.percent == spent / limit * 100.0);
    CHECK(s.level == level);
  };
  check(0, "", BudgetWindow::daily, 10, 5.0, BudgetLevel::warning);
  check(1, "", BudgetWindow::weekly, 10, 8.0, BudgetLevel::critical);
  check(2, "", BudgetWindow::monthly, 28, 28.0, BudgetLevel::exceeded);
  check(3, "idle", BudgetWindow::weekly, 1, 0.0, BudgetLevel::safe);
  check(4, "work", BudgetWindow::daily, 5, 4.0, BudgetLevel::critical);
  check(5, "work", BudgetWindow::monthly, 25, 27.0, BudgetLevel::exceeded);
  CHECK((*statuses)[1].since_ms == at("2026-11-23T00:00:00Z"));
  CHECK((*statuses)[1].until_ms == at("2026-11-30T00:00:00Z"));
  CHECK((*statuses)[2].until_ms == at("2026-12-01T00:00:00Z"));

  // The report: --profile keeps that profile's budgets; JSON per budget.
  UsageFilter f;
  f.profile = "work";
  auto j = usage_json_at(paths, f, "budget", {}, at("2026-11-24T10:00:00Z"));
  REQUIRE(j);
  REQUIRE((*j)["budgets"].size() == 2);
  CHECK((*j)["budgets"][0] == json({{"profile", "work"},
                                    {"window", "daily"},
                                    {"limit_usd", 5.0},
                                    {"spent_usd", 4.0},
                                    {"percent", 80.0},
                                    {"level", "critical"},
                                    {"since", "2026-11-24T00:00:00+00:00"},
                                    {"until", "2026-11-25T00:00:00+00:00"}}));
  CHECK((*j)["period"] == "month");
  CHECK((*j)["totals"]["cost"]["total_cost"] == 27.0);

  // The summary carries every budget, whatever its period and filters.
  UsageFilter summary;
  summary.period = "all";
  summary.profile = "home";
  auto s = usage_json_at(paths, summary, "summary", {}, at("2026-11-24T10:00:00Z"));
  REQUIRE(s);
  CHECK((*s)["budgets"].size() == 6);
  CHECK((*s)["budgets"][0]["level"] == "warning");
}

TEST_CASE("budget: weeks follow start_of_week and the time zone", "[reports][budget]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  // Sunday 2026-11-22 23:30 UTC is Monday 00:30 in Berlin.
  test::seed(paths, {test::spend_request("2026-11-22T23:30:00Z", "work", 2.0),
                     test::spend_request("2026-11-22T10:00:00Z", "work", 1.0)});
  config::Config weekly;
  weekly.budgets.overall.weekly = 10.0;
  UsageFilter f;
  f.timezone = "Europe/Berlin";
  auto berlin = budget_statuses(paths, weekly, f, at("2026-11-24T10:00:00Z"));
  REQUIRE(berlin);
  CHECK((*berlin)[0].spent == 2.0);
  f.start_of_week = "sunday";
  auto sunday = budget_statuses(paths, weekly, f, at("2026-11-24T10:00:00Z"));
  REQUIRE(sunday);
  CHECK((*sunday)[0].spent == 3.0);
}

TEST_CASE("budget: no budgets configured reads nothing and shows none", "[reports][budget]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  auto statuses = budget_statuses(paths, at("2026-11-24T10:00:00Z"));
  REQUIRE(statuses);
  CHECK(statuses->empty());
}

TEST_CASE("budget: the launch gate's figures from the index equal budget_statuses' for the profile",
          "[reports][budget]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  // Now: Sunday 2026-11-01 01:30 in Berlin (UTC+1): the week started in October, the month today.
  test::seed(paths, {test::spend_request("2026-11-01T00:10:00Z", "work", 4.0),
                     test::spend_request("2026-10-31T23:10:00Z", "work", 2.0),
                     test::spend_request("2026-10-31T22:50:00Z", "work", 8.0),
                     test::spend_request("2026-10-28T12:00:00Z", "home", 1.5),
                     test::spend_request("2026-10-31T23:30:00Z", "zeta", 0.25),
                     test::spend_request("2026-10-25T12:00:00Z", "work", 100.0)});
  test::write_text(
      paths.config_file(),
      "timezone = \"Europe/Berlin\"\n[budgets]\ndaily = 10\nweekly = 10\nmonthly = 28\n"
      "[budgets.profiles.work]\ndaily = 5\nweekly = 12\nmonthly = 25\n[budgets.profiles.home]\ndaily = 1\n");
  const int64_t now = at("2026-11-01T00:30:00Z");
  const auto config = config::load_config(paths);
  REQUIRE(config);
  auto all = budget_statuses(paths, now);
  REQUIRE(all);
  std::erase_if(*all, [](const auto& s) { return !s.profile.empty() && s.profile != "work"; });
  auto launch = launch_budget_statuses(paths, *config, "work", now);
  REQUIRE(launch);
  REQUIRE(launch->size() == 6);
  REQUIRE(launch->size() == all->size());
  for (size_t i = 0; i < all->size(); ++i) {
    INFO(i);
    CHECK((*launch)[i].profile == (*all)[i].profile);
    CHECK((*launch)[i].window == (*all)[i].window);
    CHECK((*launch)[i].spent == Approx((*all)[i].spent).epsilon(1e-12));
    CHECK((*launch)[i].level == (*all)[i].level);
    CHECK((*launch)[i].since_ms == (*all)[i].since_ms);
  }
  // Overall: today (Berlin) $6.25 of $10; this week (Monday 26 Oct) $15.75; the month $6.25.
  CHECK((*launch)[0].spent == Approx(6.25));
  CHECK((*launch)[1].spent == Approx(15.75));
  CHECK((*launch)[2].spent == Approx(6.25));

  // Once the all-time rollup is cached (as every writer leaves it) the gate
  // sums it instead of reading requests, with the same figures. The files are
  // dated back past the racy window so even this small store's rollup is saved.
  for (const auto& f : {paths.usage_db(), fs::path(paths.usage_db().string() + "-wal")})
    if (fs::exists(f)) fs::last_write_time(f, fs::file_time_type::clock::now() - std::chrono::seconds(10));
  {
    auto ro = store::Store::open_readonly(paths);
    REQUIRE(ro);
    REQUIRE(load_rollup(paths, (*ro)->db(), std::nullopt, std::nullopt));
    REQUIRE(fs::exists(report_cache_file(paths)));
    REQUIRE(unchanged_cached_rollup(paths) != nullptr);
  }
  auto from_rollup = launch_budget_statuses(paths, *config, "work", now);
  REQUIRE(from_rollup);
  REQUIRE(from_rollup->size() == launch->size());
  for (size_t i = 0; i < launch->size(); ++i) {
    INFO(i);
    CHECK((*from_rollup)[i].spent == Approx((*launch)[i].spent).epsilon(1e-12));
    CHECK((*from_rollup)[i].level == (*launch)[i].level);
  }
  // A request stored afterwards changes the files' stamps (the gate opens no
  // database to find that out), and the gate counts it.
  test::seed(paths, {test::spend_request("2026-11-01T00:20:00Z", "work", 0.5)});
  CHECK(unchanged_cached_rollup(paths) == nullptr);
  auto after_write = launch_budget_statuses(paths, *config, "work", now);
  REQUIRE(after_write);
  CHECK((*after_write)[0].spent == Approx(6.75));
  // A profile without budgets and no overall ones: nothing read.
  config::Config none;
  CHECK(launch_budget_statuses(paths, none, "work", now)->empty());
}
