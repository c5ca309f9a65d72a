// The table of `clown usage activity` (cli/usage_render_parts.hpp).
#include "cli/usage_render_parts.hpp"
#include "common/format.hpp"
#include "reports/display.hpp"

namespace clown::cli {

using namespace clown::reports;

void render(std::ostream& out, const Style& st, const ActivityReport& r) {
  Table t(
      {"Profile", "Sessions", "Active (you)", "Active (agent)", "Lines +", "Lines -", "Commits", "PRs", "Agent's cost"},
      {false, true, true, true, true, true, true, true, true});
  auto add = [&](const std::string& name, const ActivityRow& row) {
    t.add({name, with_thousands(row.sessions), format_duration(row.active_user_s), format_duration(row.active_cli_s),
           with_thousands(row.lines_added), with_thousands(row.lines_removed), with_thousands(row.commits),
           with_thousands(row.pull_requests), format_usd(row.agent_cost_usd)});
  };
  for (const auto& row : r.by_profile) add(row.profile, row);
  if (r.by_profile.size() > 1) add(st.bold("Total"), r.total);
  t.print(out, st.color);
}

std::optional<std::string> empty_text(const ActivityReport& r) {
  if (!r.by_profile.empty()) return std::nullopt;
  return "No OpenTelemetry metrics in " + period_label(r.period) +
         ": clown run has Claude Code export them to clownd (start it with clown daemon start)";
}

}  // namespace clown::cli
