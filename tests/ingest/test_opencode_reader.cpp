// The opencode reader on the real database opencode 1.18.33 wrote
// (tests/data/opencode/README.md holds the provider's numbers).
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include "ingest/opencode_reader.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::ingest;
namespace fs = std::filesystem;

namespace {

fs::path fixture() { return test::source_dir() / "tests" / "data" / "opencode" / "1.18.33" / "opencode.db"; }

store::TokenCounts sum(const std::vector<store::RequestUsage>& requests) {
  store::TokenCounts t;
  for (const auto& r : requests) t += r.tokens;
  return t;
}

}  // namespace

TEST_CASE("opencode: every step-finish part, child sessions included") {
  auto s = read_opencode_db(fixture(), {});
  REQUIRE(s);
  CHECK(s->requests.size() == 7);
  // input 2338, output 1341 (+0 reasoning), cache read 117957, write 17350.
  CHECK(sum(s->requests) == store::TokenCounts{2338, 1341, 17350, 0, 117957, 0});
  CHECK(s->stats.skipped_lines == 0);
  int children = 0;
  for (const auto& r : s->requests) {
    CHECK(r.key.rfind("opencode:prt_", 0) == 0);
    CHECK(r.model == "claude-sonnet-4-5");
    CHECK(r.cwd == "/tmp/clown-capture-opencode/work");
    if (!r.sidechain) continue;
    ++children;
    CHECK(r.session_id == "ses_dda45e025ffempZnI05MZhWR0u");
    CHECK(r.subagent == "ses_dda45d3fdffeFY3wtbj687wJVQ");
  }
  CHECK(children == 2);
  // The child's usage is its own: input 476, output 478, read 38160, write 6278.
  store::TokenCounts child;
  for (const auto& r : s->requests)
    if (r.sidechain) child += r.tokens;
  CHECK(child == store::TokenCounts{476, 478, 6278, 0, 38160, 0});
}

TEST_CASE("opencode: a time window selects the steps made in it") {
  auto all = read_opencode_db(fixture(), {});
  REQUIRE(all);
  const auto first = all->requests.front().ts_ms;
  auto later = read_opencode_db(fixture(), {first + 1, 0});
  REQUIRE(later);
  CHECK(later->requests.size() == 6);
  auto only_first = read_opencode_db(fixture(), {0, first});
  REQUIRE(only_first);
  CHECK(only_first->requests.size() == 1);
  CHECK(all->max_time_ms == all->requests.back().ts_ms);
}

TEST_CASE("opencode: a WAL database is read while opencode is writing to it") {
  test::TempDir tmp;
  const auto db_file = tmp.path() / "opencode.db";
  fs::copy_file(fixture(), db_file);
  SQLite::Database writer(db_file.string(), SQLite::OPEN_READWRITE);
  writer.exec("PRAGMA journal_mode=WAL");
  writer.exec("BEGIN IMMEDIATE");
  writer.exec(
      "INSERT INTO part(id, message_id, session_id, time_created, time_updated, data) SELECT 'prt_uncommitted', "
      "message_id, session_id, time_created + 1, time_updated, data FROM part WHERE data LIKE '%step-finish%' LIMIT 1");
  auto during = read_opencode_db(db_file, {});
  REQUIRE(during);
  CHECK(during->requests.size() == 7);  // the uncommitted step is not seen
  writer.exec("COMMIT");
  auto after = read_opencode_db(db_file, {});
  REQUIRE(after);
  CHECK(after->requests.size() == 8);
}

TEST_CASE("opencode: a missing or foreign database is an error that says what to do") {
  test::TempDir tmp;
  auto missing = read_opencode_db(tmp.path() / "opencode.db", {});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("no opencode database") != std::string::npos);
  {
    SQLite::Database other((tmp.path() / "other.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    other.exec("CREATE TABLE t(x)");
  }
  auto foreign = read_opencode_db(tmp.path() / "other.db", {});
  REQUIRE_FALSE(foreign);
  CHECK(foreign.error().message.find("-wal and -shm") != std::string::npos);
}
