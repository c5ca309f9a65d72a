#pragma once
// `clown statusline` (docs/api.md#statusline): the one line Claude Code shows
// under its prompt. Claude Code runs its statusLine command after every turn
// (up to ~3/s) with JSON on stdin (tests/data/claude/statusline/README.md);
// clown answers from that JSON plus cached store figures, records the plan
// quota snapshots it carries (store/rate_limits_table.hpp), and never waits on
// the store: stale figures are shown rather than wait.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "config/config.hpp"
#include "store/rate_limits_table.hpp"

namespace clown::reports {

struct QuotaSnapshot {
  store::QuotaWindow window = store::QuotaWindow::five_hour;
  double used_percent = 0;
  int64_t resets_at_ms = 0;
};

// The fields of Claude Code's statusLine input clown uses.
struct StatuslineInput {
  std::string session_id;
  std::string transcript_path;            // the session's transcript (JSONL)
  std::string model_id, model_name;       // model.id, model.display_name
  std::optional<double> session_cost;     // cost.total_cost_usd (Claude Code's estimate)
  std::optional<double> context_percent;  // context_window.used_percentage (null before the first answer)
  std::vector<QuotaSnapshot> limits;      // rate_limits.{five_hour,seven_day} (claude.ai plans only)
};

// Parses the input; `resets_at` may be epoch seconds or an ISO-8601 string.
// Not JSON, or not an object: an error saying what was expected.
Expected<StatuslineInput> parse_statusline_input(std::string_view json);

// The current 5-hour block of the profile, as cached.
struct StatuslineBlock {
  int64_t start_ms = 0, end_ms = 0;
  double cost = 0;
};

// What the store says, for one profile: today's spend and the active block.
struct StatuslineFigures {
  double today = 0;
  std::optional<StatuslineBlock> block;
};

// The line (no newline): the configured segments joined by " · ", those
// without data left out; percentages coloured when `color`.
std::string render_statusline(const StatuslineInput& input, const std::string& profile,
                              const std::optional<StatuslineFigures>& figures, const config::StatuslineConfig& config,
                              bool color, int64_t now_ms);

// The running session's own requests, priced by clown from its transcript
// (runs/session_spend.hpp).
struct SessionSpend {
  double total = 0;
  std::vector<std::pair<int64_t, double>> requests;  // (ts_ms, cost)

  double since(int64_t ts_ms) const {
    double sum = 0;
    for (const auto& [ts, cost] : requests)
      if (ts >= ts_ms) sum += cost;
    return sum;
  }
};
using SessionSpendReader = std::function<std::optional<SessionSpend>(const StatuslineInput&)>;

// "claude-sonnet-4-5" / "Sonnet 4.5" -> "sonnet-4.5".
std::string short_model_name(const StatuslineInput& input);

// The profile a statusline belongs to: $CLOWN_PROFILE (set by `clown run`),
// else "claude-native" (Claude Code run directly).
std::string statusline_profile();

// Everything: parse, record the quota snapshots, read the figures, render.
// `color_allowed` is false under NO_COLOR. The session's own spend comes from
// `session_spend` when it answers, else from Claude Code's estimate
// (cost.total_cost_usd); what of it the store does not hold yet is added to
// today and the block.
Expected<std::string> statusline(const Paths& paths, std::string_view input_json, const std::string& profile,
                                 bool color_allowed, int64_t now_ms, const SessionSpendReader& session_spend = {});

}  // namespace clown::reports
