#include "store/requests_table.hpp"

#include "store/store.hpp"

#include <stdexcept>

namespace clown::store {

namespace {

using C = RequestColumn;

constexpr std::array<std::string_view, k_request_columns> k_names = {
    "dedup_key",        "ts_ms",           "session_id",      "run_id",     "profile",    "agent",
    "provider",         "model",           "project",         "sidechain",  "input",      "output",
    "cache_write_5m",   "cache_write_1h",  "cache_read",      "web_search", "cost_input", "cost_output",
    "cost_cache_write", "cost_cache_read", "cost_web_search", "cost_total", "priced",     "price_key",
    "source",           "config_dir",      "query_source",    "subagent",   "machine",    "user"};

constexpr bool all_named() {
  for (auto n : k_names)
    if (n.empty()) return false;
  return true;
}
static_assert(all_named(), "every RequestColumn has a name in k_names");

std::string column_list(const std::vector<RequestColumn>& columns) {
  std::string out;
  for (auto c : columns) {
    if (!out.empty()) out += ", ";
    out += column_name(c);
  }
  return out;
}

std::vector<RequestColumn> all_columns() {
  std::vector<RequestColumn> out;
  for (size_t i = 0; i < k_request_columns; ++i) out.push_back(static_cast<RequestColumn>(i));
  return out;
}

// INSERT ... ON CONFLICT(dedup_key) DO UPDATE: one statement stores a new
// request or merges a copy into the stored one (RequestTable::upsert).
std::string upsert_sql() {
  std::string sql = "INSERT INTO requests(" + column_list(all_columns()) + ") VALUES(";
  for (size_t i = 0; i < k_request_columns; ++i) sql += i ? ",?" : "?";
  // "bigger": the copy has more tokens, or as many and more web searches.
  const std::string total = "input+output+cache_write_5m+cache_write_1h+cache_read";
  const std::string new_total =
      "excluded.input+excluded.output+excluded.cache_write_5m+excluded.cache_write_1h+excluded.cache_read";
  const std::string bigger =
      "(" + new_total + " > " + total + " OR (" + new_total + " = " + total + " AND excluded.web_search > web_search))";
  sql += ") ON CONFLICT(dedup_key) DO UPDATE SET ";
  bool first = true;
  for (auto c : token_columns() + cost_columns() + std::vector<RequestColumn>{RequestColumn::cost_total}) {
    const std::string name(column_name(c));
    sql += (first ? "" : ", ") + name + " = CASE WHEN " + bigger + " THEN excluded." + name + " ELSE " + name + " END";
    first = false;
  }
  const std::string fillable[] = {"project", "query_source", "subagent"};
  std::string fills;
  for (const auto& name : fillable) {
    sql += ", " + name + " = CASE WHEN " + name + " = '' THEN excluded." + name + " ELSE " + name + " END";
    fills += " OR (" + name + " = '' AND excluded." + name + " != '')";
  }
  sql += ", sidechain = max(sidechain, excluded.sidechain)";
  return sql + " WHERE " + bigger + fills + " OR excluded.sidechain > sidechain";
}

// Binds the token and cost columns from `first` on, in token_columns() then
// cost_columns() order, then cost_total.
int bind_counts(Sql& s, int first, const TokenCounts& t, const CostParts& c) {
  int i = first;
  for (int64_t v : {t.input, t.output, t.cache_write_5m, t.cache_write_1h, t.cache_read, t.web_search}) s.bind(i++, v);
  for (double v : {c.input, c.output, c.cache_write, c.cache_read, c.web_search}) s.bind(i++, v);
  s.bind(i++, c.total());
  return i;
}

}  // namespace

std::string_view to_string(RequestSource source) {
  switch (source) {
    case RequestSource::run: return "run";
    case RequestSource::import: return "import";
    case RequestSource::stats_cache: return "stats-cache";
    case RequestSource::otel: return "otel";
    case RequestSource::cost_state: return "cost-state";
    case RequestSource::claude_json: return "claude-json";
  }
  return "import";
}

std::optional<RequestSource> request_source_from(std::string_view text) {
  for (auto s : {RequestSource::run, RequestSource::import, RequestSource::stats_cache, RequestSource::otel,
                 RequestSource::cost_state, RequestSource::claude_json})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

std::string_view column_name(RequestColumn column) { return k_names[static_cast<size_t>(column)]; }

const std::vector<RequestColumn>& token_columns() {
  static const std::vector<RequestColumn> v = {C::input,          C::output,     C::cache_write_5m,
                                               C::cache_write_1h, C::cache_read, C::web_search};
  return v;
}

const std::vector<RequestColumn>& cost_columns() {
  static const std::vector<RequestColumn> v = {C::cost_input, C::cost_output, C::cost_cache_write, C::cost_cache_read,
                                               C::cost_web_search};
  return v;
}

std::vector<RequestColumn> operator+(std::vector<RequestColumn> a, const std::vector<RequestColumn>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

RequestTable::RequestTable(SQLite::Database& db)
    : m_database(db),
      m_db(db.getHandle()),
      m_upsert(db, upsert_sql()),
      m_rekey(db, "UPDATE OR IGNORE requests SET dedup_key=? WHERE dedup_key=?"),
      m_twin(db,
             "SELECT dedup_key FROM requests WHERE ts_ms BETWEEN ? AND ? AND session_id=? AND model=? AND "
             "input=? AND output=? AND cache_write_5m+cache_write_1h=? AND cache_read=? AND "
             "CASE WHEN ? THEN dedup_key LIKE 'otel:%' ELSE (dedup_key LIKE 'msg:%' OR dedup_key LIKE 'nomsg:%') END "
             "LIMIT 1"),
      m_claim(db,
              "UPDATE requests SET run_id=?, profile=?, agent=?, provider=?, source=? "
              "WHERE dedup_key=? AND run_id='' AND source=? AND profile IN (?, ?)"),
      m_counts(db, token_columns() + cost_columns() + std::vector<RequestColumn>{RequestColumn::priced},
               "WHERE dedup_key=?") {
  try {
    m_machine = db.execAndGet(std::string("SELECT ") + k_machine_id_function + "()").getString();
  } catch (const SQLite::Exception&) {
    // A connection without the function (not opened through Store): rows
    // get '' = this machine.
  }
}

RequestTable::Outcome RequestTable::upsert(const RequestRecord& r) {
  Sql& s = m_upsert;
  // Text that repeats from the last request stays bound (a copy owned here:
  // the request's own strings may be gone by the next one).
  auto text = [&](int index, std::string_view v) {
    auto& held = m_bound_text[static_cast<size_t>(index)];
    if (held && *held == v) return;
    held.emplace(v);
    s.bind(index, std::string_view(*held));
  };
  // Columns in RequestColumn order.
  s.bind(1, r.dedup_key).bind(2, r.ts_ms);
  text(3, r.session_id);
  text(4, r.run_id);
  text(5, r.profile);
  text(6, r.agent);
  text(7, r.provider);
  text(8, r.model);
  text(9, r.project);
  s.bind(10, r.sidechain ? 1 : 0);
  const int i = bind_counts(s, 11, r.tokens, r.cost);
  s.bind(i, r.priced ? 1 : 0);
  text(i + 1, r.price_key);
  text(i + 2, to_string(r.source));
  text(i + 3, r.config_dir);
  text(i + 4, r.query_source);
  text(i + 5, r.subagent);
  text(i + 6, machine_of(r));
  text(i + 7, r.user);
  // An insert sets the connection's last rowid (rowids start at 1); an
  // update of the stored row leaves it alone.
  sqlite3_set_last_insert_rowid(m_db, 0);
  const int changed = s.exec();
  s.rewind();  // every parameter is bound above
  if (changed == 0) return Outcome::duplicate;
  return sqlite3_last_insert_rowid(m_db) != 0 ? Outcome::inserted : Outcome::merged;
}

bool RequestTable::rekey(std::string_view from, std::string_view to) {
  m_rekey.bind(1, to).bind(2, from);
  const bool changed = m_rekey.exec() > 0;
  m_rekey.reset();
  return changed;
}

std::string RequestTable::find_twin(const RequestRecord& r, int64_t slack_ms) {
  Sql& s = m_twin;
  s.bind(1, r.ts_ms - slack_ms).bind(2, r.ts_ms + slack_ms).bind(3, r.session_id).bind(4, r.model);
  s.bind(5, r.tokens.input).bind(6, r.tokens.output).bind(7, r.tokens.cache_creation()).bind(8, r.tokens.cache_read);
  s.bind(9, r.source == RequestSource::otel ? 0 : 1);
  std::string key = s.step() ? std::string(s.text(0)) : std::string();
  s.reset();
  return key;
}

bool RequestTable::claim_for_run(std::string_view dedup_key, const Attribution& run) {
  Sql& s = m_claim;
  s.bind(1, run.run_id).bind(2, run.profile).bind(3, run.agent).bind(4, run.provider);
  s.bind(5, to_string(RequestSource::run)).bind(6, dedup_key).bind(7, to_string(RequestSource::import));
  const std::string native = native_profile(run.agent);
  s.bind(8, native).bind(9, run.profile);
  const bool claimed = s.exec() > 0;
  s.reset();
  return claimed;
}

std::optional<StoredCounts> RequestTable::counts(std::string_view dedup_key) {
  m_counts.sql().bind(1, dedup_key);
  std::optional<StoredCounts> out;
  if (m_counts.next())
    out = StoredCounts{m_counts.tokens(), m_counts.cost(), m_counts.int64(RequestColumn::priced) != 0};
  m_counts.sql().reset();
  return out;
}

std::string RequestTable::session_of(std::string_view dedup_key) {
  // Prepared on first use: only a bulk import asks, and only when a copy
  // merged, while every run, OTel batch and import builds a RequestTable.
  if (!m_session_of) m_session_of.emplace(m_database, "SELECT session_id FROM requests WHERE dedup_key=?");
  Sql& q = *m_session_of;
  q.bind(1, dedup_key);
  std::string session = q.step() ? std::string(q.text(0)) : std::string();
  q.reset();
  return session;
}

RequestQuery::RequestQuery(SQLite::Database& db, const std::vector<RequestColumn>& columns, std::string_view tail) {
  m_position.fill(-1);
  for (size_t i = 0; i < columns.size(); ++i) m_position[static_cast<size_t>(columns[i])] = static_cast<int>(i);
  std::string sql = "SELECT " + column_list(columns) + " FROM requests";
  if (!tail.empty()) (sql += ' ') += tail;
  m_sql.emplace(db, sql);
}

RequestQuery::RequestQuery(SQLite::Database& db, std::string_view tail) : RequestQuery(db, all_columns(), tail) {}

int RequestQuery::position(RequestColumn c) const {
  const int p = m_position[static_cast<size_t>(c)];
  if (p < 0) throw std::logic_error("requests column " + std::string(column_name(c)) + " was not selected");
  return p;
}

TokenCounts RequestQuery::tokens() const {
  return {int64(C::input),          int64(C::output),     int64(C::cache_write_5m),
          int64(C::cache_write_1h), int64(C::cache_read), int64(C::web_search)};
}

CostParts RequestQuery::cost() const {
  return {real(C::cost_input), real(C::cost_output), real(C::cost_cache_write), real(C::cost_cache_read),
          real(C::cost_web_search)};
}

RequestRecord RequestQuery::record() const {
  RequestRecord r;
  r.dedup_key = text(C::dedup_key);
  r.ts_ms = int64(C::ts_ms);
  r.session_id = text(C::session_id);
  r.run_id = text(C::run_id);
  r.profile = text(C::profile);
  r.agent = text(C::agent);
  r.provider = text(C::provider);
  r.model = text(C::model);
  r.project = text(C::project);
  r.sidechain = int64(C::sidechain) != 0;
  r.tokens = tokens();
  r.cost = cost();
  r.priced = int64(C::priced) != 0;
  r.price_key = text(C::price_key);
  r.source = request_source_from(text(C::source)).value_or(RequestSource::import);
  r.config_dir = text(C::config_dir);
  r.query_source = text(C::query_source);
  r.subagent = text(C::subagent);
  r.machine = text(C::machine);
  r.user = text(C::user);
  return r;
}

}  // namespace clown::store
