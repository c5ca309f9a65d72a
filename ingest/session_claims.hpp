#pragma once
// The agent's own per-session totals, and reconciling a session with them
// (docs/accuracy.md#reconcile). Claude Code counts every request it made,
// background ones included, in a transcript's `cost-state` lines (2.1.328+;
// cumulative across --resume) and, for the last session of each project, in
// .claude.json's `lastModelUsage` (2.1.197 too). What such a claim counts
// beyond the requests clown holds for the session is stored as one
// "unlogged" row per session and model (source cost-state / claude-json),
// rewritten whenever the session's requests or claim change, so it never
// counts a request twice, whatever arrives later (an OTel event, an import).
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.hpp"
#include "registry/pricing_table.hpp"
#include "store/request_writer.hpp"
#include "store/sql.hpp"

namespace clown::ingest {

struct ModelClaim {
  store::TokenCounts tokens;  // without split_known every cache write is in cache_write_5m
  bool split_known = false;
  std::optional<double> cost_usd;  // the agent's own cost of these tokens
};

struct SessionClaim {
  std::string session_id;
  store::RequestSource source = store::RequestSource::cost_state;  // cost_state | claude_json
  int64_t ts_ms = 0;  // when claimed (file time); unlogged rows take the session's last request time when it has one
  std::map<std::string, ModelClaim> models;
};

// A transcript line `{"type":"cost-state","sessionId":…,"modelUsage":{…}}`;
// nullopt when the line is not one or is malformed.
std::optional<SessionClaim> parse_cost_state(std::string_view line);

// The .claude.json Claude Code keeps for a config dir: <dir>/.claude.json
// when the dir is a CLAUDE_CONFIG_DIR, else ~/.claude.json beside ~/.claude.
std::filesystem::path claude_json_for(const std::filesystem::path& config_dir);
// Each project's last session totals (projects[*].lastSessionId +
// lastModelUsage). A missing file is no claims; a malformed one an error.
Expected<std::vector<SessionClaim>> read_claude_json_claims(const std::filesystem::path& file);

// Records a claim (replacing the session's earlier claim of the same source).
void save_claim(SQLite::Database& db, const SessionClaim& claim, const store::Attribution& attribution);

// save_claim with its statements prepared once: an import saves a claim per
// session and file.
class ClaimWriter {
 public:
  explicit ClaimWriter(SQLite::Database& db);
  void save(const SessionClaim& claim, const store::Attribution& attribution);

 private:
  store::Sql m_delete;
  store::Sql m_insert;
};

// The requests of each session as a bulk load (a cold import) stores them,
// summed while they are written: what reconcile would otherwise read back
// from a table that has no session index yet.
class SessionTally {
 public:
  // `max_sessions`: how many sessions are summed at most (see needs_index()).
  explicit SessionTally(size_t max_sessions = k_max_tally_sessions);
  ~SessionTally();
  SessionTally(const SessionTally&) = delete;
  SessionTally& operator=(const SessionTally&) = delete;
  // A request stored as a new row with this source and cost_total.
  void inserted(const store::RequestUsage& request, store::RequestSource source, double cost_total);
  // A stored row of the session changed (a larger copy): it is read back.
  void changed(const std::string& session);
  // True when some session is read back: one whose stored row changed, or
  // one past the first `max_sessions` (which bounds the tally's memory, about
  // 400 bytes a session). They are read through the session index, which the
  // caller then builds before reconcile_sessions.
  bool needs_index() const;
  static constexpr size_t k_max_tally_sessions = 4096;

 private:
  friend int64_t reconcile_sessions(SQLite::Database&, store::RequestWriter&, const std::set<std::string>&,
                                    const registry::PricingTable&, const SessionTally*);
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Rewrites the unlogged rows of `sessions` from their claims (a cost-state
// claim wins over a .claude.json one) and the requests held; returns how many
// sessions got an unlogged row. Each session's rows are read through the
// session index, or, with `bulk` (every row was stored by that bulk load),
// taken from its tally, except the sessions it cannot tell (needs_index()).
int64_t reconcile_sessions(SQLite::Database& db, store::RequestWriter& writer, const std::set<std::string>& sessions,
                           const registry::PricingTable& prices, const SessionTally* bulk = nullptr);

}  // namespace clown::ingest
