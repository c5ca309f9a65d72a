#include <catch2/catch.hpp>

#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::store;

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
  // Only the time index (schema 3); dedup_key has its own UNIQUE autoindex.
  CHECK(db.execAndGet("SELECT group_concat(name) FROM sqlite_master WHERE type='index' AND name LIKE 'requests_%'")
            .getString() == "requests_ts");
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
  CHECK(db.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE type='index' AND name LIKE 'requests_%'").getInt() ==
        1);
  CHECK(db.execAndGet("SELECT input || '/' || config_dir || '/' FROM requests WHERE dedup_key='k'").getString() ==
        "5//");
  CHECK(db.tableExists("stats_cache_files"));
}
