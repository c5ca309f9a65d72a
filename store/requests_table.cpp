#include "store/requests_table.hpp"

#include <stdexcept>

namespace clown::store {

namespace {

using C = RequestColumn;

constexpr std::array<std::string_view, k_request_columns> k_names = {
    "dedup_key",  "ts_ms",      "session_id", "run_id",      "profile",          "agent",           "provider",
    "model",      "project",    "sidechain",  "input",       "output",           "cache_write_5m",  "cache_write_1h",
    "cache_read", "web_search", "cost_input", "cost_output", "cost_cache_write", "cost_cache_read", "cost_web_search",
    "cost_total", "priced",     "price_key",  "source",      "config_dir"};

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

std::string insert_sql() {
  std::string sql = "INSERT OR IGNORE INTO requests(" + column_list(all_columns()) + ") VALUES(";
  for (size_t i = 0; i < k_request_columns; ++i) sql += i ? ",?" : "?";
  return sql + ")";
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
  }
  return "import";
}

std::optional<RequestSource> request_source_from(std::string_view text) {
  for (auto s : {RequestSource::run, RequestSource::import, RequestSource::stats_cache})
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
    : m_insert(db, insert_sql()),
      m_raise(db,
              "UPDATE requests SET input=?, output=?, cache_write_5m=?, cache_write_1h=?, cache_read=?, "
              "web_search=?, cost_input=?, cost_output=?, cost_cache_write=?, cost_cache_read=?, "
              "cost_web_search=?, cost_total=? WHERE dedup_key=? AND "
              "(input+output+cache_write_5m+cache_write_1h+cache_read < ? OR "
              "(input+output+cache_write_5m+cache_write_1h+cache_read = ? AND web_search < ?))"),
      m_claim(db,
              "UPDATE requests SET run_id=?, profile=?, agent=?, provider=?, source=? "
              "WHERE dedup_key=? AND run_id='' AND source=? AND profile IN (?, ?)"),
      m_counts(db, token_columns() + cost_columns() + std::vector<RequestColumn>{RequestColumn::priced},
               "WHERE dedup_key=?") {}

bool RequestTable::insert(const RequestRecord& r) {
  Sql& s = m_insert;
  // Columns in RequestColumn order.
  s.bind(1, r.dedup_key).bind(2, r.ts_ms).bind(3, r.session_id).bind(4, r.run_id).bind(5, r.profile);
  s.bind(6, r.agent).bind(7, r.provider).bind(8, r.model).bind(9, r.project).bind(10, r.sidechain ? 1 : 0);
  const int i = bind_counts(s, 11, r.tokens, r.cost);
  s.bind(i, r.priced ? 1 : 0).bind(i + 1, r.price_key).bind(i + 2, to_string(r.source)).bind(i + 3, r.config_dir);
  const bool inserted = s.exec() > 0;
  s.reset();
  return inserted;
}

bool RequestTable::raise(const RequestRecord& r) {
  Sql& s = m_raise;
  const int i = bind_counts(s, 1, r.tokens, r.cost);
  s.bind(i, r.dedup_key).bind(i + 1, r.tokens.total()).bind(i + 2, r.tokens.total()).bind(i + 3, r.tokens.web_search);
  const bool raised = s.exec() > 0;
  s.reset();
  return raised;
}

bool RequestTable::claim_for_run(std::string_view dedup_key, const Attribution& run) {
  Sql& s = m_claim;
  s.bind(1, run.run_id).bind(2, run.profile).bind(3, run.agent).bind(4, run.provider);
  s.bind(5, to_string(RequestSource::run)).bind(6, dedup_key).bind(7, to_string(RequestSource::import));
  s.bind(8, k_native_profile).bind(9, run.profile);
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
  return r;
}

}  // namespace clown::store
