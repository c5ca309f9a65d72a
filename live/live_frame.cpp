#include "live/live_frame.hpp"

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "reports/report.hpp"
#include "runs/active_runs.hpp"
#include "runs/run_finish.hpp"
#include "store/requests_table.hpp"
#include "store/store.hpp"

namespace clown::live {

namespace {

using nlohmann::json;

int64_t token_sum(const store::TokenCounts& t) {
  return t.input + t.output + t.cache_write_5m + t.cache_write_1h + t.cache_read;
}

LiveRun run_from(const json& j) {
  LiveRun run;
  run.profile = j.value("profile", "");
  run.agent = j.value("agent", "");
  run.model = j.value("model", "");
  run.elapsed_secs = j.value("duration_secs", 0.0);
  for (const char* k : {"input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"})
    run.tokens += j.value("tokens", json::object()).value(k, int64_t{0});
  run.cost = j.value("cost", json::object()).value("total_cost", 0.0);
  run.requests = j.value("requests", int64_t{0});
  return run;
}

Expected<std::vector<LiveRequest>> recent_requests(const Paths& paths, const reports::UsageFilter& filter, int limit) {
  std::vector<LiveRequest> out;
  TRY_ASSIGN(auto store, store::Store::open_readonly(paths));
  try {
    using C = store::RequestColumn;
    // Newest first, more than `limit` so that filtered-out rows leave enough.
    store::RequestQuery q(store->db(),
                          {C::ts_ms, C::profile, C::agent, C::model, C::input, C::output, C::cache_write_5m,
                           C::cache_write_1h, C::cache_read, C::cost_total, C::priced},
                          "ORDER BY ts_ms DESC, id DESC LIMIT ?");
    q.sql().bind(1, static_cast<int64_t>(limit) * 20);
    while (q.next() && static_cast<int>(out.size()) < limit) {
      const std::string_view profile = q.text(C::profile), agent = q.text(C::agent), model = q.text(C::model);
      if ((!filter.profile.empty() && profile != filter.profile) || (!filter.agent.empty() && agent != filter.agent) ||
          (!filter.model.empty() && !reports::model_matches(model, filter.model)))
        continue;
      int64_t tokens = 0;
      for (C c : {C::input, C::output, C::cache_write_5m, C::cache_write_1h, C::cache_read}) tokens += q.int64(c);
      out.push_back({q.int64(C::ts_ms), std::string(profile), std::string(model), tokens, q.real(C::cost_total),
                     q.int64(C::priced) != 0});
    }
  } catch (const std::exception& e) {
    return fail(std::string("cannot read the last requests: ") + e.what());
  }
  return out;
}

std::optional<LiveBlock> active_block(const reports::BlocksReport& blocks) {
  for (const auto& b : blocks.blocks)
    if (b.active && !b.gap) return LiveBlock{b.start_ms, b.end_ms, token_sum(b.tokens), b.total_cost, b.burn};
  return std::nullopt;
}

}  // namespace

Expected<LiveFrame> collect_frame(const Paths& paths, const reports::UsageFilter& filter, int64_t now_ms, int recent) {
  LiveFrame frame;
  frame.now_ms = now_ms;
  reports::UsageFilter today = filter;
  today.period = "today";
  TRY_ASSIGN(auto summary, runs::report_with_recovery(paths, today, reports::ReportKind::summary, {}, now_ms));
  const auto& s = std::get<reports::SummaryReport>(summary);
  frame.timezone = s.period.timezone;
  frame.today = s.totals;
  frame.budgets = s.budgets;
  reports::ReportOptions block_options;
  block_options.blocks.active = true;
  reports::UsageFilter all = filter;
  all.period = "all";
  TRY_ASSIGN(auto blocks, reports::build_report(paths, all, reports::ReportKind::blocks, block_options, now_ms));
  frame.block = active_block(std::get<reports::BlocksReport>(blocks));
  for (const auto& r : runs::active_runs_json(paths)) {
    LiveRun run = run_from(r);
    if (filter.profile.empty() || run.profile == filter.profile) frame.runs.push_back(std::move(run));
  }
  TRY_ASSIGN(frame.recent, recent_requests(paths, filter, recent));
  return frame;
}

}  // namespace clown::live
