#pragma once
// The mid-session budget warning (docs/cost.md#budget-hook): `clown run`
// registers `clown hook stop --run ID` as Claude Code's Stop hook (after
// every answer). When the run's profile's budgets, counting the session's own
// spend not stored yet (its transcript, runs/session_spend.hpp), reach a
// level above the last one announced in this run, the hook prints Claude
// Code's hook JSON output {"systemMessage": "..."} (a message shown to the
// user) once for that level; the level announced is kept in the run dir
// (budget-announced).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/report_types.hpp"

namespace clown::runs {

// The budget to announce: the worst of `statuses` when it is warning or
// worse and above `announced` (nothing announced yet: safe); else nullopt.
std::optional<reports::BudgetStatus> budget_to_announce(const std::vector<reports::BudgetStatus>& statuses,
                                                        reports::BudgetLevel announced);

// The hook's stdout for `status`: {"systemMessage": "clown: budget <level>: ..."}.
std::string budget_hook_output(const reports::BudgetStatus& status);

// Reads the run, the hook's input (session_id, transcript_path) and the
// budgets, decides, and records the level announced. The JSON to print, or
// "" (nothing to say, no budgets, not a run of a profile).
Expected<std::string> budget_hook(const Paths& paths, const std::string& run_id, const std::string& input_json,
                                  int64_t now_ms);

}  // namespace clown::runs
