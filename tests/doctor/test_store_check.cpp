#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "doctor/checks.hpp"
#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;

namespace {

doctor::Check store_check(const Paths& paths) {
  std::vector<doctor::Check> out;
  doctor::check_store(paths, out);
  REQUIRE(out.size() == 1);
  return out[0];
}

}  // namespace

TEST_CASE("doctor: a healthy store passes its quick_check", "[doctor]") {
  test::TempDir tmp;
  const Paths paths{tmp.path()};
  REQUIRE(store::Store::open(paths));
  const auto check = store_check(paths);
  CHECK(check.status == doctor::Status::ok);
  CHECK(check.detail == "quick_check ok (" + paths.usage_db().string() + ")");
}

TEST_CASE("doctor: a store another connection holds a write lock on is busy, never to be moved aside", "[doctor]") {
  test::TempDir tmp;
  const Paths paths{tmp.path()};
  REQUIRE(store::Store::open(paths));
  // An exclusive-mode writer keeps the file locked against readers too (in WAL
  // mode a plain write transaction would not block them; sqlite.org/pragma.html#pragma_locking_mode).
  SQLite::Database writer(paths.usage_db().string(), SQLite::OPEN_READWRITE);
  writer.exec("PRAGMA locking_mode=EXCLUSIVE");
  writer.exec("BEGIN EXCLUSIVE");
  writer.exec("CREATE TABLE held(x)");
  const auto check = store_check(paths);
  CHECK(check.status == doctor::Status::warn);
  CHECK(check.detail == "database is locked");
  CHECK(check.fix ==
        "another process is writing to the database; retry when it has finished (the database is fine: "
        "do not move it)");
  CHECK(check.fix.find("aside") == std::string::npos);
  writer.exec("ROLLBACK");
}

TEST_CASE("doctor: a damaged store is to be moved aside", "[doctor]") {
  test::TempDir tmp;
  const Paths paths{tmp.path()};
  std::filesystem::create_directories(paths.usage_db().parent_path());
  test::write_text(paths.usage_db(), std::string(4096, 'x'));
  const auto check = store_check(paths);
  CHECK(check.status == doctor::Status::fail);
  CHECK(check.detail == "file is not a database");
  CHECK(check.fix == "move " + paths.usage_db().string() +
                         " aside (clown starts a fresh one; clown usage import-claude reads Claude Code's history "
                         "again)");
}
