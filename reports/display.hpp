#pragma once
// How reports name things for people (CLI tables, the web UI's labels).
#include <string>
#include <string_view>

#include "reports/period.hpp"

namespace clown::reports {

// "claude-sonnet-4-5-20250929" -> "sonnet-4-5": the Models column of
// daily/hourly/sessions tables (the full names are in `clown usage models`).
std::string short_model(std::string name);

// "today (2026-11-24)", "week (2026-11-23 to 2026-11-24)", "all time".
std::string period_label(const ResolvedPeriod& period);

// What kind of request a Claude Code query_source is: "main" (the
// conversation; also "" when unknown), "subagent" ("agent:..."), "title"
// (session titles and names), "compaction", or "background" (every other
// auxiliary request: summaries, suggestions, classifiers, ...).
std::string query_kind(std::string_view query_source);

// A cost for people: "$12.40", or, when some of its requests had no price,
// the priced part marked "$12.40 + unpriced" ("unpriced" alone when the
// priced part is 0): never $0.00 for unknown (docs/cost.md#unpriced).
std::string cost_label(double priced_total, bool complete);

// "2026-11-24 09:30" in the report zone.
std::string local_minute(const ResolvedPeriod& period, int64_t ts_ms);

}  // namespace clown::reports
