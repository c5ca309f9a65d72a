#include "runs/run_usage.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "registry/pricing_table.hpp"
#include "runs/run_transcripts.hpp"
#include "store/request_writer.hpp"
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

}  // namespace

Expected<RunUsage> collect_run_usage(const Paths& paths, const RunInfo& info, const std::vector<HookEvent>& events) {
  auto read = read_run_transcripts(events, info.started_ms, info.ended_ms);
  if (!read) return tl::unexpected(read.error());
  RunUsage usage;
  usage.session_ids = read->session_ids;

  auto store = store::Store::open(paths);
  if (!store) return tl::unexpected(store.error());
  auto& db = (*store)->db();
  // Loading prices (a synced LiteLLM file is several MB) only when there is
  // something to price keeps request-less runs fast.
  static const registry::PricingTable k_no_prices;
  std::optional<registry::PricingLoadResult> pricing;
  if (!read->requests.empty()) pricing = registry::load_pricing(paths);
  store::PriceResolver resolver(pricing ? pricing->pricing.table : k_no_prices);
  try {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    store::RequestWriter writer(db, resolver);
    // A request an import-claude stored while the run was going (history not
    // yet tied to a run, under claude-native or this run's own profile when
    // its home was imported) belongs to this run: claim it rather than lose it.
    SQLite::Statement claim(db,
                            "UPDATE requests SET run_id=?, profile=?, agent=?, provider=?, source='run' "
                            "WHERE dedup_key=? AND run_id='' AND source='import' AND profile IN (?, ?)");
    SQLite::Statement stored(db,
                             "SELECT input, output, cache_write_5m, cache_write_1h, cache_read, web_search, "
                             "cost_input, cost_output, cost_cache_write, cost_cache_read, cost_web_search, priced "
                             "FROM requests WHERE dedup_key=?");
    std::string config_dir;
    for (const auto& e : events)
      if (!e.transcript_path.empty()) {
        config_dir = canonical_config_dir(e.transcript_path);
        break;
      }
    store::Attribution a;
    a.run_id = info.run_id;
    a.profile = info.profile;
    a.agent = info.agent_id.empty() ? "claude" : info.agent_id;
    a.provider = info.provider_id;
    a.source = "run";
    a.config_dir = config_dir;
    for (const auto& r : read->requests) {
      auto outcome = writer.write(r, a);
      if (outcome != store::WriteOutcome::inserted) {
        claim.bind(1, a.run_id);
        claim.bind(2, a.profile);
        claim.bind(3, a.agent);
        claim.bind(4, a.provider);
        claim.bind(5, r.key);
        claim.bind(6, std::string(store::k_native_profile));
        claim.bind(7, a.profile);
        bool claimed = claim.exec() > 0;
        claim.reset();
        if (!claimed) continue;  // another run's (or already this run's) request
      }
      // Count what the store holds for it (the largest copy seen so far).
      stored.bind(1, r.key);
      if (stored.executeStep()) {
        store::TokenCounts t{stored.getColumn(0).getInt64(), stored.getColumn(1).getInt64(),
                             stored.getColumn(2).getInt64(), stored.getColumn(3).getInt64(),
                             stored.getColumn(4).getInt64(), stored.getColumn(5).getInt64()};
        store::CostParts c{stored.getColumn(6).getDouble(), stored.getColumn(7).getDouble(),
                           stored.getColumn(8).getDouble(), stored.getColumn(9).getDouble(),
                           stored.getColumn(10).getDouble()};
        usage.tokens += t;
        usage.cost += c;
        ++usage.requests;
        if (stored.getColumn(11).getInt() == 0 && std::find(usage.unpriced_models.begin(), usage.unpriced_models.end(),
                                                            r.model) == usage.unpriced_models.end())
          usage.unpriced_models.push_back(r.model);
      }
      stored.reset();
    }
    SQLite::Statement run(db,
                          "INSERT OR REPLACE INTO runs(run_id, profile, agent, provider, model, cwd, started_ms, "
                          "ended_ms, duration_secs, exit_code) VALUES(?,?,?,?,?,?,?,?,?,?)");
    run.bind(1, info.run_id);
    run.bind(2, info.profile);
    run.bind(3, a.agent);
    run.bind(4, info.provider_id);
    run.bind(5, info.model);
    run.bind(6, info.cwd);
    run.bind(7, info.started_ms);
    run.bind(8, info.ended_ms);
    run.bind(9, info.ended_ms > info.started_ms ? static_cast<double>(info.ended_ms - info.started_ms) / 1000.0 : 0.0);
    if (info.exit_code)
      run.bind(10, *info.exit_code);
    else
      run.bind(10);
    run.exec();
    tx.commit();
  } catch (const std::exception& e) {
    return fail(std::string("cannot record the run's usage in ") + paths.usage_db().string() + ": " + e.what() +
                "; it will be retried by `clown usage import-claude`");
  }
  std::sort(usage.unpriced_models.begin(), usage.unpriced_models.end());
  return usage;
}

}  // namespace clown::runs
