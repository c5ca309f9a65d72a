#pragma once
// What `clown usage live` shows (README.md#live-monitor), as one typed frame:
// runs in progress, today's and the active block's spend with burn rate and
// projection, budget levels and the last requests. Read from the store and
// runs/ like `clown usage`; the daemon is not needed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/filter.hpp"
#include "reports/report_types.hpp"

namespace clown::live {

struct LiveRun {
  std::string profile, agent, model;
  double elapsed_secs = 0;
  int64_t tokens = 0;  // input + output + cache writes + cache reads so far
  double cost = 0;
  int64_t requests = 0;
};

struct LiveRequest {
  int64_t ts_ms = 0;
  std::string profile, model;
  int64_t tokens = 0;
  double cost = 0;
  bool priced = true;
};

struct LiveBlock {
  int64_t start_ms = 0, end_ms = 0;
  int64_t tokens = 0;
  double cost = 0;
  std::optional<reports::BurnRate> burn;
};

struct LiveFrame {
  int64_t now_ms = 0;
  std::string timezone;
  reports::Group today;
  std::optional<LiveBlock> block;  // the active 5-hour block, if any
  std::vector<reports::BudgetStatus> budgets;
  std::vector<LiveRun> runs;
  std::vector<LiveRequest> recent;  // newest first
};

// The frame at `now_ms`; `filter` gives the time zone and the profile/agent/
// model filters, `recent` how many requests to list.
Expected<LiveFrame> collect_frame(const Paths& paths, const reports::UsageFilter& filter, int64_t now_ms,
                                  int recent = 5);

}  // namespace clown::live
