#include <catch2/catch.hpp>

#include "common/time.hpp"

using namespace clown;

TEST_CASE("ISO-8601 timestamps round-trip with millisecond precision") {
  auto ms = parse_iso8601_ms("2026-11-22T10:02:54.943Z");
  REQUIRE(ms);
  CHECK(*ms == 1795341774943LL);
  CHECK(format_iso8601_ms(*ms) == "2026-11-22T10:02:54.943Z");
  CHECK(parse_iso8601_ms("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_iso8601_ms("2026-11-22T12:02:54.943+02:00") == 1795341774943LL);
  CHECK(parse_iso8601_ms("2026-11-22T10:02:54.9431234Z") == 1795341774943LL);
}

TEST_CASE("malformed timestamps are rejected, not guessed") {
  CHECK_FALSE(parse_iso8601_ms(""));
  CHECK_FALSE(parse_iso8601_ms("2026-11-22"));
  CHECK_FALSE(parse_iso8601_ms("2026-13-22T10:02:54Z"));
  CHECK_FALSE(parse_iso8601_ms("2026-11-22T10:02:54.Z"));
  CHECK_FALSE(parse_iso8601_ms("2026-11-22T10:02:54Zjunk"));
}
