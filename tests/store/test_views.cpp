// The stable views (docs/schema.md#views): their columns are an interface.
// A store written by an older clown, migrated forward, has exactly these
// columns; a later migration that changed one fails here.
#include <catch2/catch.hpp>

#include "common/file_io.hpp"
#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::store;

namespace {

// The documented columns of each view, in order (docs/schema.md#views).
const std::vector<std::pair<std::string, std::vector<std::string>>>& documented_views() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> views = {
      {"v_requests",
       {"time",
        "ts_ms",
        "date_utc",
        "profile",
        "agent",
        "provider",
        "model",
        "project",
        "session_id",
        "run_id",
        "sidechain",
        "subagent",
        "input_tokens",
        "output_tokens",
        "cache_write_tokens",
        "cache_read_tokens",
        "total_tokens",
        "web_searches",
        "cost_usd",
        "priced",
        "source",
        "query_source",
        "machine",
        "dedup_key",
        "user"}},
      {"v_daily",
       {"date_utc", "profile", "agent", "provider", "model", "machine", "requests", "sessions", "input_tokens",
        "output_tokens", "cache_write_tokens", "cache_read_tokens", "total_tokens", "cost_usd", "unpriced_requests"}},
      {"v_sessions",
       {"session_id", "profile", "agent", "project", "machine", "first_time", "last_time", "first_ms", "last_ms",
        "requests", "models", "input_tokens", "output_tokens", "cache_write_tokens", "cache_read_tokens",
        "total_tokens", "cost_usd"}},
      {"v_runs",
       {"run_id", "profile", "agent", "provider", "model", "cwd", "started_time", "started_ms", "ended_ms",
        "duration_secs", "exit_code", "requests", "total_tokens", "cost_usd"}},
  };
  return views;
}

std::vector<std::string> columns_of(SQLite::Database& db, const std::string& view) {
  std::vector<std::string> out;
  SQLite::Statement q(db, "SELECT name FROM pragma_table_info(?)");
  q.bind(1, view);
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

// A store as an older clown left it: tests/data/store/schema<N>.sql is the
// `sqlite3 .dump` of one (two requests of one run).
Paths old_store(const test::TempDir& tmp, const std::string& fixture) {
  Paths paths{tmp.path()};
  fs::create_directories(paths.telemetry_dir());
  auto sql = read_file(test::source_dir() / "tests" / "data" / "store" / fixture);
  REQUIRE(sql);
  SQLite::Database db(paths.usage_db().string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec(*sql);
  return paths;
}

std::string text(SQLite::Database& db, const std::string& sql) { return db.execAndGet(sql).getString(); }

}  // namespace

TEST_CASE("store: views of a migrated store have exactly the documented columns", "[store][views]") {
  const auto fixture = GENERATE(std::string("schema4.sql"), std::string("schema5.sql"));
  CAPTURE(fixture);
  test::TempDir tmp;
  const Paths paths = old_store(tmp, fixture);
  auto store = Store::open(paths);
  REQUIRE(store);
  auto& db = (*store)->db();
  CHECK(db.execAndGet("SELECT version FROM schema_version").getInt() == k_schema_version);
  for (const auto& [view, columns] : documented_views()) {
    CAPTURE(view);
    CHECK(columns_of(db, view) == columns);
  }
  // The old rows: '' machine (= this machine), their values through the views.
  CHECK(text(db, "SELECT group_concat(machine, ',') FROM requests") == ",");
  CHECK(text(db,
             "SELECT time || ' ' || date_utc || ' ' || total_tokens || ' ' || cost_usd FROM v_requests "
             "WHERE dedup_key = 'req:a'") == "2025-11-24T16:00:00.123Z 2025-11-24 1125 0.00091875");
  CHECK(text(db, "SELECT date_utc || ' ' || requests || ' ' || sessions || ' ' || total_tokens FROM v_daily") ==
        "2025-11-24 2 1 1137");
  CHECK(text(db,
             "SELECT first_time || ' ' || last_time || ' ' || requests || ' ' || profile || ' ' || models "
             "FROM v_sessions") == "2025-11-24T16:00:00Z 2025-11-24T17:00:00Z 2 work 1");
  CHECK(text(db, "SELECT started_time || ' ' || requests || ' ' || total_tokens || ' ' || duration_secs FROM v_runs") ==
        "2025-11-24T15:59:50Z 2 1137 3710.0");
}

TEST_CASE("store: a new store has the views with the documented columns", "[store][views]") {
  test::TempDir tmp;
  auto store = Store::open(Paths{tmp.path()});
  REQUIRE(store);
  for (const auto& [view, columns] : documented_views()) {
    CAPTURE(view);
    CHECK(columns_of((*store)->db(), view) == columns);
  }
}
