#include <catch2/catch.hpp>

#include "telemetry/store.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::telemetry;

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
  CHECK(db.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE type='index' AND name LIKE 'requests_%'").getInt() ==
        4);
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
