#include "reports/blocks.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/time.hpp"
#include "reports/report_data.hpp"

namespace clown::reports {

namespace {

constexpr int64_t k_hour_ms = 3600 * 1000;
constexpr int64_t k_recent_ms = 3 * 24 * k_hour_ms;  // --recent: the last 3 days
// active_block reads this much history first, doubling until it reaches a
// pause of 5 h or more (after about a year it reads everything).
constexpr int64_t k_first_window_ms = 24 * k_hour_ms;
constexpr int64_t k_max_window_ms = 512 * 24 * k_hour_ms;

struct OpenBlock {
  int64_t start = 0, end = 0, first = 0, last = 0;
  GroupSum sum;
};

BlockRow close_block(const ReportData& d, OpenBlock& b) {
  BlockRow row;
  static_cast<Group&>(row) = b.sum.group();
  row.start_ms = b.start;
  row.end_ms = b.end;
  row.first_ms = b.first;
  row.last_ms = b.last;
  row.models = d.names(b.sum.models);
  return row;
}

Expected<std::optional<int64_t>> parse_limit(const std::string& text, const std::vector<BlockRow>& blocks) {
  if (text.empty()) return std::optional<int64_t>();
  if (text == "max") {
    int64_t best = 0;
    for (const auto& b : blocks)
      if (!b.active) best = std::max(best, b.tokens.total());
    return best > 0 ? std::optional<int64_t>(best) : std::optional<int64_t>();
  }
  int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value <= 0)
    return fail("invalid token limit '" + text + "': use a number of tokens such as 500000, or max", k_exit_usage);
  return std::optional<int64_t>(value);
}

void apply_limit(BlockRow& b, int64_t limit) {
  b.percent_used = static_cast<double>(b.tokens.total()) / static_cast<double>(limit) * 100.0;
  double worst = *b.percent_used;
  if (b.burn) {
    b.projected_percent = static_cast<double>(b.burn->projected_tokens) / static_cast<double>(limit) * 100.0;
    worst = std::max(worst, *b.projected_percent);
  }
  b.limit_level = worst > 100.0 ? LimitLevel::exceeded : worst > 80.0 ? LimitLevel::warning : LimitLevel::ok;
}

// The shown blocks with a gap row wherever 5 h or more passed without requests.
std::vector<BlockRow> with_gaps(std::vector<BlockRow> blocks) {
  std::vector<BlockRow> out;
  for (auto& b : blocks) {
    if (!out.empty()) {
      const BlockRow& prev = out.back();
      if (b.first_ms - prev.last_ms >= k_block_ms && b.start_ms > prev.end_ms) {
        BlockRow gap;
        gap.gap = true;
        gap.start_ms = prev.end_ms;
        gap.end_ms = b.start_ms;
        out.push_back(std::move(gap));
      }
    }
    out.push_back(std::move(b));
  }
  return out;
}

// Totals and unpriced models of the rows inside the shown blocks.
void fill_from_blocks(const ReportData& d, const std::vector<BlockRow>& shown, BlocksReport& r) {
  GroupSum total;
  std::vector<int32_t> unpriced;
  for (const auto* row : d.rows) {
    const auto it = std::upper_bound(shown.begin(), shown.end(), row->first_ms,
                                     [](int64_t ts, const BlockRow& b) { return ts < b.start_ms; });
    if (it == shown.begin() || std::prev(it)->gap || row->first_ms >= std::prev(it)->end_ms) continue;
    total.add(*row, false);
    if (row->unpriced_requests > 0) unpriced.push_back(row->model);
  }
  r.totals = total.totals();
  r.unpriced_models = d.names(std::move(unpriced));
}

}  // namespace

std::optional<BurnRate> burn_rate(const BlockRow& b, int64_t now) {
  const int64_t elapsed = now - b.start_ms;
  if (elapsed <= 0) return std::nullopt;
  BurnRate burn;
  const double minutes = static_cast<double>(elapsed) / 60000.0;
  const double hours = static_cast<double>(elapsed) / 3600000.0;
  burn.tokens_per_minute = static_cast<double>(b.tokens.total()) / minutes;
  burn.cost_per_hour = b.total_cost / hours;
  burn.remaining_ms = std::max<int64_t>(0, b.end_ms - now);
  burn.projected_tokens =
      b.tokens.total() + std::llround(burn.tokens_per_minute * static_cast<double>(burn.remaining_ms) / 60000.0);
  burn.projected_cost = b.total_cost + burn.cost_per_hour * static_cast<double>(burn.remaining_ms) / 3600000.0;
  return burn;
}

std::vector<BlockRow> split_blocks(const ReportData& d, std::vector<const RollupRow*> rows, int64_t now) {
  std::sort(rows.begin(), rows.end(), [](const RollupRow* a, const RollupRow* b) { return a->first_ms < b->first_ms; });
  std::vector<BlockRow> out;
  std::optional<OpenBlock> open;
  for (const RollupRow* r : rows) {
    if (!open || r->first_ms >= open->end || r->first_ms - open->last >= k_block_ms) {
      if (open) out.push_back(close_block(d, *open));
      open.emplace();
      open->start = floor_div(r->first_ms, k_hour_ms) * k_hour_ms;
      open->end = open->start + k_block_ms;
      open->first = r->first_ms;
      open->last = r->last_ms;
    }
    open->sum.add(*r, true);
    open->last = std::max(open->last, r->last_ms);
  }
  if (open) out.push_back(close_block(d, *open));
  if (!out.empty()) {
    BlockRow& last = out.back();
    last.active = now >= last.start_ms && now < last.end_ms && now - last.last_ms < k_block_ms;
    if (last.active) last.burn = burn_rate(last, now);
  }
  return out;
}

Expected<std::optional<BlockRow>> active_block(const Paths& paths, const UsageFilter& filter, int64_t now) {
  UsageFilter f = filter;
  f.period = "all";
  f.since.reset();
  f.until.reset();
  TRY_ASSIGN(const auto context, load_report_context(paths, f, now));
  for (int64_t window = k_first_window_ms;; window *= 2) {
    ResolvedPeriod range = context.period;
    if (window <= k_max_window_ms) range.since_ms = now - window;
    TRY_ASSIGN(const auto data, load_report_data(paths, f, context, range));
    if (data.rows.empty()) return std::optional<BlockRow>();
    int64_t earliest = data.rows.front()->first_ms;
    for (const auto* r : data.rows) earliest = std::min(earliest, r->first_ms);
    // Nothing in the window's first 5 h: a pause of 5 h or more precedes its
    // first request, which therefore starts a block as it would in all history.
    if (!range.since_ms || earliest - *range.since_ms >= k_block_ms) {
      auto blocks = split_blocks(data, data.rows, now);
      if (blocks.empty() || !blocks.back().active) return std::optional<BlockRow>();
      return std::optional<BlockRow>(std::move(blocks.back()));
    }
  }
}

Expected<BlocksReport> blocks_report(const Paths& paths, const UsageFilter& filter, const BlockOptions& options,
                                     int64_t now) {
  TRY_ASSIGN(const auto context, load_report_context(paths, filter, now));
  UsageFilter all = filter;
  all.period = "all";
  all.since.reset();
  all.until.reset();
  ResolvedPeriod range = context.period;
  range.since_ms.reset();
  range.until_ms.reset();
  // Blocks are cut from all history: a period only chooses which to show.
  TRY_ASSIGN(const auto data, load_report_data(paths, all, context, range));
  auto blocks = split_blocks(data, data.rows, now);
  TRY_ASSIGN(const auto limit, parse_limit(options.token_limit, blocks));

  BlocksReport r;
  r.period = context.period;
  if (options.recent) {
    r.period.period = "recent";
    r.period.since_ms = now - k_recent_ms;
    r.period.until_ms.reset();
  }
  std::vector<BlockRow> shown;
  for (auto& b : blocks) {
    const bool keep = options.active ? b.active : r.period.contains(b.start_ms);
    if (!keep) continue;
    if (limit) apply_limit(b, *limit);
    shown.push_back(std::move(b));
  }
  fill_from_blocks(data, shown, r);
  r.blocks = with_gaps(std::move(shown));
  r.token_limit = limit;
  r.token_limit_is_max = options.token_limit == "max";
  r.active_only = options.active;
  r.now_ms = now;
  return r;
}

}  // namespace clown::reports
