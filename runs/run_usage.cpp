#include "runs/run_usage.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "registry/pricing_table.hpp"
#include "runs/run_transcripts.hpp"
#include "store/request_writer.hpp"
#include "store/runs_table.hpp"
#include "store/store.hpp"

namespace clown::runs {

namespace {

std::string canonical_config_dir(const std::string& transcript) {
  auto dir = store::config_dir_of(transcript);
  if (dir.empty()) return dir;
  std::error_code ec;
  auto c = std::filesystem::weakly_canonical(dir, ec);
  return ec ? dir : c.string();
}

store::Attribution run_attribution(const RunInfo& info, const std::vector<HookEvent>& events) {
  store::Attribution a;
  a.run_id = info.run_id;
  a.profile = info.profile;
  a.agent = info.agent_id.empty() ? "claude" : info.agent_id;
  a.provider = info.provider_id;
  a.source = store::RequestSource::run;
  for (const auto& e : events)
    if (!e.transcript_path.empty()) {
      a.config_dir = canonical_config_dir(e.transcript_path);
      break;
    }
  return a;
}

// Stores the run's requests and sums what the store holds for each one the
// run owns (the largest copy seen so far).
void store_requests(store::RequestWriter& writer, const std::vector<store::RequestUsage>& requests,
                    const store::Attribution& run, RunUsage& usage) {
  auto& table = writer.table();
  for (const auto& r : requests) {
    // A request an import stored while the run was going belongs to this run:
    // claim it rather than lose it. Another run's request stays its own.
    if (writer.write(r, run) != store::WriteOutcome::inserted && !table.claim_for_run(r.key, run)) continue;
    const auto stored = table.counts(r.key);
    if (!stored) continue;
    usage.tokens += stored->tokens;
    usage.cost += stored->cost;
    ++usage.requests;
    if (!stored->priced &&
        std::find(usage.unpriced_models.begin(), usage.unpriced_models.end(), r.model) == usage.unpriced_models.end())
      usage.unpriced_models.push_back(r.model);
  }
  std::sort(usage.unpriced_models.begin(), usage.unpriced_models.end());
}

store::RunRow run_row(const RunInfo& info, const store::Attribution& a) {
  const double duration =
      info.ended_ms > info.started_ms ? static_cast<double>(info.ended_ms - info.started_ms) / 1000.0 : 0.0;
  return {info.run_id, info.profile,    a.agent,       info.provider_id, info.model,
          info.cwd,    info.started_ms, info.ended_ms, duration,         info.exit_code};
}

}  // namespace

bool session_started(const std::vector<HookEvent>& events) {
  return std::any_of(events.begin(), events.end(), [](const HookEvent& e) { return e.event == "session-start"; });
}

Expected<RunUsage> collect_run_usage(const Paths& paths, const RunInfo& info, const std::vector<HookEvent>& events) {
  TRY_ASSIGN(auto read, read_run_transcripts(events, info.started_ms, info.ended_ms));
  RunUsage usage;
  usage.session_ids = read.session_ids;
  usage.session_started = session_started(events);
  TRY_ASSIGN(auto store, store::Store::open(paths));
  auto& db = store->db();
  // Loading prices (a synced LiteLLM file is several MB) only when there is
  // something to price keeps request-less runs fast.
  static const registry::PricingTable k_no_prices;
  std::optional<registry::PricingLoadResult> pricing;
  if (!read.requests.empty()) pricing = registry::load_pricing(paths);
  store::PriceResolver resolver(pricing ? pricing->pricing.table : k_no_prices);
  try {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    store::RequestWriter writer(db, resolver);
    const auto attribution = run_attribution(info, events);
    store_requests(writer, read.requests, attribution, usage);
    if (usage.session_started) store::record_run(db, run_row(info, attribution));
    tx.commit();
  } catch (const std::exception& e) {
    return fail(std::string("cannot record the run's usage in ") + paths.usage_db().string() + ": " + e.what() +
                "; it will be retried by `clown usage import-claude`");
  }
  return usage;
}

}  // namespace clown::runs
