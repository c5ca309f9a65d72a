#include "runs/budget_hook.hpp"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "reports/budget.hpp"
#include "runs/run_record.hpp"
#include "runs/session_spend.hpp"
#include "store/store.hpp"

namespace clown::runs {

namespace {

constexpr const char* k_announced_file = "budget-announced";

reports::BudgetLevel announced_level(const fs::path& run_dir) {
  const auto text = read_file(run_dir / k_announced_file);
  if (!text) return reports::BudgetLevel::safe;
  for (auto level : {reports::BudgetLevel::warning, reports::BudgetLevel::critical, reports::BudgetLevel::exceeded})
    if (*text == reports::to_string(level)) return level;
  return reports::BudgetLevel::safe;
}

// The session's requests the store does not hold yet (they reach it when the
// run ends, or earlier through clownd's OTLP receiver) count towards every
// budget of the profile and the overall ones.
void add_session_spend(const Paths& paths, const std::string& session_id, const std::string& transcript,
                       std::vector<reports::BudgetStatus>& statuses) {
  if (session_id.empty() || transcript.empty()) return;
  const auto spend = read_session_spend(paths, session_id, transcript);
  if (!spend) return;
  int64_t stored_until = std::numeric_limits<int64_t>::min();
  if (auto store = store::Store::open_readonly(paths)) try {
      auto& db = (*store)->db();
      db.setBusyTimeout(0);
      SQLite::Statement q(db, "SELECT max(ts_ms) FROM requests WHERE session_id = ?");
      q.bind(1, session_id);
      if (q.executeStep() && !q.getColumn(0).isNull()) stored_until = q.getColumn(0).getInt64();
    } catch (const SQLite::Exception&) {
    }
  for (auto& s : statuses) {
    s.spent += spend->since(std::max(s.since_ms, stored_until + 1));
    s.percent = s.limit > 0 ? 100.0 * s.spent / s.limit : 0;
    s.level = reports::budget_level(s.spent, s.limit);
  }
}

}  // namespace

std::optional<reports::BudgetStatus> budget_to_announce(const std::vector<reports::BudgetStatus>& statuses,
                                                        reports::BudgetLevel announced) {
  const reports::BudgetStatus* worst = nullptr;
  for (const auto& s : statuses)
    if (!worst || s.level > worst->level || (s.level == worst->level && s.percent > worst->percent)) worst = &s;
  if (!worst || worst->level == reports::BudgetLevel::safe || worst->level <= announced) return std::nullopt;
  return *worst;
}

std::string budget_hook_output(const reports::BudgetStatus& status) {
  return nlohmann::json{{"systemMessage", std::string("clown: budget ") + reports::to_string(status.level) + ": " +
                                              reports::describe_budget(status)}}
      .dump();
}

Expected<std::string> budget_hook(const Paths& paths, const std::string& run_id, const std::string& input_json,
                                  int64_t now) {
  const auto dir = paths.run_dir(run_id);
  std::error_code ec;
  if (run_id.empty() || run_id.find('/') != std::string::npos || !fs::is_directory(dir, ec))
    return fail("no run '" + run_id + "' in progress under " + paths.runs_dir().string());
  const auto input = nlohmann::json::parse(input_json, nullptr, false);
  if (!input.is_object()) return fail("hook input is not a JSON object");
  TRY_ASSIGN(const auto text, read_file(dir / "run.json"));
  TRY_ASSIGN(const auto info, run_info_from_json(nlohmann::json::parse(text, nullptr, false)));
  TRY_ASSIGN(const auto config, config::load_config(paths));
  const auto own = config.budgets.profiles.find(info.profile);
  if (config.budgets.overall.empty() && (own == config.budgets.profiles.end() || own->second.empty())) return "";
  TRY_ASSIGN(auto statuses, reports::launch_budget_statuses(paths, config, info.profile, now));
  add_session_spend(paths, input.value("session_id", ""), input.value("transcript_path", ""), statuses);
  const auto announce = budget_to_announce(statuses, announced_level(dir));
  if (!announce) return "";
  TRY(write_file_atomic(dir / k_announced_file, reports::to_string(announce->level), 0600));
  return budget_hook_output(*announce);
}

}  // namespace clown::runs
