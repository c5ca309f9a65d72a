#include <catch2/catch.hpp>

#include "runs/budget_hook.hpp"

using namespace clown;
using reports::BudgetLevel;

namespace {

reports::BudgetStatus status(const char* profile, reports::BudgetWindow window, double spent, double limit,
                             BudgetLevel level) {
  reports::BudgetStatus s;
  s.profile = profile;
  s.window = window;
  s.spent = spent;
  s.limit = limit;
  s.percent = 100 * spent / limit;
  s.level = level;
  return s;
}

}  // namespace

TEST_CASE("budget hook: the worst budget is announced once per level, only when it rises", "[budget]") {
  const std::vector<reports::BudgetStatus> warning = {
      status("p", reports::BudgetWindow::daily, 6, 10, BudgetLevel::warning),
      status("", reports::BudgetWindow::monthly, 20, 100, BudgetLevel::safe)};
  auto a = runs::budget_to_announce(warning, BudgetLevel::safe);
  REQUIRE(a);
  CHECK(a->window == reports::BudgetWindow::daily);
  CHECK(runs::budget_hook_output(*a) ==
        R"j({"systemMessage":"clown: budget warning: profile 'p''s daily budget: $6.00 of $10.00 (60%, warning)"})j");
  // Announced already, or a lower level than announced: nothing.
  CHECK_FALSE(runs::budget_to_announce(warning, BudgetLevel::warning));
  CHECK_FALSE(runs::budget_to_announce(warning, BudgetLevel::critical));
  // A new, higher level: announced, the worst budget of them.
  const std::vector<reports::BudgetStatus> exceeded = {
      status("p", reports::BudgetWindow::daily, 9, 10, BudgetLevel::critical),
      status("", reports::BudgetWindow::weekly, 51, 50, BudgetLevel::exceeded)};
  a = runs::budget_to_announce(exceeded, BudgetLevel::warning);
  REQUIRE(a);
  CHECK(
      runs::budget_hook_output(*a) ==
      R"j({"systemMessage":"clown: budget exceeded: the overall weekly budget: $51.00 of $50.00 (102%, exceeded)"})j");
  // All safe, or no budgets: nothing.
  CHECK_FALSE(runs::budget_to_announce({status("p", reports::BudgetWindow::daily, 1, 10, BudgetLevel::safe)},
                                       BudgetLevel::safe));
  CHECK_FALSE(runs::budget_to_announce({}, BudgetLevel::safe));
}
