#include "launcher/budget_gate.hpp"

#include <cstdio>

#include "common/format.hpp"
#include "reports/budget.hpp"

namespace clown::launcher {

namespace {

std::string describe(const reports::BudgetStatus& b) { return reports::describe_budget(b); }

std::string raise_hint(const reports::BudgetStatus& b) {
  return "[budgets" + (b.profile.empty() ? std::string() : ".profiles." + b.profile) + "] " +
         reports::to_string(b.window);
}

}  // namespace

Expected<std::vector<std::string>> gate_decision(const std::string& alias, profiles::BudgetGate gate,
                                                 const std::vector<reports::BudgetStatus>& statuses, bool over_budget) {
  std::vector<std::string> lines;
  if (gate == profiles::BudgetGate::off) return lines;
  // The worst budget speaks: one line.
  const reports::BudgetStatus* worst = nullptr;
  for (const auto& s : statuses)
    if (!worst || s.level > worst->level || (s.level == worst->level && s.percent > worst->percent)) worst = &s;
  if (!worst || worst->level == reports::BudgetLevel::safe) return lines;
  if (worst->level != reports::BudgetLevel::exceeded) {
    lines.push_back("budget " + std::string(reports::to_string(worst->level)) + ": " + describe(*worst));
    return lines;
  }
  if (gate == profiles::BudgetGate::block && !over_budget)
    return fail("over budget, not starting: " + describe(*worst) + "; run anyway with: clown run --over-budget " +
                    alias + ", or raise " + raise_hint(*worst) + " in config.toml",
                k_exit_usage);
  lines.push_back("over budget, starting anyway: " + describe(*worst));
  return lines;
}

Expected<std::vector<std::string>> check_budget_gate(const Paths& paths, const profiles::Profile& profile,
                                                     bool over_budget, int64_t now) {
  const auto gate = profiles::budget_gate_from(profile.budget_gate);
  if (!gate)
    return fail("profile '" + profile.alias + "': budget_gate must be warn, block or off, not '" + profile.budget_gate +
                    "'; fix it with: clown profiles set " + profile.alias + " budget_gate=block",
                k_exit_usage);
  if (*gate == profiles::BudgetGate::off) return std::vector<std::string>{};
  TRY_ASSIGN(const auto config, config::load_config(paths));
  const auto& budgets = config.budgets;
  const auto own = budgets.profiles.find(profile.alias);
  if (budgets.overall.empty() && (own == budgets.profiles.end() || own->second.empty()))
    return std::vector<std::string>{};
  TRY_ASSIGN(const auto statuses, reports::launch_budget_statuses(paths, config, profile.alias, now));
  return gate_decision(profile.alias, *gate, statuses, over_budget);
}

}  // namespace clown::launcher
