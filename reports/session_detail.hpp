#pragma once
// `clown usage session <id-or-prefix>` (docs/api.md#usage-session): one agent
// session request by request from the `requests` table, with the main agent
// and each subagent (sidechain) summed, named from the `subagents` table.
#include <cstdint>
#include <string_view>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/filter.hpp"
#include "reports/report_types.hpp"
#include "store/requests_table.hpp"

namespace clown::reports {

// Who made a request: a subagent's (sidechain) request is `subagent`;
// otherwise Claude Code's query_source decides (repl_main_thread, sdk: main;
// generate_session_title: title; compact: compaction; agent…: subagent);
// without one a transcript line is the main loop's and anything else `other`.
RequestRole request_role(std::string_view query_source, bool sidechain, std::string_view subagent,
                         store::RequestSource source);
const char* to_string(RequestRole role);

// The session whose id is `options.session_id` or starts with it (unique
// among the sessions in the filter's period; an exact id always wins).
// Unknown or ambiguous ids are errors (k_exit_usage) that say what exists.
// `options.paging` chooses which requests are listed (all are summed).
Expected<SessionReport> session_report(const Paths& paths, const UsageFilter& filter, const ReportOptions& options,
                                       int64_t now_ms);

}  // namespace clown::reports
