#pragma once
// The one owner of the `requests` table's columns and of the mapping between
// a row and C++ values (docs/schema.md documents the table for users). Every
// writer inserts through RequestTable and every reader names the columns it
// wants through RequestQuery, so a column is spelled in one place.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/sql.hpp"
#include "store/usage_types.hpp"

namespace clown::store {

// Where a stored request came from.
enum class RequestSource {
  run,          // recorded by `clown run` when the agent exited
  import,       // read by an import of the agent's own history
  stats_cache,  // Claude Code's stats-cache.json excess over the transcripts (per-model history)
  otel,         // an OpenTelemetry api_request event (background requests no transcript shows)
  cost_state,   // a session's cost-state totals beyond the requests found (per model)
  claude_json,  // .claude.json lastModelUsage beyond the requests found (per model)
};
std::string_view to_string(RequestSource source);
std::optional<RequestSource> request_source_from(std::string_view text);

enum class RequestColumn {
  dedup_key,
  ts_ms,
  session_id,
  run_id,
  profile,
  agent,
  provider,
  model,
  project,
  sidechain,
  input,
  output,
  cache_write_5m,
  cache_write_1h,
  cache_read,
  web_search,
  cost_input,
  cost_output,
  cost_cache_write,
  cost_cache_read,
  cost_web_search,
  cost_total,
  priced,
  price_key,
  source,
  config_dir,
  query_source,
  subagent,
  machine,
  user,
};
inline constexpr size_t k_request_columns = static_cast<size_t>(RequestColumn::user) + 1;
std::string_view column_name(RequestColumn column);

// One row of `requests`. The text fields are views: they must outlive the
// insert that binds them (a RequestQuery's views live until its next step).
struct RequestRecord {
  std::string_view dedup_key;
  int64_t ts_ms = 0;
  std::string_view session_id, run_id, profile, agent, provider, model, project;
  bool sidechain = false;
  TokenCounts tokens;
  CostParts cost;  // cost_total is stored as cost.total()
  bool priced = false;
  std::string_view price_key;
  RequestSource source = RequestSource::import;
  std::string_view config_dir;
  std::string_view query_source;  // Claude Code's query_source (OTel), '' unknown
  std::string_view subagent;      // the subagent (agentId) of a sidechain request, '' for the main agent
  // The machine that counted it (store/machine_id.hpp); '' on insert = this
  // machine (the id a writable Store registers), '' when read = a row stored
  // here before schema 6.
  std::string_view machine;
  // Who made it, for another machine's request a central clownd received
  // (ingest/otel.hpp RemoteOrigin); '' = unknown.
  std::string_view user;
};

// SELECT <columns> FROM requests <tail>, read by column name. `tail` holds
// WHERE / ORDER BY clauses with ?-parameters bound through sql().
class RequestQuery {
 public:
  RequestQuery(SQLite::Database& db, const std::vector<RequestColumn>& columns, std::string_view tail = "");
  // Every column.
  RequestQuery(SQLite::Database& db, std::string_view tail = "");

  Sql& sql() { return *m_sql; }
  bool next() { return m_sql->step(); }

  int64_t int64(RequestColumn c) const { return m_sql->int64(position(c)); }
  double real(RequestColumn c) const { return m_sql->real(position(c)); }
  std::string_view text(RequestColumn c) const { return m_sql->text(position(c)); }
  // The token counts / cost parts of the row (their columns must be selected).
  TokenCounts tokens() const;
  CostParts cost() const;
  // The whole row (every column must be selected).
  RequestRecord record() const;

 private:
  int position(RequestColumn c) const;
  std::array<int, k_request_columns> m_position{};
  std::optional<Sql> m_sql;
};

// Who a request belongs to.
struct Attribution {
  std::string run_id;
  std::string profile = k_native_profile;
  std::string agent = "claude";
  std::string provider;
  RequestSource source = RequestSource::import;
  std::string config_dir;  // the agent config dir the request was read from
  // Another machine's request (a central clownd's team listener): its machine
  // id and user; "" = this machine.
  std::string machine;
  std::string user;
};

// What the store holds for one request.
struct StoredCounts {
  TokenCounts tokens;
  CostParts cost;
  bool priced = false;
};

class RequestTable {
 public:
  explicit RequestTable(SQLite::Database& db);

  enum class Outcome { inserted, merged, duplicate };
  // Stores the request once per dedup_key. A copy of a stored request merges
  // into it: more tokens (on a tie, more web searches) replace its counts and
  // cost, and fields it does not know yet (project, query_source, subagent,
  // sidechain) are filled; its attribution and source stay. Anything else is
  // a duplicate.
  Outcome upsert(const RequestRecord& record);
  // A stored request's identity becomes `to` (an OTel row found to be the
  // twin of a transcript line without a request id takes the line's key).
  bool rekey(std::string_view from, std::string_view to);
  // For a request without a request id: the stored request from the other
  // kind of source that is the same API request (same session, model and
  // token counts, timestamped within `slack_ms`): for a transcript line an
  // OTel-only row (key "otel:..."), for an OTel event a row keyed by its
  // transcript line ("msg:..." / "nomsg:..."; a merged row keeps that key).
  // Its dedup_key, or "".
  std::string find_twin(const RequestRecord& record, int64_t slack_ms);
  // A request an import stored before the run that made it was recorded (no
  // run yet, source import, under <agent>-native or the run's own profile)
  // joins that run. True when it did.
  bool claim_for_run(std::string_view dedup_key, const Attribution& run);
  std::optional<StoredCounts> counts(std::string_view dedup_key);
  // The session of a stored request ("" when none is stored under the key).
  std::string session_of(std::string_view dedup_key);
  // The id stamped on rows inserted without one ('' on a connection not
  // opened by Store::open).
  const std::string& machine() const { return m_machine; }
  // The machine a row is stored under: its own, else this one's.
  std::string_view machine_of(const RequestRecord& r) const { return r.machine.empty() ? m_machine : r.machine; }

 private:
  SQLite::Database& m_database;
  sqlite3* m_db;
  std::string m_machine;
  Sql m_upsert;
  // The text upsert() bound last per parameter, owned here: consecutive
  // requests mostly share them (session, profile, model, project...), and an
  // unchanged one is not bound again.
  std::array<std::optional<std::string>, k_request_columns + 1> m_bound_text;
  Sql m_rekey;
  Sql m_twin;
  Sql m_claim;
  std::optional<Sql> m_session_of;  // session_of(), prepared on first use
  RequestQuery m_counts;
};

// The token columns and the cost columns (without cost_total), for RequestQuery.
const std::vector<RequestColumn>& token_columns();
const std::vector<RequestColumn>& cost_columns();
// a followed by b.
std::vector<RequestColumn> operator+(std::vector<RequestColumn> a, const std::vector<RequestColumn>& b);

}  // namespace clown::store
