#include <catch2/catch.hpp>

#include "store/requests_table.hpp"
#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::store;

namespace {
// The requests table's own indexes, by name.
std::string index_names(SQLite::Database& db) {
  return db
      .execAndGet(
          "SELECT ifnull(group_concat(name), '') FROM (SELECT name FROM sqlite_master WHERE type='index' "
          "AND name LIKE 'requests_%' ORDER BY name)")
      .getString();
}
}  // namespace

TEST_CASE("store: open creates the directory, WAL and the schema", "[store]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto store = Store::open(paths);
  REQUIRE(store);
  auto& db = (*store)->db();
  CHECK(fs::exists(paths.usage_db()));
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(db.execAndGet("SELECT version FROM schema_version").getInt() == k_schema_version);
  for (const char* t : {"requests", "runs", "import_files", "stats_cache"}) CHECK(db.tableExists(t));
  // The time index (covering a profile's spend since a time) and the
  // session index; dedup_key has its own UNIQUE autoindex.
  CHECK(index_names(db) == "requests_session,requests_ts_profile_cost");
}

TEST_CASE("store: a store left without its request indexes gets them back from the next writer", "[store]") {
  // A cold import commits its rows, then builds the indexes in a second
  // transaction (docs/accuracy.md#bulk-load): killed in between, they are missing.
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  {
    auto store = Store::open(paths);
    REQUIRE(store);
    drop_request_indexes((*store)->db());
    CHECK(index_names((*store)->db()).empty());
  }
  {
    auto reader = Store::open_readonly(paths);  // readers build nothing
    REQUIRE(reader);
    CHECK(index_names((*reader)->db()).empty());
  }
  auto store = Store::open(paths);
  REQUIRE(store);
  CHECK(index_names((*store)->db()) == "requests_session,requests_ts_profile_cost");
}

TEST_CASE("store: reopening keeps rows and one version row", "[store]") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  {
    auto store = Store::open(paths);
    REQUIRE(store);
    (*store)->db().exec("INSERT INTO runs(run_id, profile) VALUES('r1', 'p')");
  }
  auto store = Store::open(paths);
  REQUIRE(store);
  CHECK((*store)->db().execAndGet("SELECT COUNT(*) FROM schema_version").getInt() == 1);
  CHECK((*store)->db().execAndGet("SELECT profile FROM runs WHERE run_id='r1'").getString() == "p");
}

TEST_CASE("store: a database from a newer clown is refused", "[store]") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  {
    auto store = Store::open(paths);
    REQUIRE(store);
    (*store)->db().exec("UPDATE schema_version SET version = 99");
  }
  auto store = Store::open(paths);
  REQUIRE(!store);
  CHECK(store.error().message.find("newer clown") != std::string::npos);
}

TEST_CASE("store: version-0 database (tables missing) is migrated", "[store]") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  fs::create_directories(paths.telemetry_dir());
  {
    SQLite::Database db(paths.usage_db().string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE unrelated(x)");
  }
  auto ro = Store::open_readonly(paths);
  REQUIRE(ro);
  CHECK((*ro)->db().execAndGet("SELECT COUNT(*) FROM requests").getInt() == 0);
  CHECK((*ro)->db().execAndGet("SELECT version FROM schema_version").getInt() == k_schema_version);
}

TEST_CASE("store: open_readonly on a missing database is an empty store and creates nothing", "[store]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "nothing"};
  auto store = Store::open_readonly(paths);
  REQUIRE(store);
  CHECK((*store)->db().execAndGet("SELECT COUNT(*) FROM requests").getInt() == 0);
  CHECK(!fs::exists(paths.root));
}

TEST_CASE("store: open_readonly cannot write", "[store]") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  REQUIRE(Store::open(paths));
  auto store = Store::open_readonly(paths);
  REQUIRE(store);
  CHECK_THROWS((*store)->db().exec("INSERT INTO runs(run_id) VALUES('x')"));
}

TEST_CASE("store: a version-1 database is migrated to the current schema keeping its rows", "[store]") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  fs::create_directories(paths.telemetry_dir());
  {
    SQLite::Database db(paths.usage_db().string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(R"sql(
CREATE TABLE requests(id INTEGER PRIMARY KEY, dedup_key TEXT UNIQUE NOT NULL, ts_ms INTEGER NOT NULL,
  session_id TEXT NOT NULL, run_id TEXT NOT NULL, profile TEXT NOT NULL, agent TEXT NOT NULL,
  provider TEXT NOT NULL, model TEXT NOT NULL, project TEXT NOT NULL, sidechain INTEGER NOT NULL,
  input INTEGER, output INTEGER, cache_write_5m INTEGER, cache_write_1h INTEGER, cache_read INTEGER,
  web_search INTEGER, cost_input REAL, cost_output REAL, cost_cache_write REAL, cost_cache_read REAL,
  cost_web_search REAL, cost_total REAL, priced INTEGER NOT NULL, price_key TEXT NOT NULL, source TEXT NOT NULL);
CREATE TABLE runs(run_id TEXT PRIMARY KEY, profile, agent, provider, model, cwd, started_ms INTEGER,
  ended_ms INTEGER, duration_secs REAL, exit_code INTEGER);
CREATE TABLE import_files(path TEXT PRIMARY KEY, dev INTEGER, ino INTEGER, size INTEGER, offset INTEGER,
  mtime_ns INTEGER, profile TEXT);
CREATE TABLE stats_cache(config_dir TEXT, model TEXT, input INTEGER, output INTEGER, cache_read INTEGER,
  cache_creation INTEGER, PRIMARY KEY(config_dir, model));
CREATE TABLE schema_version(version INTEGER);
INSERT INTO schema_version VALUES(1);
INSERT INTO requests(dedup_key, ts_ms, session_id, run_id, profile, agent, provider, model, project, sidechain,
  input, output, priced, price_key, source) VALUES('k', 1, 's', '', 'claude-native', 'claude', '', 'm', '', 0,
  5, 6, 0, '', 'import');
)sql");
  }
  auto store = Store::open(paths);
  REQUIRE(store);
  auto& db = (*store)->db();
  CHECK(db.execAndGet("SELECT version FROM schema_version").getInt() == k_schema_version);
  // Schema 11 replaced schema 1's time index and schema 9's covering one.
  CHECK(index_names(db) == "requests_session,requests_ts_profile_cost");
  CHECK(db.execAndGet("SELECT input || '/' || config_dir || '/' FROM requests WHERE dedup_key='k'").getString() ==
        "5//");
  CHECK(db.tableExists("stats_cache_files"));
}

TEST_CASE("store: schema 4 rekeys schema-3 requests by request id, else message id", "[store]") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  {
    auto store = Store::open(paths);
    REQUIRE(store);
    auto& db = (*store)->db();
    // Back to schema 3's keys and columns, as a store written by the previous release.
    db.exec("DELETE FROM schema_version; INSERT INTO schema_version VALUES(3)");
    // (and without what later schemas added: the views, requests.machine)
    db.exec("DROP VIEW v_requests; DROP VIEW v_daily; DROP VIEW v_sessions; DROP VIEW v_runs;");
    db.exec("ALTER TABLE requests DROP COLUMN machine; ALTER TABLE requests DROP COLUMN user;");
    db.exec("DROP TABLE otel_metrics;");
    db.exec("ALTER TABLE requests DROP COLUMN query_source; ALTER TABLE requests DROP COLUMN subagent;");
    db.exec("DROP TABLE subagents");
    auto add = [&](const char* key, const char* source) {
      SQLite::Statement q(db,
                          "INSERT INTO requests(dedup_key, ts_ms, session_id, run_id, profile, agent, provider, model, "
                          "project, sidechain, input, output, priced, price_key, source) "
                          "VALUES(?, 1, 's', '', 'p', 'claude', '', 'm', '', 0, 1, 1, 0, '', ?)");
      q.bind(1, key);
      q.bind(2, source);
      q.exec();
    };
    add("msg_a|req_a", "import");
    add("msg_b|", "run");
    add("nomsg:s:5|", "import");
    add("nomsg:s:6|req_c", "import");
    add("stats-cache|/d|m", "stats-cache");
    // One request id on two messages (never seen): the second keeps its old key.
    add("msg_d|req_d", "import");
    add("msg_e|req_d", "import");
  }
  auto store = Store::open(paths);
  REQUIRE(store);
  std::vector<std::string> keys;
  SQLite::Statement q((*store)->db(), "SELECT dedup_key FROM requests ORDER BY id");
  while (q.executeStep()) keys.push_back(q.getColumn(0).getString());
  CHECK(keys == std::vector<std::string>{"req:req_a", "msg:msg_b", "nomsg:s:5", "req:req_c", "stats-cache|/d|m",
                                         "req:req_d", "msg_e|req_d"});
  CHECK((*store)->db().tableExists("subagents"));
}

namespace {

RequestRecord record(std::string_view key, RequestSource source, TokenCounts tokens, int64_t ts = 1000) {
  RequestRecord r;
  r.dedup_key = key;
  r.ts_ms = ts;
  r.session_id = "s";
  r.model = "claude-sonnet-4-5";
  r.tokens = tokens;
  r.source = source;
  return r;
}

std::string text_of(SQLite::Database& db, const std::string& sql) { return db.execAndGet(sql).getString(); }

}  // namespace

TEST_CASE("store: one row per request whichever source stores it first - each fills what it knows", "[store]") {
  test::TempDir tmp;
  auto store = Store::open(Paths{tmp.path()});
  REQUIRE(store);
  auto& db = (*store)->db();
  RequestTable table(db);
  using O = RequestTable::Outcome;

  SECTION("OTel first, then the transcript line") {
    auto otel = record("req:r1", RequestSource::otel, {10, 20, 0, 0, 0, 0});
    otel.query_source = "generate_session_title";
    CHECK(table.upsert(otel) == O::inserted);
    auto line = record("req:r1", RequestSource::import, {10, 20, 0, 0, 0, 0});
    line.project = "/w";
    line.sidechain = true;
    line.subagent = "a1";
    CHECK(table.upsert(line) == O::merged);
    CHECK(table.upsert(line) == O::duplicate);
    CHECK(text_of(db,
                  "SELECT source || ' ' || project || ' ' || query_source || ' ' || subagent || ' ' || sidechain "
                  "FROM requests") == "otel /w generate_session_title a1 1");
  }
  SECTION("the transcript first, then OTel") {
    auto line = record("req:r1", RequestSource::run, {10, 20, 0, 0, 0, 0});
    line.project = "/w";
    CHECK(table.upsert(line) == O::inserted);
    auto otel = record("req:r1", RequestSource::otel, {10, 20, 0, 0, 0, 0});
    otel.query_source = "repl_main_thread";
    otel.project = "/elsewhere";
    CHECK(table.upsert(otel) == O::merged);
    CHECK(text_of(db, "SELECT source || ' ' || project || ' ' || query_source FROM requests") ==
          "run /w repl_main_thread");
  }
  SECTION("a copy with more tokens raises counts and cost; fewer tokens change nothing") {
    auto small = record("req:r1", RequestSource::import, {10, 1, 0, 0, 0, 0});
    small.cost = {1, 1, 0, 0, 0};
    CHECK(table.upsert(small) == O::inserted);
    auto big = record("req:r1", RequestSource::otel, {10, 50, 0, 0, 0, 0});
    big.cost = {1, 5, 0, 0, 0};
    CHECK(table.upsert(big) == O::merged);
    CHECK(table.upsert(small) == O::duplicate);
    CHECK(text_of(db, "SELECT output || ' ' || cost_total || ' ' || source FROM requests") == "50 6.0 import");
  }
  SECTION("without request ids a transcript line and an OTel event are matched by content") {
    auto line = record("msg:m1", RequestSource::import, {7, 8, 9, 0, 11, 0}, 50'000);
    line.project = "/w";
    auto otel = record("otel:s:p:1", RequestSource::otel, {7, 8, 9, 0, 11, 0}, 52'000);
    otel.query_source = "sdk";
    CHECK(table.find_twin(otel, 5000).empty());
    CHECK(table.upsert(line) == O::inserted);
    CHECK(table.find_twin(otel, 5000) == "msg:m1");
    CHECK(table.find_twin(otel, 1000).empty());  // outside the slack
    auto other = otel;
    other.tokens.output = 9;  // not the same request
    CHECK(table.find_twin(other, 5000).empty());
    // A line does not pair with another line.
    auto second_line = line;
    second_line.dedup_key = "msg:m2";
    CHECK(table.find_twin(second_line, 5000).empty());
  }
}

TEST_CASE("store: schema 10 adds requests.user and otel_metrics.machine/user, '' for what was stored before",
          "[store]") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  {
    auto store = Store::open(paths);
    REQUIRE(store);
    auto& db = (*store)->db();
    // Back to schema 9, as a store written by the previous release (its
    // v_requests had no user; schema 12 recreates the view).
    db.exec("DELETE FROM schema_version; INSERT INTO schema_version VALUES(9)");
    db.exec("DROP VIEW v_requests; ALTER TABLE requests DROP COLUMN user;");
    db.exec("ALTER TABLE otel_metrics DROP COLUMN machine; ALTER TABLE otel_metrics DROP COLUMN user;");
    db.exec(
        "INSERT INTO requests(dedup_key, ts_ms, session_id, run_id, profile, agent, provider, model, project, "
        "sidechain, input, output, priced, price_key, source) VALUES('k', 1, 's', '', 'p', 'claude', '', 'm', '', 0, "
        "1, 1, 0, '', 'otel')");
    db.exec(
        "INSERT INTO otel_metrics(name, temporality, start_ns, time_ns, ts_ms, value) VALUES('n', 1, 0, 5, 0, 2.5)");
  }
  auto store = Store::open(paths);
  REQUIRE(store);
  auto& db = (*store)->db();
  CHECK(db.execAndGet("SELECT version FROM schema_version").getInt() == k_schema_version);
  CHECK(db.execAndGet("SELECT '[' || user || ']' FROM requests WHERE dedup_key='k'").getString() == "[]");
  CHECK(db.execAndGet("SELECT '[' || user || ']' FROM v_requests WHERE dedup_key='k'").getString() == "[]");
  CHECK(db.execAndGet("SELECT '[' || machine || '|' || user || ']' FROM otel_metrics").getString() == "[|]");
}
