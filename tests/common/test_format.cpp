#include <catch2/catch.hpp>

#include "common/format.hpp"

using namespace clown;

TEST_CASE("thousands separators and dollars to the cent") {
  CHECK(with_thousands(0) == "0");
  CHECK(with_thousands(999) == "999");
  CHECK(with_thousands(1000) == "1,000");
  CHECK(with_thousands(1234567) == "1,234,567");
  CHECK(with_thousands(-1234567) == "-1,234,567");
  CHECK(format_usd(0) == "$0.00");
  CHECK(format_usd(1234.5) == "$1,234.50");
  CHECK(format_usd(0.005) == "$0.01");
  CHECK(format_usd(-2.25) == "-$2.25");
  CHECK(format_duration(12.34) == "12.3s");
  CHECK(format_duration(3723) == "1h 02m 03s");
  CHECK(random_hex_id(8).size() == 16);
  CHECK(random_hex_id(8) != random_hex_id(8));
}
