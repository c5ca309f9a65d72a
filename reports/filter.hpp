#pragma once
// What a usage report covers: the options every `clown usage` command and
// every /api/usage route take.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clown::reports {

struct UsageFilter {
  std::string period;                // today|yesterday|week|month|7d|30d|all; "" = the report's default
  std::optional<std::string> since;  // YYYY-MM-DD (inclusive, in timezone) or ISO-8601
  std::optional<std::string> until;  // YYYY-MM-DD (inclusive) or ISO-8601
  std::string profile, model, agent, project;
  std::string machine;        // a machine id (docs/file-formats.md#machine-id); "" = every machine
  std::string timezone;       // IANA name; empty = config.toml timezone, else the system zone
  std::string start_of_week;  // monday..sunday; empty = config.toml start_of_week, else monday
  // --project-aliases "PATTERN=NAME[,PATTERN=NAME...]" as given (reports
  // parse them; they apply before config.toml's [project_aliases]).
  std::vector<std::string> project_aliases;
};

struct Paging {
  int64_t limit = 100;  // 0 = all
  int64_t offset = 0;
};

// `clown usage blocks` options.
struct BlockOptions {
  bool active = false;      // only the active block
  bool recent = false;      // blocks of the last 3 days
  std::string token_limit;  // "" none, "max" (highest past block) or a number of tokens
};

// What some report kinds take besides the filter.
struct ReportOptions {
  Paging paging;           // sessions
  bool breakdown = false;  // daily, weekly, monthly: per-model rows
  BlockOptions blocks;     // blocks
  std::string session_id;  // session: an id or a unique prefix
  std::string plan;        // roi: the plan you have (forgiving name)
  ReportOptions() = default;
  ReportOptions(const Paging& p) : paging(p) {}  // NOLINT(google-explicit-constructor): a Paging is enough for most
};

// --model matches the exact name or a name that continues with '-' (so
// `claude-sonnet-4-5` matches `claude-sonnet-4-5-20250929`).
bool model_matches(std::string_view model, std::string_view wanted);
// --project matches the recorded directory or its last path component.
bool project_matches(std::string_view project, std::string_view wanted);

}  // namespace clown::reports
