#pragma once
// What a usage report covers: the options every `clown usage` command and
// every /api/usage route take.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clown::reports {

struct UsageFilter {
  std::string period = "today";      // today|yesterday|week|month|7d|30d|all
  std::optional<std::string> since;  // YYYY-MM-DD (inclusive, in timezone) or ISO-8601
  std::optional<std::string> until;  // YYYY-MM-DD (inclusive) or ISO-8601
  std::string profile, model, agent, project;
  std::string timezone;  // IANA name; empty = config.toml timezone, else the system zone
};

struct Paging {
  int64_t limit = 100;  // 0 = all
  int64_t offset = 0;
};

// --model matches the exact name or a name that continues with '-' (so
// `claude-sonnet-4-5` matches `claude-sonnet-4-5-20250929`).
bool model_matches(std::string_view model, std::string_view wanted);
// --project matches the recorded directory or its last path component.
bool project_matches(std::string_view project, std::string_view wanted);

}  // namespace clown::reports
