#pragma once
// Usage reports shared by `clown usage ...` and the daemon's /api/usage...
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::reports {

struct UsageFilter {
  std::string period = "today";      // today|yesterday|week|month|7d|30d|all
  std::optional<std::string> since;  // YYYY-MM-DD (inclusive, in timezone) or ISO-8601
  std::optional<std::string> until;  // YYYY-MM-DD (inclusive) or ISO-8601
  std::string profile, model, agent, project;
  std::string timezone;  // IANA name; empty = system zone
};

struct Paging {
  int64_t limit = 100;
  int64_t offset = 0;
};

// kind: "summary" | "daily" | "hourly" | "models" | "profiles" | "sessions" | "projects".
// Returns the `data` object: for "summary" exactly what `clown usage --json`
// prints (period, since, until, timezone, total_tokens, total_cost,
// total_requests, total_sessions, total_runtime_secs, unpriced_models,
// aggregates{by_profile, by_model}). Bad period / date / timezone -> Error with
// exit_code k_exit_usage (the daemon maps it to HTTP 400).
//
// Every kind carries period ("custom" when since/until are given), since
// (inclusive) and until (exclusive) as local ISO-8601 times with offset
// ("2026-11-24T00:00:00+01:00", null when unbounded) and timezone. Groups are
// {tokens{input_tokens, output_tokens, cache_creation_input_tokens,
// cache_read_input_tokens}, cost{input_cost, output_cost, cache_creation_cost,
// cache_read_cost, total_cost}, requests, sessions}; total_cost includes web
// searches. The other kinds add totals (a group plus runtime_secs),
// unpriced_models and a list named after the kind:
//   daily    [{date "YYYY-MM-DD", ...group, models[]}]        oldest first
//   hourly   [{hour "<local ISO>", ...group, models[]}]       oldest first
//   models   [{model, ...group, priced}]                      most expensive first
//   profiles [{profile, ...group, runtime_secs, last_used}]   most expensive first
//   projects [{project, ...group, last_used}]                 most expensive first
//   sessions [{session_id, profile, project, first, last, models[], tokens, cost, requests}]
//            most recent first, plus total, limit (0 = all) and offset.
Expected<nlohmann::json> usage_json(const Paths& paths, const UsageFilter& filter, const std::string& kind,
                                    const Paging& paging = {});

}  // namespace clown::reports
