#include "runs/run_usage.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <unordered_set>

#include "ingest/otel_sink.hpp"
#include "ingest/session_claims.hpp"
#include "ingest/subagent_meta.hpp"
#include "registry/pricing_table.hpp"
#include "runs/run_transcripts.hpp"
#include "store/db_errors.hpp"
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
  if (!info.usage_reader.empty() && info.usage_reader != "claude") {
    // Other agents' logs lie in their home, not below a projects/ folder.
    std::error_code ec;
    auto home = std::filesystem::weakly_canonical(info.config_dir, ec);
    a.config_dir = info.config_dir.empty() || ec ? info.config_dir : home.string();
    return a;
  }
  for (const auto& e : events)
    if (!e.transcript_path.empty()) {
      a.config_dir = canonical_config_dir(e.transcript_path);
      break;
    }
  return a;
}

// Sums what the store holds for each request the run owns, each once (a
// transcript line and its OTel event are one row).
class RunTally {
 public:
  RunTally(store::RequestTable& table, RunUsage& usage) : m_table(table), m_usage(usage) {}
  void count(const std::string& key, const std::string& model) {
    if (!m_counted.insert(key).second) return;
    const auto stored = m_table.counts(key);
    if (!stored) return;
    m_usage.tokens += stored->tokens;
    m_usage.cost += stored->cost;
    ++m_usage.requests;
    if (!stored->priced && std::find(m_usage.unpriced_models.begin(), m_usage.unpriced_models.end(), model) ==
                               m_usage.unpriced_models.end())
      m_usage.unpriced_models.push_back(model);
  }

 private:
  store::RequestTable& m_table;
  RunUsage& m_usage;
  std::unordered_set<std::string> m_counted;
};

// The run's transcript requests. A request an import stored while the run was
// going belongs to this run: claim it rather than lose it. Another run's
// request stays its own.
void store_transcript_requests(store::RequestWriter& writer, const std::vector<store::RequestUsage>& requests,
                               const store::Attribution& run, RunTally& tally) {
  for (const auto& r : requests) {
    if (writer.write(r, run) != store::WriteOutcome::inserted && !writer.table().claim_for_run(r.key, run)) continue;
    tally.count(writer.last_key(), r.model);
  }
}

// The run's OTel events: every API request the agent made, background ones
// included; tagged with the run, so all of them are the run's.
void store_otel_requests(store::RequestWriter& writer, const std::vector<ingest::OtelRequest>& events,
                         store::Attribution run, RunTally& tally) {
  run.source = store::RequestSource::otel;
  for (const auto& e : events) {
    if (writer.write(e.usage, run) != store::WriteOutcome::inserted)
      writer.table().claim_for_run(writer.last_key(), run);  // an import's copy becomes the run's
    tally.count(writer.last_key(), e.usage.model);
  }
}

// Claude Code's own totals of the run's sessions (cost-state lines) keep the
// store exact (docs/accuracy.md#reconcile): what they count beyond the
// requests held becomes the sessions' unlogged rows, under the run's profile.
// The run's own line holds its requests: its transcripts and OTel events.
void reconcile_run_sessions(SQLite::Database& db, store::RequestWriter& writer, const RunTranscripts& read,
                            store::Attribution profile, const registry::PricingTable& prices, int64_t ended_ms) {
  std::map<std::string, ingest::SessionClaim> last;
  for (const auto& line : read.cost_states)
    if (auto claim = ingest::parse_cost_state(line)) last[claim->session_id] = std::move(*claim);
  if (last.empty()) return;
  profile.run_id.clear();
  std::set<std::string> sessions;
  for (auto& [session, claim] : last) {
    claim.ts_ms = ended_ms;
    ingest::save_claim(db, claim, profile);
    sessions.insert(session);
  }
  ingest::reconcile_sessions(db, writer, sessions, prices);
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

Expected<RunUsage> collect_run_usage(const Paths& paths, const RunInfo& info, const std::vector<HookEvent>& events,
                                     bool* store_failed) {
  TRY_ASSIGN(auto read, read_run_requests(info, events, info.ended_ms));
  if (store_failed) *store_failed = true;  // from here on, every failure is the store's
  const auto spool = ingest::read_run_spool(paths, info.run_id);
  RunUsage usage;
  usage.session_ids = read.session_ids;
  usage.otel_events = static_cast<int64_t>(spool.size());
  // Agents without session hooks (opencode) started one when they made requests.
  usage.session_started = session_started(events) || !read.requests.empty() || !spool.empty();
  TRY_ASSIGN(auto store, store::Store::open(paths));
  auto& db = store->db();
  // Loading prices (a synced LiteLLM file is several MB) only when there is
  // something to price keeps request-less runs fast.
  static const registry::PricingTable k_no_prices;
  std::optional<registry::PricingLoadResult> pricing;
  const bool anything = !read.requests.empty() || !spool.empty() || !read.cost_states.empty();
  if (anything) pricing = registry::load_pricing(paths);
  store::PriceResolver resolver(pricing ? pricing->pricing.table : k_no_prices);
  try {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    const auto attribution = run_attribution(info, events);
    // Preparing the writer's statements costs more than a request-less
    // run's whole launch budget: only when there is something to store.
    if (anything) {
      store::RequestWriter writer(db, resolver);
      RunTally tally(writer.table(), usage);
      store_transcript_requests(writer, read.requests, attribution, tally);
      store_otel_requests(writer, spool, attribution, tally);
      reconcile_run_sessions(db, writer, read, attribution, pricing ? pricing->pricing.table : k_no_prices,
                             info.ended_ms);
      std::sort(usage.unpriced_models.begin(), usage.unpriced_models.end());
    }
    // A subagent's meta.json only names it: one that cannot be read leaves it unnamed.
    if (info.usage_reader.empty() || info.usage_reader == "claude")
      (void)ingest::record_subagents(db, read.files, false);
    if (usage.session_started) store::record_run(db, run_row(info, attribution));
    tx.commit();
  } catch (const std::exception& e) {
    return fail(std::string("cannot record the run's usage in ") + paths.usage_db().string() + ": " + e.what() +
                store::db_failure_advice(paths, e));
  }
  if (store_failed) *store_failed = false;
  return usage;
}

}  // namespace clown::runs
