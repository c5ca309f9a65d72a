#include "store/store.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <system_error>
#include <thread>

#include "store/db_errors.hpp"

#include "store/machine_id.hpp"
#include "store/views_sql.hpp"

namespace clown::store {

namespace {

// SQLite keeps memory statistics by default, behind a process-wide mutex
// taken on every allocation it makes (a few per statement step): 3 % of a
// cold import's writer thread. clown reads none of them (no
// sqlite3_status, no soft heap limit). Must run before SQLite is
// initialized, hence at static initialization; later it would fail
// harmlessly with SQLITE_MISUSE.
[[maybe_unused]] const int k_memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
// CREATE INDEX sorts in memory up to the page cache's size but at least
// SQLITE_CONFIG_PMASZ pages (250 by default): 16 MiB with 64 KiB pages,
// above the import's 4 MiB bound (ingest/importer.cpp). 64 pages = 4 MiB.
[[maybe_unused]] const int k_sort_floor = sqlite3_config(SQLITE_CONFIG_PMASZ, 64u);

// The indexes queries use today: time ranges (reports, export; with the
// profile and cost, a profile's spend since a time is summed from the index
// alone: the statusline and the budget gate) and one session's requests
// (reconciling a session with the agent's own totals, the session report).
// Lookups by dedup_key use its UNIQUE index. Every extra index costs each
// insert and the rebuild after a bulk import (schema 3 dropped three unused
// ones: -40% of the index build on a 150k-request import; schema 11 folded
// the time index and the profile's covering one into one).
#define CLOWN_REQUESTS_SESSION_INDEX "CREATE INDEX IF NOT EXISTS requests_session ON requests(session_id);\n"
#define CLOWN_REQUESTS_TIME_INDEX \
  "CREATE INDEX IF NOT EXISTS requests_ts_profile_cost ON requests(ts_ms, profile, cost_total);\n"
#define CLOWN_REQUEST_INDEXES CLOWN_REQUESTS_TIME_INDEX CLOWN_REQUESTS_SESSION_INDEX

// Migration i (1-based) brings a database at version i-1 to version i. Append
// new steps at the end; never edit a step that has shipped.
const char* const k_migrations[] = {
    // 1: the documented schema (store.hpp).
    R"sql(
CREATE TABLE IF NOT EXISTS requests(
  id INTEGER PRIMARY KEY,
  dedup_key TEXT UNIQUE NOT NULL,
  ts_ms INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  profile TEXT NOT NULL,
  agent TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  project TEXT NOT NULL,
  sidechain INTEGER NOT NULL,
  input INTEGER, output INTEGER, cache_write_5m INTEGER, cache_write_1h INTEGER,
  cache_read INTEGER, web_search INTEGER,
  cost_input REAL, cost_output REAL, cost_cache_write REAL, cost_cache_read REAL,
  cost_web_search REAL, cost_total REAL,
  priced INTEGER NOT NULL,
  price_key TEXT NOT NULL,
  source TEXT NOT NULL);
)sql"
    // Schema 1's indexes as shipped (schema 3 drops all but requests_ts).
    R"sql(
CREATE INDEX IF NOT EXISTS requests_ts ON requests(ts_ms);
CREATE INDEX IF NOT EXISTS requests_profile_ts ON requests(profile, ts_ms);
CREATE INDEX IF NOT EXISTS requests_model_ts ON requests(model, ts_ms);
CREATE INDEX IF NOT EXISTS requests_session ON requests(session_id);
CREATE TABLE IF NOT EXISTS runs(
  run_id TEXT PRIMARY KEY,
  profile TEXT, agent TEXT, provider TEXT, model TEXT, cwd TEXT,
  started_ms INTEGER, ended_ms INTEGER, duration_secs REAL, exit_code INTEGER);
CREATE TABLE IF NOT EXISTS import_files(
  path TEXT PRIMARY KEY,
  dev INTEGER, ino INTEGER, size INTEGER, offset INTEGER, mtime_ns INTEGER, profile TEXT);
CREATE TABLE IF NOT EXISTS stats_cache(
  config_dir TEXT, model TEXT,
  input INTEGER, output INTEGER, cache_read INTEGER, cache_creation INTEGER,
  PRIMARY KEY(config_dir, model));
)sql",
    // 2: the Claude config dir a request was read from, so stats-cache.json's
    // all-time totals can be compared with what clown holds for that dir.
    R"sql(
ALTER TABLE requests ADD COLUMN config_dir TEXT NOT NULL DEFAULT '';
CREATE TABLE IF NOT EXISTS stats_cache_files(
  config_dir TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER);
)sql",
    // 3: drop indexes no query uses (reports read per-quarter-hour rollups).
    R"sql(
DROP INDEX IF EXISTS requests_profile_ts;
DROP INDEX IF EXISTS requests_model_ts;
DROP INDEX IF EXISTS requests_session;
CREATE INDEX IF NOT EXISTS requests_ts ON requests(ts_ms);
)sql",
    // 4: one row per API request whichever source saw it first. A request's
    // identity is the API's request id when known ('req:<id>'), else the
    // message id ('msg:<id>'), so a transcript line and an OpenTelemetry
    // event of the same request are one row (docs/accuracy.md#dedup). Rows of
    // schema 3 ('<message id>|<request id>') are rekeyed; a collision (never
    // seen: one request id, two messages) keeps the old key. Plus what OTel
    // knows and transcripts don't (query_source), the subagent a sidechain
    // request belongs to, the subagents' own descriptions, and the agent's own
    // per-session totals that imports reconcile with (ingest/session_claims).
    R"sql(
ALTER TABLE requests ADD COLUMN query_source TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN subagent TEXT NOT NULL DEFAULT '';
UPDATE OR IGNORE requests SET dedup_key = 'req:' || substr(dedup_key, instr(dedup_key, '|') + 1)
  WHERE source IN ('run', 'import') AND instr(dedup_key, '|') > 0
    AND substr(dedup_key, instr(dedup_key, '|') + 1) != '';
UPDATE OR IGNORE requests SET dedup_key = 'msg:' || substr(dedup_key, 1, length(dedup_key) - 1)
  WHERE source IN ('run', 'import') AND dedup_key LIKE '%|' AND dedup_key NOT LIKE 'nomsg:%';
UPDATE OR IGNORE requests SET dedup_key = substr(dedup_key, 1, length(dedup_key) - 1)
  WHERE source IN ('run', 'import') AND dedup_key LIKE 'nomsg:%|';
CREATE TABLE IF NOT EXISTS subagents(
  session_id TEXT NOT NULL, agent_id TEXT NOT NULL,
  agent_type TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(session_id, agent_id));
CREATE TABLE IF NOT EXISTS session_totals(
  session_id TEXT NOT NULL, model TEXT NOT NULL, source TEXT NOT NULL,
  input INTEGER NOT NULL, output INTEGER NOT NULL, cache_write_5m INTEGER NOT NULL,
  cache_write_1h INTEGER NOT NULL, cache_read INTEGER NOT NULL, web_search INTEGER NOT NULL,
  split_known INTEGER NOT NULL, cost_usd REAL, ts_ms INTEGER NOT NULL,
  run_id TEXT NOT NULL, profile TEXT NOT NULL, agent TEXT NOT NULL, provider TEXT NOT NULL,
  project TEXT NOT NULL, config_dir TEXT NOT NULL,
  PRIMARY KEY(session_id, model, source));
CREATE INDEX IF NOT EXISTS requests_session ON requests(session_id);
)sql",
    // 5: import cursors for agents that keep their usage in a database
    // (opencode's opencode.db): the latest row time read, per database file.
    R"sql(
CREATE TABLE IF NOT EXISTS import_databases(
  path TEXT PRIMARY KEY, last_ms INTEGER NOT NULL, profile TEXT NOT NULL DEFAULT '');
)sql",
    // 6: the machine a request was counted on (docs/file-formats.md#machine-id;
    // '' = this machine, for rows stored before) and the stable views users
    // query (docs/schema.md#views). Later migrations keep the views' columns
    // (tests/store/test_views.cpp pins them).
    k_machine_and_views_migration,
    // 7: plan quota snapshots (Claude Code's statusLine rate_limits), one row
    // per profile, window, reset time and percentage (store/rate_limits_table.hpp).
    R"sql(
CREATE TABLE IF NOT EXISTS rate_limits(
  profile TEXT NOT NULL, window TEXT NOT NULL, resets_at_ms INTEGER NOT NULL,
  used_percent REAL NOT NULL, first_seen_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL,
  session_id TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(profile, window, resets_at_ms, used_percent));
)sql",
    // 8: OpenTelemetry metric points (claude_code.* sums), one row per point
    // (store/otel_metrics_table.hpp); temporality 0 gauge, 1 delta, 2 cumulative.
    R"sql(
CREATE TABLE IF NOT EXISTS otel_metrics(
  name TEXT NOT NULL, unit TEXT NOT NULL DEFAULT '', type TEXT NOT NULL DEFAULT '',
  labels TEXT NOT NULL DEFAULT '{}', session_id TEXT NOT NULL DEFAULT '', run_id TEXT NOT NULL DEFAULT '',
  profile TEXT NOT NULL DEFAULT '', temporality INTEGER NOT NULL, start_ns INTEGER NOT NULL,
  time_ns INTEGER NOT NULL, ts_ms INTEGER NOT NULL, value REAL NOT NULL,
  UNIQUE(name, labels, session_id, profile, start_ns, time_ns));
CREATE INDEX IF NOT EXISTS otel_metrics_ts ON otel_metrics(ts_ms);
)sql",
    // 9: a covering index for the statusline's bounded sums (reports/statusline.cpp):
    // a profile's spend since a time is read from the index alone, never the table.
    "CREATE INDEX IF NOT EXISTS requests_profile_ts_cost ON requests(profile, ts_ms, cost_total);\n",
    // 10: who made a request or metric point another machine sent to a central
    // clownd (webui/team_listener.hpp); '' = unknown or this machine's own.
    // Metric points also get their machine ('' = this machine).
    R"sql(
ALTER TABLE requests ADD COLUMN user TEXT NOT NULL DEFAULT '';
ALTER TABLE otel_metrics ADD COLUMN machine TEXT NOT NULL DEFAULT '';
ALTER TABLE otel_metrics ADD COLUMN user TEXT NOT NULL DEFAULT '';
)sql",
    // 11: one time index instead of two: (ts_ms, profile, cost_total) serves
    // the time ranges requests_ts did and, covering, the profile sums of
    // requests_profile_ts_cost (their ranges are short: today, a 5-hour
    // block, a month). A bulk import builds one index less (docs/accuracy.md#bulk-load).
    R"sql(
DROP INDEX IF EXISTS requests_ts;
DROP INDEX IF EXISTS requests_profile_ts_cost;
)sql" CLOWN_REQUESTS_TIME_INDEX,
    // 12: v_requests ends with `user` (schema 10's requests.user: who sent a
    // request to a central clownd), so SQL over the stable views can tell
    // teammates apart (docs/schema.md#views).
    k_requests_view_user_migration,
};

static_assert(sizeof(k_migrations) / sizeof(k_migrations[0]) == k_schema_version, "one migration per schema version");

int read_version(SQLite::Database& db) {
  if (!db.tableExists("schema_version")) return 0;
  SQLite::Statement q(db, "SELECT MAX(version) FROM schema_version");
  if (!q.executeStep() || q.getColumn(0).isNull()) return 0;
  return q.getColumn(0).getInt();
}

Expected<void> migrate(SQLite::Database& db, const std::string& where) {
  // Up to date (the common case): no write lock needed.
  if (read_version(db) == k_schema_version) return {};
  // Two processes may open a fresh database at once; BEGIN IMMEDIATE takes the
  // write lock first so only one of them runs each migration.
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER)");
    int version = read_version(db);
    if (version > k_schema_version) {
      db.exec("ROLLBACK");
      return fail(where + " was written by a newer clown (schema " + std::to_string(version) + " > " +
                  std::to_string(k_schema_version) + "); upgrade clown");
    }
    for (int v = version; v < k_schema_version; ++v) db.exec(k_migrations[v]);
    if (version < k_schema_version) {
      db.exec("DELETE FROM schema_version");
      db.exec("INSERT INTO schema_version(version) VALUES(" + std::to_string(k_schema_version) + ")");
    }
    db.exec("COMMIT");
  } catch (...) {
    try {
      db.exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
  return {};
}

}  // namespace

int busy_timeout_ms() {
  static const int ms = [] {
    const char* v = std::getenv("CLOWN_DB_BUSY_TIMEOUT_MS");
    const long n = v && *v ? std::strtol(v, nullptr, 10) : 0;
    return n > 0 && n <= 600000 ? static_cast<int>(n) : 5000;
  }();
  return ms;
}

namespace {

// WAL is a property of the file, set once by its first opener. Switching a
// fresh file needs its exclusive lock, and SQLite answers SQLITE_BUSY at once
// (without the busy handler) while another process is opening the same fresh
// file: retry until the busy timeout instead of failing in a few ms.
void use_wal(SQLite::Database& db) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms());
  for (int attempt = 0;; ++attempt) {
    try {
      if (db.execAndGet("PRAGMA journal_mode").getString() != "wal") db.exec("PRAGMA journal_mode=WAL");
      return;
    } catch (const SQLite::Exception& e) {
      if ((e.getErrorCode() & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1 << std::min(attempt, 6), 50)));
    }
  }
}

}  // namespace

void drop_request_indexes(SQLite::Database& db) {
  db.exec(
      "DROP INDEX IF EXISTS requests_ts; DROP INDEX IF EXISTS requests_profile_ts; "
      "DROP INDEX IF EXISTS requests_model_ts; DROP INDEX IF EXISTS requests_session; "
      "DROP INDEX IF EXISTS requests_profile_ts_cost; DROP INDEX IF EXISTS requests_ts_profile_cost;");
}

int64_t data_version(SQLite::Database& db) { return db.execAndGet("PRAGMA data_version").getInt64(); }

void ensure_request_indexes(SQLite::Database& db) {
  const int present = db.execAndGet(
                            "SELECT count(*) FROM sqlite_master WHERE type='index' AND name IN "
                            "('requests_ts_profile_cost', 'requests_session')")
                          .getInt();
  if (present == 2) return;
  if (!sqlite3_get_autocommit(db.getHandle())) {  // inside the caller's transaction
    create_request_indexes(db);
    return;
  }
  SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
  create_request_indexes(db);
  tx.commit();
}

void create_session_index(SQLite::Database& db) { db.exec(CLOWN_REQUESTS_SESSION_INDEX); }

void create_request_indexes(SQLite::Database& db) { db.exec(CLOWN_REQUEST_INDEXES); }

namespace {

// clown_machine_id(): this machine's id (store/machine_id.hpp), which
// RequestTable stamps on the requests this connection stores.
void register_machine_id(SQLite::Database& db, const std::string& id) {
  auto* copy = new std::string(id);
  const int rc = sqlite3_create_function_v2(
      db.getHandle(), k_machine_id_function, 0, SQLITE_UTF8 | SQLITE_DETERMINISTIC, copy,
      [](sqlite3_context* ctx, int, sqlite3_value**) {
        const auto* text = static_cast<const std::string*>(sqlite3_user_data(ctx));
        sqlite3_result_text(ctx, text->data(), static_cast<int>(text->size()), SQLITE_STATIC);
      },
      nullptr, nullptr, [](void* p) { delete static_cast<std::string*>(p); });
  if (rc != SQLITE_OK) throw SQLite::Exception(db.getHandle(), rc);
}

Expected<std::unique_ptr<SQLite::Database>> open_rw(const Paths& paths, int extra_flags) {
  const auto file = paths.usage_db();
  TRY(ensure_dir(file.parent_path(), 0700));
  const auto machine = machine_id(paths);
  if (!machine) return tl::unexpected(machine.error());
  try {
    auto db = std::make_unique<SQLite::Database>(
        file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | extra_flags, busy_timeout_ms());
    // 64 KiB pages (SQLite's largest): a bulk import writes a sixteenth of the
    // pages (and WAL frames) 4 KiB pages would need, and a cold import of the
    // bench corpus took 0.77 s instead of 0.81 s with 16 KiB (medians of 9
    // interleaved rounds of two builds differing only here, README
    // "Performance"); reports, the statusline and warm imports measured the
    // same. Only takes effect on a new, empty file (an existing store
    // keeps its size), and must come before WAL is switched on.
    db->exec("PRAGMA page_size=65536");
    use_wal(*db);
    // WAL + NORMAL is durable across application crashes (only a power loss
    // may drop the last transactions), and much faster than FULL for imports.
    db->exec("PRAGMA synchronous=NORMAL");
    auto migrated = migrate(*db, file.string());
    if (!migrated) return tl::unexpected(migrated.error());
    ensure_request_indexes(*db);
    register_machine_id(*db, *machine);
    return db;
  } catch (const std::exception& e) {
    return fail("cannot open usage database " + file.string() + ": " + e.what() + db_failure_advice(paths, e));
  }
}

}  // namespace

Expected<std::unique_ptr<Store>> Store::open(const Paths& paths) {
  auto db = open_rw(paths, 0);
  if (!db) return tl::unexpected(db.error());
  return std::unique_ptr<Store>(new Store(std::move(*db)));
}

Expected<std::unique_ptr<Store>> Store::open_single_thread(const Paths& paths) {
  auto db = open_rw(paths, SQLite::OPEN_NOMUTEX);
  if (!db) return tl::unexpected(db.error());
  return std::unique_ptr<Store>(new Store(std::move(*db)));
}

Expected<std::unique_ptr<Store>> Store::open_readonly(const Paths& paths) {
  const auto file = paths.usage_db();
  std::error_code ec;
  try {
    if (!std::filesystem::exists(file, ec)) {
      // No database yet: an empty in-memory store with the schema, so reports
      // show zeros instead of failing.
      auto db = std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      auto migrated = migrate(*db, "in-memory store");
      if (!migrated) return tl::unexpected(migrated.error());
      return std::unique_ptr<Store>(new Store(std::move(db)));
    }
    {
      // One thread per connection (each report opens its own): no SQLite
      // mutex around every column read, which costs a heavy report ~10 %.
      auto db = std::make_unique<SQLite::Database>(file.string(), SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX,
                                                   busy_timeout_ms());
      int version = read_version(*db);
      if (version == k_schema_version) return std::unique_ptr<Store>(new Store(std::move(db)));
    }
    // An older schema: migrate once with a writable handle, then reopen.
    auto rw = open(paths);
    if (!rw) return tl::unexpected(rw.error());
    rw->reset();
    auto db = std::make_unique<SQLite::Database>(file.string(), SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX,
                                                 busy_timeout_ms());
    return std::unique_ptr<Store>(new Store(std::move(db)));
  } catch (const std::exception& e) {
    return fail("cannot read usage database " + file.string() + ": " + e.what() + db_failure_advice(paths, e));
  }
}

}  // namespace clown::store
