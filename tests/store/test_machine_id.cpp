// This machine's id (docs/file-formats.md#machine-id) and the requests that carry it.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "common/file_io.hpp"
#include "store/machine_id.hpp"
#include "store/requests_table.hpp"
#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::store;

TEST_CASE("store: the machine id is a random UUID created 0644 on first use and then stable", "[store][machine]") {
  test::TempDir tmp;
  const Paths paths{tmp.path() / "home"};
  const auto id = machine_id(paths);
  REQUIRE(id);
  CHECK(is_machine_id(*id));
  CHECK((*id)[14] == '4');  // version 4
  CHECK(std::string("89ab").find((*id)[19]) != std::string::npos);
  struct stat st {};
  REQUIRE(::stat(machine_id_file(paths).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
  CHECK(*read_file(machine_id_file(paths)) == *id + "\n");
  CHECK(machine_id(paths).value() == *id);

  test::TempDir other;
  CHECK(machine_id(Paths{other.path()}).value() != *id);
}

TEST_CASE("store: a machine-id file without a UUID is an error that says what to do", "[store][machine]") {
  test::TempDir tmp;
  const Paths paths{tmp.path()};
  std::ofstream(machine_id_file(paths)) << "not-a-uuid\n";
  const auto id = machine_id(paths);
  REQUIRE(!id);
  CHECK(id.error().message == machine_id_file(paths).string() +
                                  " does not hold a machine id (a UUID such as 0f8e…-…); remove it to get a new one");
  CHECK(!Store::open(paths));
  CHECK(!is_machine_id("0F8E2C1A-5B3D-4E7F-9A1B-2C3D4E5F6A7B"));
  CHECK(is_machine_id("0f8e2c1a-5b3d-4e7f-9a1b-2c3d4e5f6a7b"));
}

TEST_CASE("store: new requests carry this machine's id unless they name another", "[store][machine]") {
  test::TempDir tmp;
  const Paths paths{tmp.path()};
  auto store = Store::open(paths);
  REQUIRE(store);
  RequestTable table((*store)->db());
  const std::string id = machine_id(paths).value();
  CHECK(table.machine() == id);
  RequestRecord r;
  r.dedup_key = "req:1";
  r.model = "m";
  CHECK(table.upsert(r) == RequestTable::Outcome::inserted);
  r.dedup_key = "req:2";
  r.machine = "0f8e2c1a-5b3d-4e7f-9a1b-2c3d4e5f6a7b";
  CHECK(table.upsert(r) == RequestTable::Outcome::inserted);
  CHECK((*store)
            ->db()
            .execAndGet("SELECT group_concat(machine, ' ') FROM (SELECT machine FROM requests ORDER BY id)")
            .getString() == id + " 0f8e2c1a-5b3d-4e7f-9a1b-2c3d4e5f6a7b");
}
