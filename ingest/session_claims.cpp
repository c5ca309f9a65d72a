#include "ingest/session_claims.hpp"

#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "registry/price_rules.hpp"
#include "store/cost.hpp"
#include "store/sql.hpp"

namespace clown::ingest {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using store::RequestSource;

int64_t count_of(const json& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end() || !it->is_number()) return 0;
  const double v = it->get<double>();
  return v > 0 && v < 1e15 ? static_cast<int64_t>(v) : 0;
}

// One modelUsage entry (cost-state and .claude.json use the same names).
ModelClaim model_claim(const json& u) {
  ModelClaim c;
  c.tokens.input = count_of(u, "inputTokens");
  c.tokens.output = count_of(u, "outputTokens");
  c.tokens.cache_read = count_of(u, "cacheReadInputTokens");
  c.tokens.web_search = count_of(u, "webSearchRequests");
  const int64_t writes = count_of(u, "cacheCreationInputTokens");
  if (u.contains("cacheCreationEphemeral1hInputTokens")) {
    c.tokens.cache_write_1h = std::min(writes, count_of(u, "cacheCreationEphemeral1hInputTokens"));
    c.split_known = true;
  }
  c.tokens.cache_write_5m = writes - c.tokens.cache_write_1h;
  if (auto it = u.find("costUSD"); it != u.end() && it->is_number()) c.cost_usd = it->get<double>();
  return c;
}

std::map<std::string, ModelClaim> model_claims(const json& usage) {
  std::map<std::string, ModelClaim> out;
  if (!usage.is_object()) return out;
  for (const auto& [model, u] : usage.items())
    if (u.is_object()) out[model] = model_claim(u);
  return out;
}

// What the session's requests (besides unlogged and history rows) hold per
// normalized model name: the claim's and the responses' names may differ by a
// date suffix.
struct Held {
  store::TokenCounts tokens;
  double cost = 0;
};

// What one read of a session's rows finds: one pass instead of three (a
// DELETE, a per-model sum, a max), each of which read every row of the
// session.
struct SessionRows {
  std::map<std::string, Held> held;  // requests, history rows excluded
  bool has_unlogged = false;         // rows an earlier reconcile wrote
  // When and where the session's requests were: the unlogged rows go there.
  bool any = false;
  int64_t last_ms = 0;
  std::string project;
};
// Summed here rather than with GROUP BY, which sorts every row first (most of
// the cost of the query).
constexpr const char* k_rows_sql =
    "SELECT source, model, input, output, cache_write_5m, cache_write_1h, cache_read, web_search, cost_total, "
    "ts_ms, project FROM requests WHERE session_id=?";

// Adds a session's rows, in rowid order, to its SessionRows.
class RowsBuilder {
 public:
  // One row of k_rows_sql.
  void add(store::Sql& q) {
    add(store::request_source_from(q.text(0)), q.text(1),
        store::TokenCounts{q.int64(2), q.int64(3), q.int64(4), q.int64(5), q.int64(6), q.int64(7)}, q.real(8),
        q.int64(9), q.text(10));
  }
  void add(std::optional<RequestSource> source, std::string_view model, const store::TokenCounts& tokens,
           double cost_total, int64_t ts_ms, std::string_view project) {
    if (source == RequestSource::cost_state || source == RequestSource::claude_json) {
      rows.has_unlogged = true;  // replaced below: neither held nor a place
      return;
    }
    if (!rows.any || ts_ms > rows.last_ms) rows.last_ms = ts_ms;
    rows.any = true;
    if (project > rows.project) rows.project = std::string(project);
    if (source == RequestSource::stats_cache) return;
    if (!m_held || model != m_model) {
      m_model = std::string(model);
      m_held = &rows.held[registry::normalize_model_name(m_model)];
    }
    m_held->tokens += tokens;
    m_held->cost += cost_total;
  }
  SessionRows rows;

 private:
  std::string m_model;  // of the row before: a session's rows are mostly one model
  Held* m_held = nullptr;
};

SessionRows rows_of(store::Sql& q, const std::string& session) {
  q.bind(1, session);
  RowsBuilder b;
  while (q.step()) b.add(q);
  q.reset();
  return std::move(b.rows);
}

// The claim beyond what is held, field by field (never negative).
store::TokenCounts excess(const store::TokenCounts& claimed, const store::TokenCounts& held, bool split_known) {
  auto over = [](int64_t c, int64_t h) { return std::max<int64_t>(0, c - h); };
  store::TokenCounts e;
  e.input = over(claimed.input, held.input);
  e.output = over(claimed.output, held.output);
  e.cache_read = over(claimed.cache_read, held.cache_read);
  e.web_search = over(claimed.web_search, held.web_search);
  if (split_known) {
    e.cache_write_5m = over(claimed.cache_write_5m, held.cache_write_5m);
    e.cache_write_1h = over(claimed.cache_write_1h, held.cache_write_1h);
  } else {
    e.cache_write_5m = over(claimed.cache_creation(), held.cache_creation());
  }
  return e;
}

// Without the split, the 1-hour part of the excess is the count that makes
// the LiteLLM price of the excess equal the claim's cost beyond what is held
// (as ingest/otel.cpp infer_cache_split does for one request).
void infer_excess_split(store::TokenCounts& e, double excess_cost, const registry::ModelPrice& price) {
  const int64_t writes = e.cache_write_5m;
  if (writes == 0) return;
  const auto p = registry::tier_prices(price, registry::PriceTier::standard);
  const double per_1h_extra = p.cache_write_1h.usd - p.cache_write_5m.usd;
  if (per_1h_extra <= 0) return;
  store::TokenCounts all_5m = e;
  const double guess = std::round((excess_cost - store::request_cost(all_5m, price).total()) / per_1h_extra);
  if (guess <= 0 || guess > static_cast<double>(writes)) return;
  store::TokenCounts split = e;
  split.cache_write_1h = static_cast<int64_t>(guess);
  split.cache_write_5m = writes - split.cache_write_1h;
  if (std::fabs(store::request_cost(split, price).total() - excess_cost) > 1e-6) return;
  e = split;
}

struct StoredClaim {
  std::string model;
  ModelClaim claim;
  int64_t ts_ms = 0;
  store::Attribution attribution;
  std::string project;
};

// The claims of a session from its best source: cost-state if any, else .claude.json.
constexpr const char* k_claims_sql =
    "SELECT source, model, input, output, cache_write_5m, cache_write_1h, cache_read, web_search, "
    "split_known, cost_usd, ts_ms, run_id, profile, agent, provider, project, config_dir "
    "FROM session_totals WHERE session_id=? ORDER BY source = ? DESC";

std::vector<StoredClaim> claims_of(store::Sql& q, const std::string& session, RequestSource& source) {
  q.bind(1, session).bind(2, store::to_string(RequestSource::cost_state));
  std::vector<StoredClaim> out;
  std::string first_source;
  while (q.step()) {
    const std::string src(q.text(0));
    if (first_source.empty()) first_source = src;
    if (src != first_source) break;
    StoredClaim c;
    c.model = std::string(q.text(1));
    c.claim.tokens = {q.int64(2), q.int64(3), q.int64(4), q.int64(5), q.int64(6), q.int64(7)};
    c.claim.split_known = q.int64(8) != 0;
    if (!q.is_null(9)) c.claim.cost_usd = q.real(9);
    c.ts_ms = q.int64(10);
    c.attribution.run_id = std::string(q.text(11));
    c.attribution.profile = std::string(q.text(12));
    c.attribution.agent = std::string(q.text(13));
    c.attribution.provider = std::string(q.text(14));
    c.project = std::string(q.text(15));
    c.attribution.config_dir = std::string(q.text(16));
    out.push_back(std::move(c));
  }
  q.reset();
  source = store::request_source_from(first_source).value_or(RequestSource::cost_state);
  return out;
}

void remove_unlogged(store::Sql& q, const std::string& session) {
  q.bind(1, session)
      .bind(2, store::to_string(RequestSource::cost_state))
      .bind(3, store::to_string(RequestSource::claude_json));
  q.exec();
  q.reset();
}

// The statements reconciling reads and writes with, prepared once for all
// the sessions of an import (preparing them per session cost more than
// running them).
struct Statements {
  explicit Statements(SQLite::Database& db)
      : claims(db, k_claims_sql),
        rows(db, k_rows_sql),
        remove(db, "DELETE FROM requests WHERE session_id=? AND source IN (?, ?)") {}
  store::Sql claims, rows, remove;
};

// Writes the session's unlogged rows; true when there was anything beyond the requests.
// `prefetched`: the session's rows as a bulk load summed them, else read here.
bool reconcile_session(Statements& sql, store::RequestWriter& writer, const std::string& session,
                       const registry::PricingTable& prices, const SessionRows* prefetched) {
  RequestSource source = RequestSource::cost_state;
  const auto claims = claims_of(sql.claims, session, source);
  if (claims.empty()) return false;  // never claimed: no unlogged rows either
  const auto rows = prefetched ? *prefetched : rows_of(sql.rows, session);
  if (rows.has_unlogged) remove_unlogged(sql.remove, session);
  const auto& held = rows.held;
  bool wrote = false;
  for (const auto& c : claims) {
    const auto h = held.find(registry::normalize_model_name(c.model));
    const Held none;
    const Held& have = h == held.end() ? none : h->second;
    auto e = excess(c.claim.tokens, have.tokens, c.claim.split_known);
    if (e.total() == 0 && e.web_search == 0) continue;
    if (!c.claim.split_known && c.claim.cost_usd)
      if (const auto match = prices.lookup(c.model); match && match->price)
        infer_excess_split(e, *c.claim.cost_usd - have.cost, *match->price);
    store::RequestUsage r;
    r.key = std::string(store::to_string(source)) + "|" + session + "|" + c.model;
    r.ts_ms = rows.last_ms ? rows.last_ms : c.ts_ms;
    r.session_id = session;
    r.model = c.model;
    r.cwd = c.project.empty() ? rows.project : c.project;
    r.tokens = e;
    store::Attribution a = c.attribution;
    a.source = source;
    writer.write(r, a);
    wrote = true;
  }
  return wrote;
}

}  // namespace

std::optional<SessionClaim> parse_cost_state(std::string_view line) {
  const json j = json::parse(line, nullptr, false);
  if (!j.is_object() || j.value("type", "") != "cost-state") return std::nullopt;
  auto session = j.find("sessionId");
  if (session == j.end() || !session->is_string()) return std::nullopt;
  SessionClaim c;
  c.session_id = session->get<std::string>();
  c.source = RequestSource::cost_state;
  c.models = model_claims(j.value("modelUsage", json::object()));
  return c;
}

fs::path claude_json_for(const fs::path& config_dir) {
  // Claude Code keeps .claude.json inside CLAUDE_CONFIG_DIR, or in $HOME for the default ~/.claude.
  if (const char* home = std::getenv("HOME"); home && *home) {
    std::error_code ec;
    if (fs::equivalent(config_dir, fs::path(home) / ".claude", ec)) return fs::path(home) / ".claude.json";
  }
  return config_dir / ".claude.json";
}

Expected<std::vector<SessionClaim>> read_claude_json_claims(const fs::path& file) {
  std::vector<SessionClaim> out;
  std::error_code ec;
  if (!fs::exists(file, ec)) return out;
  TRY_ASSIGN(const auto text, read_file(file));
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return fail(file.string() + " is not valid JSON; its session totals were not read (Claude Code rewrites it)");
  const auto projects = doc.find("projects");
  if (projects == doc.end() || !projects->is_object()) return out;
  for (const auto& [dir, p] : projects->items()) {
    if (!p.is_object()) continue;
    const auto id = p.find("lastSessionId");
    const auto usage = p.find("lastModelUsage");
    if (id == p.end() || !id->is_string() || usage == p.end()) continue;
    SessionClaim c;
    c.session_id = id->get<std::string>();
    c.source = RequestSource::claude_json;
    c.models = model_claims(*usage);
    if (!c.models.empty()) out.push_back(std::move(c));
  }
  return out;
}

ClaimWriter::ClaimWriter(SQLite::Database& db)
    : m_delete(db, "DELETE FROM session_totals WHERE session_id=? AND source=?"),
      m_insert(db,
               "INSERT INTO session_totals(session_id, model, source, input, output, cache_write_5m, "
               "cache_write_1h, cache_read, web_search, split_known, cost_usd, ts_ms, run_id, profile, agent, "
               "provider, project, config_dir) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)") {}

void ClaimWriter::save(const SessionClaim& claim, const store::Attribution& a) {
  m_delete.bind(1, claim.session_id).bind(2, store::to_string(claim.source));
  m_delete.exec();
  m_delete.reset();
  store::Sql& ins = m_insert;
  for (const auto& [model, m] : claim.models) {
    const auto& t = m.tokens;
    ins.bind(1, claim.session_id).bind(2, model).bind(3, store::to_string(claim.source));
    ins.bind(4, t.input).bind(5, t.output).bind(6, t.cache_write_5m).bind(7, t.cache_write_1h);
    ins.bind(8, t.cache_read).bind(9, t.web_search).bind(10, m.split_known ? 1 : 0);
    if (m.cost_usd)
      ins.bind(11, *m.cost_usd);
    else
      ins.bind_null(11);
    ins.bind(12, claim.ts_ms).bind(13, a.run_id).bind(14, a.profile).bind(15, a.agent).bind(16, a.provider);
    ins.bind(17, std::string_view()).bind(18, a.config_dir);
    ins.exec();
    ins.reset();
  }
}

void save_claim(SQLite::Database& db, const SessionClaim& claim, const store::Attribution& a) {
  ClaimWriter(db).save(claim, a);
}

struct SessionTally::Impl {
  std::map<std::string, RowsBuilder, std::less<>> sessions;
  std::set<std::string, std::less<>> changed;
  RowsBuilder* last = nullptr;  // a file's requests are mostly one session
  std::string last_session;
  size_t max_sessions = SessionTally::k_max_tally_sessions;
  bool full = false;  // sessions past max_sessions were not summed
};

SessionTally::SessionTally(size_t max_sessions) : m_impl(std::make_unique<Impl>()) {
  m_impl->max_sessions = max_sessions;
}
SessionTally::~SessionTally() = default;

void SessionTally::inserted(const store::RequestUsage& r, RequestSource source, double cost_total) {
  Impl& m = *m_impl;
  if (!m.last || r.session_id != m.last_session) {
    m.last_session = r.session_id;
    const auto it = m.sessions.find(r.session_id);
    if (it != m.sessions.end()) {
      m.last = &it->second;
    } else if (m.sessions.size() < m.max_sessions) {
      m.last = &m.sessions[r.session_id];
    } else {
      m.last = nullptr;  // read back through the session index (needs_index())
      m.full = true;
    }
  }
  if (m.last) m.last->add(source, r.model, r.tokens, cost_total, r.ts_ms, r.cwd);  // as RequestWriter stores it
}

void SessionTally::changed(const std::string& session) { m_impl->changed.insert(session); }

bool SessionTally::needs_index() const { return m_impl->full || !m_impl->changed.empty(); }

int64_t reconcile_sessions(SQLite::Database& db, store::RequestWriter& writer, const std::set<std::string>& sessions,
                           const registry::PricingTable& prices, const SessionTally* bulk) {
  int64_t written = 0;
  Statements sql(db);
  // A bulk load's sessions from its tally; those it cannot tell (a stored row
  // changed, or past its bound) through the session index the caller built.
  const SessionRows none;
  for (const auto& s : sessions) {
    const SessionRows* rows = nullptr;  // read through the index
    if (bulk && !bulk->m_impl->changed.count(s)) {
      if (const auto t = bulk->m_impl->sessions.find(s); t != bulk->m_impl->sessions.end())
        rows = &t->second.rows;
      else if (!bulk->m_impl->full)
        rows = &none;  // every row is the load's: it stored none of this session
    }
    if (reconcile_session(sql, writer, s, prices, rows)) ++written;
  }
  return written;
}

}  // namespace clown::ingest
