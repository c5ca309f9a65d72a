#include "reports/display.hpp"

#include "common/format.hpp"
#include "common/time.hpp"

namespace clown::reports {

std::string short_model(std::string name) {
  if (name.rfind("claude-", 0) == 0) name = name.substr(7);
  const auto dash = name.rfind('-');
  if (dash != std::string::npos && name.size() - dash == 9 &&
      name.find_first_not_of("0123456789", dash + 1) == std::string::npos)
    name.resize(dash);
  return name;
}

namespace {

// The last day an exclusive end covers: the day before when the end is a
// local midnight (to the second), else the end's own day.
std::string last_day(const ResolvedPeriod& p, int64_t until_ms) {
  const int64_t second = floor_div(until_ms, 1000) * 1000;
  const bool midnight = local_iso(p.zone, second).compare(10, 9, "T00:00:00") == 0;
  return local_date(p.zone, midnight ? second - 1 : until_ms);
}

}  // namespace

std::string period_label(const ResolvedPeriod& p) {
  const std::string since = p.since_ms ? local_date(p.zone, *p.since_ms) : "";
  const std::string until = p.until_ms ? last_day(p, *p.until_ms) : "";
  std::string name = p.period == "all" ? "all time" : p.period;
  if (since.empty() && until.empty()) return name;
  const std::string range = since.empty()    ? "until " + until
                            : until.empty()  ? "since " + since
                            : since == until ? since
                                             : since + " to " + until;
  return name + " (" + range + ")";
}

std::string query_kind(std::string_view qs) {
  if (qs.empty() || qs == "repl_main_thread" || qs == "sdk" || qs == "repl_sampling") return "main";
  if (qs.rfind("agent:", 0) == 0) return "subagent";
  if (qs == "generate_session_title" || qs == "rename_generate_name" || qs == "teleport_generate_title") return "title";
  if (qs == "compact") return "compaction";
  return "background";
}

std::string cost_label(double priced_total, bool complete) {
  if (complete) return format_usd(priced_total);
  // Nothing priced: just "unpriced". A priced part that rounds to $0.00 still shows.
  return priced_total == 0 ? "unpriced" : format_usd(priced_total) + " + unpriced";
}

std::string local_minute(const ResolvedPeriod& p, int64_t ts_ms) {
  const std::string s = local_iso(p.zone, ts_ms);
  return s.substr(0, 10) + " " + s.substr(11, 5);
}

}  // namespace clown::reports
