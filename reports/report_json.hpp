#pragma once
// The JSON of every report: what `clown usage ... --json` prints and
// /api/usage... returns as `data` (docs/api.md#usage). Groups are
// {tokens{input_tokens, output_tokens, cache_creation_input_tokens,
// cache_read_input_tokens}, cost{input_cost, output_cost, cache_creation_cost,
// cache_read_cost, total_cost}, requests, sessions}; times are local ISO-8601
// with offset ("2026-11-24T00:00:00+01:00").
#include <nlohmann/json.hpp>

#include "reports/period.hpp"
#include "reports/report_types.hpp"

namespace clown::reports {

// {"period","since","until","timezone"}: since/until are local ISO-8601
// times with offset (since inclusive, until exclusive), null when unbounded.
nlohmann::json report_envelope(const ResolvedPeriod& period);

void to_json(nlohmann::json& j, const Group& group);
// {query_source, kind, tokens, cost, requests}: the models report's and a session's split.
void to_json(nlohmann::json& j, const QuerySourceRow& row);
nlohmann::json to_json(const Report& report);

}  // namespace clown::reports
