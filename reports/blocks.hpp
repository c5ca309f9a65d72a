#pragma once
// Anthropic's 5-hour usage windows (docs/api.md#usage-blocks). A block
// starts at its first request's time floored to the UTC hour and covers
// [start, start + 5 h); a request at or after the end, or after 5 h or more
// without requests, starts the next block. Block edges are whole UTC hours,
// so every rollup row (a UTC quarter hour) lies in one block and blocks sum
// to the report's totals exactly. Plain functions of the rollup, for
// `clown usage blocks` and for anything that needs the active block fast.
#include <cstdint>
#include <optional>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/filter.hpp"
#include "reports/report_types.hpp"

namespace clown::reports {

struct ReportData;
struct RollupRow;

inline constexpr int64_t k_block_ms = 5 * 3600 * 1000;

// The blocks of `rows` (any order), oldest first, without gap rows; the one
// holding `now_ms` (before its end, less than 5 h after its last request) is
// active and carries its burn rate.
std::vector<BlockRow> split_blocks(const ReportData& data, std::vector<const RollupRow*> rows, int64_t now_ms);

// The burn rate of a block at `now_ms` (over its elapsed time now - start);
// nullopt when no time has elapsed.
std::optional<BurnRate> burn_rate(const BlockRow& block, int64_t now_ms);

// The active block of everything that passes the filter (its period is
// ignored), or nullopt. Reads only recent history (back to the last pause of
// 5 h or more), so it stays fast while usage.db changes.
Expected<std::optional<BlockRow>> active_block(const Paths& paths, const UsageFilter& filter, int64_t now_ms);

// `clown usage blocks`.
Expected<BlocksReport> blocks_report(const Paths& paths, const UsageFilter& filter, const BlockOptions& options,
                                     int64_t now_ms);

}  // namespace clown::reports
