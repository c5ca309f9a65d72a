#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "launcher/budget_gate.hpp"
#include "reports/budget.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using launcher::gate_decision;
using profiles::BudgetGate;
using reports::BudgetStatus;

namespace {

BudgetStatus status(const std::string& profile, double spent, double limit) {
  BudgetStatus s;
  s.profile = profile;
  s.window = reports::BudgetWindow::daily;
  s.spent = spent;
  s.limit = limit;
  s.percent = spent / limit * 100;
  s.level = reports::budget_level(spent, limit);
  return s;
}

}  // namespace

TEST_CASE("budget gate: nothing when safe, one line at warning and critical (the worst budget)", "[budget]") {
  CHECK(gate_decision("w", BudgetGate::block, {}, false)->empty());
  CHECK(gate_decision("w", BudgetGate::block, {status("w", 4, 10)}, false)->empty());
  auto lines = gate_decision("w", BudgetGate::block, {status("w", 5, 10), status("", 81, 100)}, false);
  REQUIRE(lines);
  CHECK(*lines ==
        std::vector<std::string>{"budget critical: the overall daily budget: $81.00 of $100.00 (81%, critical)"});
  lines = gate_decision("w", BudgetGate::warn, {status("w", 5, 10)}, false);
  CHECK(*lines ==
        std::vector<std::string>{"budget warning: profile 'w''s daily budget: $5.00 of $10.00 (50%, warning)"});
}

TEST_CASE("budget gate: exceeded refuses under block (exit 2), starts with --over-budget, warn or off", "[budget]") {
  const std::vector<BudgetStatus> over = {status("w", 3, 10), status("w", 11, 10)};
  auto refused = gate_decision("w", BudgetGate::block, over, false);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().exit_code == k_exit_usage);
  CHECK(refused.error().message ==
        "over budget, not starting: profile 'w''s daily budget: $11.00 of $10.00 (110%, exceeded); run anyway with: "
        "clown run --over-budget w, or raise [budgets.profiles.w] daily in config.toml");
  const std::vector<std::string> anyway = {
      "over budget, starting anyway: profile 'w''s daily budget: $11.00 of $10.00 (110%, exceeded)"};
  CHECK(*gate_decision("w", BudgetGate::block, over, true) == anyway);
  CHECK(*gate_decision("w", BudgetGate::warn, over, false) == anyway);
  CHECK(gate_decision("w", BudgetGate::off, over, false)->empty());
  auto overall = gate_decision("w", BudgetGate::block, {status("", 30, 20)}, false);
  REQUIRE_FALSE(overall);
  CHECK(overall.error().message.find("raise [budgets] daily in config.toml") != std::string::npos);
}

TEST_CASE("budget gate: the profile's own and the overall budgets from the store; a bad budget_gate", "[budget]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  auto r = test::make_request("2026-11-24T09:00:00Z", "s", "work", "claude-sonnet-4-5", "/p");
  r.input = 1;
  r.cost_input = 12;
  test::seed(paths, {r});
  test::write_text(paths.config_file(),
                   "timezone = \"UTC\"\n[budgets]\nmonthly = 100\n[budgets.profiles.work]\ndaily = 10\n"
                   "[budgets.profiles.home]\ndaily = 20\n");
  const int64_t now = *parse_iso8601_ms("2026-11-24T10:00:00Z");
  profiles::Profile work;
  work.alias = "work";
  CHECK_FALSE(launcher::check_budget_gate(paths, work, false, now));
  CHECK(launcher::check_budget_gate(paths, work, true, now)->size() == 1);
  profiles::Profile home;
  home.alias = "home";
  CHECK(launcher::check_budget_gate(paths, home, false, now)->empty());  // $12 of the overall $100: safe
  work.budget_gate = "sometimes";
  auto bad = launcher::check_budget_gate(paths, work, false, now);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().exit_code == k_exit_usage);
  CHECK(bad.error().message ==
        "profile 'work': budget_gate must be warn, block or off, not 'sometimes'; fix it with: clown profiles set work "
        "budget_gate=block");
}
