#include <stdlib.h>
#include <time.h>

#include <catch2/catch.hpp>

#include <date/tz.h>

#include "common/time.hpp"
#include "reports/zone.hpp"

using namespace clown;
using namespace clown::reports;

namespace {

// Sets $TZ for the C library for the scope of a check, then restores it.
class ScopedTz {
 public:
  explicit ScopedTz(const char* value) {
    if (const char* old = std::getenv("TZ")) m_old = old;
    ::setenv("TZ", value, 1);
    ::tzset();
  }
  ~ScopedTz() {
    if (m_old)
      ::setenv("TZ", m_old->c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }

 private:
  std::optional<std::string> m_old;
};

int64_t at(const char* iso) { return *parse_iso8601_ms(iso) / 1000; }

// date/tz's own local-to-UTC (choose::earliest), the reference.
int64_t tzdb_to_utc(const std::string& name, int64_t local_s) {
  const auto* zone = date::locate_zone(name);
  const date::local_seconds local{std::chrono::seconds{local_s}};
  return zone->to_sys(local, date::choose::earliest).time_since_epoch().count();
}

}  // namespace

// Zones with DST at midnight (Sao Paulo until 2019, Gaza), half-hour DST
// (Lord Howe), odd offsets (Kathmandu), Ramadan pauses (Casablanca), a
// skipped day (Apia, 2011-12-30) and the southern hemisphere.
TEST_CASE("reports: the C library's zone equals date/tz's, offsets and local midnights", "[reports][zone]") {
  for (const char* name : {"Europe/Berlin", "America/New_York", "America/Sao_Paulo", "Asia/Gaza", "Australia/Lord_Howe",
                           "Asia/Kathmandu", "Africa/Casablanca", "Pacific/Apia", "Australia/Sydney", "Etc/UTC"}) {
    INFO(name);
    ScopedTz tz(name);
    const auto sys = system_zone_now();
    const auto ref = tzdb_zone(name);
    REQUIRE(sys);
    REQUIRE(ref);
    CHECK(sys->name() == name);
    const int64_t from = at("2010-01-01T00:00:00Z"), to = at("2031-01-01T00:00:00Z");
    int mismatches = 0;
    for (int64_t s = from; s < to; s += 1800)  // every half hour for 21 years
      if (sys->at(s).offset_s != ref->at(s).offset_s) ++mismatches;
    CHECK(mismatches == 0);
    // The intervals' edges are the transitions, to the second.
    for (int64_t s = from; s < to; s = ref->at(s).end_s) {
      const auto a = ref->at(s);
      CHECK(sys->at(a.end_s).offset_s == ref->at(a.end_s).offset_s);
      CHECK(sys->at(a.end_s - 1).offset_s == a.offset_s);
      if (a.end_s >= to) break;
    }
    for (int64_t day = from / 86400; day < to / 86400; ++day) {
      const int64_t want = tzdb_to_utc(name, day * 86400);
      if (zone_to_utc(*sys, day * 86400) != want || zone_to_utc(*ref, day * 86400) != want) ++mismatches;
    }
    CHECK(mismatches == 0);
  }
}

TEST_CASE("reports: local times in a DST gap or overlap", "[reports][zone]") {
  ScopedTz tz("Europe/Berlin");
  const auto sys = system_zone_now();
  REQUIRE(sys);
  // 2026-03-29 02:30 does not exist in Berlin: the day's clock jumps 02:00 -> 03:00 (01:00Z).
  const int64_t gap = at("2026-03-29T02:30:00Z");
  CHECK(zone_to_utc(*sys, gap) == at("2026-03-29T01:00:00Z"));
  CHECK(zone_to_utc(*sys, gap) == tzdb_to_utc("Europe/Berlin", gap));
  // 2026-10-25 02:30 happens twice: the first one (CEST, 00:30Z).
  const int64_t twice = at("2026-10-25T02:30:00Z");
  CHECK(zone_to_utc(*sys, twice) == at("2026-10-25T00:30:00Z"));
  CHECK(zone_to_utc(*sys, twice) == tzdb_to_utc("Europe/Berlin", twice));
}

TEST_CASE("reports: which zone resolve_zone takes", "[reports][zone]") {
  auto utc = resolve_zone("UTC");
  REQUIRE(utc);
  CHECK((*utc)->name() == "UTC");
  CHECK((*utc)->at(at("2026-07-01T00:00:00Z")).offset_s == 0);
  auto berlin = resolve_zone("Europe/Berlin");
  REQUIRE(berlin);
  CHECK((*berlin)->name() == "Europe/Berlin");
  CHECK((*berlin)->at(at("2026-07-01T00:00:00Z")).offset_s == 7200);
  auto bad = resolve_zone("Mars/Olympus");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().exit_code == k_exit_usage);
  CHECK(bad.error().message.find("unknown time zone 'Mars/Olympus'") != std::string::npos);
  // Names that would leave the zone directory are no system zone.
  ScopedTz tz("../../../etc/passwd");
  CHECK(system_zone_now() == nullptr);
}
