// `clown usage sql` (docs/schema.md#sql): read-only queries, table/JSON/CSV,
// writes refused without changing the store; and the README's queries.
#include <catch2/catch.hpp>

#include <sstream>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "store/machine_id.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/clown_home.hpp"

using namespace clown;
using nlohmann::json;

namespace {

using Home = test::ClownHome;

std::string bytes_of(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return "<missing>";
  auto text = read_file(file);
  REQUIRE(text);
  return *text;
}

// The queries README.md shows (lines `clown usage sql "SELECT …"`), in order.
std::vector<std::string> readme_queries() {
  auto readme = read_file(test::source_dir() / "README.md");
  REQUIRE(readme);
  std::vector<std::string> out;
  const std::string prefix = "clown usage sql \"SELECT ";
  std::istringstream in(*readme);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0 && line.size() > prefix.size() && line.back() == '"')
      out.push_back(line.substr(prefix.size() - 7, line.size() - (prefix.size() - 7) - 1));
  return out;
}

}  // namespace

TEST_CASE("reports: clown usage sql prints a table, JSON or CSV", "[reports][cli][sql]") {
  Home home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  const std::string query =
      "SELECT profile, COUNT(*) AS requests, SUM(cost_usd) AS usd FROM v_requests GROUP BY profile ORDER BY profile";

  auto r = home.clown({"usage", "sql", query});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "profile        requests      usd\n"
        "claude-native         2     15.0\n"
        "work-claude           3  23.0625\n"
        "2 rows\n");

  r = home.clown({"usage", "sql", query, "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out) == json::parse(R"([{"profile":"claude-native","requests":2,"usd":15.0},
                                              {"profile":"work-claude","requests":3,"usd":23.0625}])"));
  // Keys in column order.
  CHECK(r.out.find("\"profile\"") < r.out.find("\"requests\""));

  r = home.clown({"usage", "sql", "SELECT 'a,b' AS x, 'say \"hi\"' AS y, NULL AS z, 1.5 AS w, 'l1\nl2' AS v", "--csv"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "x,y,z,w,v\r\n\"a,b\",\"say \"\"hi\"\"\",,1.5,\"l1\nl2\"\r\n");

  r = home.clown({"usage", "sql", "SELECT NULL AS n, X'00ff' AS b", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out) == json::parse(R"([{"n":null,"b":"X'00ff'"}])"));

  // Invalid UTF-8 in a value is replaced in JSON, not a crash.
  r = home.clown({"usage", "sql", "SELECT CAST(X'61ff62' AS TEXT) AS t", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)[0]["t"] ==
        "a\xEF\xBF\xBD"
        "b");

  r = home.clown({"usage", "sql", query, "--json", "--csv"});
  CHECK(r.exit_code == 2);
}

TEST_CASE("reports: clown usage sql refuses writes and changes nothing", "[reports][cli][sql]") {
  Home home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  // A first query settles the WAL and the rollup cache files a read may create.
  REQUIRE(home.clown({"usage", "sql", "SELECT COUNT(*) FROM requests"}).exit_code == 0);
  const fs::path db = home.paths().usage_db();
  const std::string before = bytes_of(db), wal_before = bytes_of(db.string() + "-wal");

  const std::vector<std::pair<std::string, std::string>> refused = {
      {"INSERT INTO runs(run_id) VALUES('x')", "INSERT into runs is refused"},
      {"UPDATE requests SET cost_total = 0", "UPDATE of requests is refused"},
      {"DELETE FROM requests", "DELETE from requests is refused"},
      {"DROP TABLE requests", "is refused"},
      {"DROP VIEW v_requests", "is refused"},
      {"CREATE TABLE t(x)", "is refused"},
      {"CREATE TEMP VIEW t AS SELECT 1", "is refused"},
      {"ALTER TABLE runs ADD COLUMN x", "is refused"},
      {"ATTACH DATABASE '" + (home.dir() / "other.db").string() + "' AS o", "ATTACH is refused"},
      {"PRAGMA user_version = 7", "PRAGMA user_version = 7 is refused"},
      {"PRAGMA query_only = 0", "PRAGMA query_only = 0 is refused"},
      {"PRAGMA wal_checkpoint", "PRAGMA wal_checkpoint is refused"},
      {"VACUUM", "is refused"},
      {"BEGIN", "a transaction is refused"},
      {"WITH x AS (SELECT 1) DELETE FROM requests", "DELETE from requests is refused"},
      {"SELECT load_extension('x')", "load_extension() is refused"},
  };
  for (const auto& [sql, message] : refused) {
    CAPTURE(sql);
    auto r = home.clown({"usage", "sql", sql});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("clown: error: clown usage sql only reads: ", 0) == 0);
    CHECK(r.err.find(message) != std::string::npos);
  }
  auto r = home.clown({"usage", "sql", "SELECT 1; DELETE FROM requests"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: clown usage sql runs one statement; remove what follows the first ';'\n");

  CHECK(bytes_of(db) == before);
  CHECK(bytes_of(db.string() + "-wal") == wal_before);
  CHECK(!fs::exists(home.dir() / "other.db"));
  r = home.clown({"usage", "sql", "SELECT (SELECT COUNT(*) FROM requests) || '/' || (SELECT COUNT(*) FROM runs)"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("5/2") != std::string::npos);
}

TEST_CASE("reports: clown usage sql reports SQL errors with SQLite's message", "[reports][cli][sql]") {
  Home home;
  test::seed(home.paths(), test::fixture_requests());
  auto r = home.clown({"usage", "sql", "SELECT nope FROM requests"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "clown: error: SQL error: no such column: nope\n");
  r = home.clown({"usage", "sql", "SELEC 1"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: SQL error: near \"SELEC\": syntax error\n");
  r = home.clown({"usage", "sql", "  -- nothing\n"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no SQL statement given") != std::string::npos);
  // A runtime error (not at prepare) is an SQL error too.
  r = home.clown({"usage", "sql", "SELECT json_extract('{', '$')"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: SQL error: malformed JSON\n");
}

TEST_CASE("reports: the README's queries run and give the documented answers", "[reports][cli][sql]") {
  Home home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  const auto machine = store::machine_id(home.paths());
  REQUIRE(machine);
  const auto queries = readme_queries();
  REQUIRE(queries.size() == 3);
  const json expected[] = {
      json::parse(R"([{"date_utc":"2026-11-23","machine":"M","requests":2,"usd":22.19},
                      {"date_utc":"2026-11-24","machine":"M","requests":3,"usd":15.88}])"),
      json::parse(R"([{"session_id":"s3","profile":"work-claude","project":"/home/u/alpha","requests":1,"usd":20.0},
                      {"session_id":"s2","profile":"claude-native","project":"/home/u/beta","requests":2,"usd":15.0},
                      {"session_id":"s1","profile":"work-claude","project":"/home/u/alpha","requests":2,"usd":3.06}])"),
      json::parse(R"([{"profile":"work-claude","model":"claude-sonnet-4-5-20250929","requests":3,"tokens":9654,
                       "usd":23.0625},
                      {"profile":"claude-native","model":"claude-opus-4-1","requests":1,"tokens":15,"usd":15.0},
                      {"profile":"claude-native","model":"glm-4.6","requests":1,"tokens":15,"usd":0.0}])"),
  };
  for (size_t i = 0; i < queries.size(); ++i) {
    CAPTURE(queries[i]);
    auto r = home.clown({"usage", "sql", queries[i], "--json"});
    REQUIRE(r.exit_code == 0);
    json want = expected[i];
    for (auto& row : want)
      if (row.contains("machine")) row["machine"] = *machine;
    CHECK(json::parse(r.out) == want);
  }
}
