#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "reports/period.hpp"
#include "reports/report.hpp"

using namespace clown;
using namespace clown::reports;

namespace {

int64_t at(const char* iso) { return *parse_iso8601_ms(iso); }

ResolvedPeriod resolve(const std::string& period, const std::string& zone, const char* now,
                       std::optional<std::string> since = {}, std::optional<std::string> until = {}) {
  UsageFilter f;
  f.period = period;
  f.since = since;
  f.until = until;
  auto r = resolve_period(f, zone, at(now));
  if (!r) FAIL(r.error().message);
  return *r;
}

Error resolve_error(const std::string& period, const std::string& zone, std::optional<std::string> since = {},
                    std::optional<std::string> until = {}) {
  UsageFilter f;
  f.period = period;
  f.since = since;
  f.until = until;
  auto r = resolve_period(f, zone, at("2026-11-24T10:00:00Z"));
  REQUIRE_FALSE(r);
  return r.error();
}

}  // namespace

TEST_CASE("reports: periods are cut at local midnights of the report zone", "[reports][period]") {
  const char* now = "2026-11-24T10:00:00Z";  // Tuesday, 11:00 in Berlin
  auto today = resolve("today", "Europe/Berlin", now);
  CHECK(today.timezone == "Europe/Berlin");
  CHECK(today.period == "today");
  CHECK(*today.since_ms == at("2026-11-23T23:00:00Z"));
  CHECK(*today.until_ms == at("2026-11-24T23:00:00Z"));

  auto yesterday = resolve("yesterday", "Europe/Berlin", now);
  CHECK(*yesterday.since_ms == at("2026-11-22T23:00:00Z"));
  CHECK(*yesterday.until_ms == at("2026-11-23T23:00:00Z"));

  auto week = resolve("week", "Europe/Berlin", now);  // since Monday 2026-11-23
  CHECK(*week.since_ms == at("2026-11-22T23:00:00Z"));
  CHECK(*week.until_ms == at("2026-11-24T23:00:00Z"));

  auto month = resolve("month", "Europe/Berlin", now);
  CHECK(*month.since_ms == at("2026-10-31T23:00:00Z"));

  CHECK(*resolve("7d", "Europe/Berlin", now).since_ms == at("2026-11-17T23:00:00Z"));
  // 30 days back crosses the end of summer time (2026-10-25): that midnight is +01:00.
  CHECK(*resolve("30d", "Europe/Berlin", now).since_ms == at("2026-10-25T23:00:00Z"));

  auto all = resolve("all", "Europe/Berlin", now);
  CHECK_FALSE(all.since_ms);
  CHECK_FALSE(all.until_ms);

  auto utc = resolve("today", "UTC", now);
  CHECK(*utc.since_ms == at("2026-11-24T00:00:00Z"));
  CHECK(*utc.until_ms == at("2026-11-25T00:00:00Z"));

  // +05:45: local midnight is not on a whole UTC hour.
  auto kathmandu = resolve("today", "Asia/Kathmandu", now);
  CHECK(*kathmandu.since_ms == at("2026-11-23T18:15:00Z"));
}

TEST_CASE("reports: a week on Sunday and Monday starts on that Monday", "[reports][period]") {
  CHECK(*resolve("week", "UTC", "2026-11-29T23:59:00Z").since_ms == at("2026-11-23T00:00:00Z"));
  CHECK(*resolve("week", "UTC", "2026-11-30T00:00:00Z").since_ms == at("2026-11-30T00:00:00Z"));
}

TEST_CASE("reports: DST days are 23 and 25 hours long", "[reports][period]") {
  auto spring = resolve("today", "Europe/Berlin", "2026-03-29T12:00:00Z");
  CHECK(*spring.since_ms == at("2026-03-28T23:00:00Z"));
  CHECK(*spring.until_ms == at("2026-03-29T22:00:00Z"));

  auto autumn = resolve("today", "Europe/Berlin", "2026-11-24T10:00:00Z", "2026-10-25", "2026-10-25");
  CHECK(autumn.period == "custom");
  CHECK(*autumn.since_ms == at("2026-10-24T22:00:00Z"));
  CHECK(*autumn.until_ms == at("2026-10-25T23:00:00Z"));
  CHECK(*autumn.until_ms - *autumn.since_ms == 25 * 3600 * 1000);
}

TEST_CASE("reports: --since/--until take dates and ISO-8601 instants", "[reports][period]") {
  const char* now = "2026-11-24T10:00:00Z";
  auto only_since = resolve("today", "Europe/Berlin", now, "2026-11-01");
  CHECK(*only_since.since_ms == at("2026-10-31T23:00:00Z"));
  CHECK_FALSE(only_since.until_ms);

  auto instants = resolve("today", "Europe/Berlin", now, "2026-11-24T09:30:00Z", "2026-11-24T11:00:00+01:00");
  CHECK(*instants.since_ms == at("2026-11-24T09:30:00Z"));
  CHECK(*instants.until_ms == at("2026-11-24T10:00:00Z") + 1);  // inclusive

  // Without an offset, a time is local to the report zone.
  auto local = resolve("today", "Europe/Berlin", now, "2026-11-24T10:00:00");
  CHECK(*local.since_ms == at("2026-11-24T09:00:00Z"));
}

TEST_CASE("reports: local calendar helpers", "[reports][period]") {
  auto zone = *resolve_zone("Europe/Berlin");
  CHECK(local_date(zone, at("2026-11-23T23:30:00Z")) == "2026-11-24");
  CHECK(local_iso(zone, at("2026-11-23T23:00:00Z")) == "2026-11-24T00:00:00+01:00");
  CHECK(local_iso(zone, at("2026-07-01T12:34:56Z")) == "2026-07-01T14:34:56+02:00");
  auto ny = *resolve_zone("America/New_York");
  CHECK(local_iso(ny, at("2026-11-24T03:00:00Z")) == "2026-11-23T22:00:00-05:00");
  // The repeated hour of a fall-back stays two hours.
  CHECK(local_hour_start(zone, at("2026-10-25T00:30:00Z")) == at("2026-10-25T00:00:00Z"));
  CHECK(local_hour_start(zone, at("2026-10-25T01:30:00Z")) == at("2026-10-25T01:00:00Z"));
  auto kathmandu = *resolve_zone("Asia/Kathmandu");
  CHECK(local_hour_start(kathmandu, at("2026-11-24T04:20:00Z")) == at("2026-11-24T04:15:00Z"));
}

TEST_CASE("reports: bad periods, dates and zones are usage errors that list valid values", "[reports][period]") {
  auto e = resolve_error("fortnight", "UTC");
  CHECK(e.exit_code == k_exit_usage);
  CHECK(e.message == "unknown period 'fortnight': use one of today, yesterday, week, month, 7d, 30d, all");

  e = resolve_error("today", "UTC", std::string("2026-02-30"));
  CHECK(e.exit_code == k_exit_usage);
  CHECK(e.message ==
        "invalid since '2026-02-30': use a date YYYY-MM-DD or an ISO-8601 time such as 2026-11-24T09:30:00Z");

  e = resolve_error("today", "UTC", std::nullopt, std::string("yesterday"));
  CHECK(e.message ==
        "invalid until 'yesterday': use a date YYYY-MM-DD or an ISO-8601 time such as "
        "2026-11-24T09:30:00Z");

  e = resolve_error("today", "Mars/Olympus_Mons");
  CHECK(e.exit_code == k_exit_usage);
  CHECK(e.message ==
        "unknown time zone 'Mars/Olympus_Mons': use an IANA name such as UTC, Europe/Berlin or America/New_York");

  e = resolve_error("today", "UTC", std::string("2026-11-10"), std::string("2026-11-01"));
  CHECK(e.exit_code == k_exit_usage);
  CHECK(e.message == "since (2026-11-10) is after until (2026-11-01): swap them");
}
