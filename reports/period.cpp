#include "reports/period.hpp"

#include <cstdio>
#include <cstdlib>

#include <date/date.h>

#include "common/suggest.hpp"
#include "common/time.hpp"
#include "config/config.hpp"

namespace clown::reports {

namespace {

// Offset (ms) of `zone` at the instant `ts_ms`.
int64_t offset_ms(const Zone* zone, int64_t ts_ms) { return zone->at(floor_div(ts_ms, 1000)).offset_s * 1000; }

// Strict YYYY-MM-DD -> local day index.
std::optional<int64_t> parse_day(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  const int y = std::atoi(s.substr(0, 4).c_str());
  const unsigned m = static_cast<unsigned>(std::atoi(s.substr(5, 2).c_str()));
  const unsigned d = static_cast<unsigned>(std::atoi(s.substr(8, 2).c_str()));
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days{ymd}.time_since_epoch().count();
}

// An ISO-8601 instant; without Z or an offset it is local to `zone`.
std::optional<int64_t> parse_instant(const std::string& s, const Zone* zone) {
  const auto parsed = parse_iso8601_ms(s);
  if (!parsed) return std::nullopt;
  const std::string tail = s.size() > 19 ? s.substr(19) : "";
  if (tail.find_first_of("Zz+-") != std::string::npos) return parsed;
  return zone_to_utc(*zone, floor_div(*parsed, 1000)) * 1000 + (*parsed - floor_div(*parsed, 1000) * 1000);
}

Expected<int64_t> parse_bound(const std::string& what, const std::string& text, const Zone* zone, bool is_until) {
  if (auto day = parse_day(text)) return local_midnight_ms(zone, *day + (is_until ? 1 : 0));
  if (auto instant = parse_instant(text, zone)) return *instant + (is_until ? 1 : 0);
  return fail(
      "invalid " + what + " '" + text + "': use a date YYYY-MM-DD or an ISO-8601 time such as 2026-11-24T09:30:00Z",
      k_exit_usage);
}

}  // namespace

std::string local_date(const Zone* zone, int64_t ts_ms) {
  const date::year_month_day ymd{date::sys_days{date::days{local_day_index(zone, ts_ms)}}};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string local_iso(const Zone* zone, int64_t ts_ms) {
  const int64_t off = offset_ms(zone, ts_ms);
  const int64_t local = ts_ms + off;
  const int64_t day = floor_div(local, 86400000);
  const int64_t secs = (local - day * 86400000) / 1000;
  const date::year_month_day ymd{date::sys_days{date::days{day}}};
  const int64_t off_min = off / 60000;
  const int64_t abs_off = off_min < 0 ? -off_min : off_min;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld%c%02lld:%02lld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60), off_min < 0 ? '-' : '+', static_cast<long long>(abs_off / 60),
                static_cast<long long>(abs_off % 60));
  return buf;
}

int64_t local_day_index(const Zone* zone, int64_t ts_ms) { return floor_div(ts_ms + offset_ms(zone, ts_ms), 86400000); }

int64_t local_hour_start(const Zone* zone, int64_t ts_ms) {
  // Uses the offset in force at ts, so the repeated hour of a DST fall-back
  // stays two separate hours.
  const int64_t off = offset_ms(zone, ts_ms);
  return floor_div(ts_ms + off, 3600000) * 3600000 - off;
}

int64_t local_midnight_ms(const Zone* zone, int64_t day_index) {
  // A midnight skipped by DST starts the day at the transition; a repeated
  // midnight starts it at the first occurrence.
  return zone_to_utc(*zone, day_index * 86400) * 1000;
}

int64_t week_start_day(int64_t day, int start_of_week) {
  const int weekday = static_cast<int>(date::weekday{date::sys_days{date::days{day}}}.c_encoding());
  return day - ((weekday - start_of_week + 7) % 7);
}

const std::vector<std::string>& period_names() {
  static const std::vector<std::string> names = {"today", "yesterday", "week", "month", "7d", "30d", "all"};
  return names;
}

Expected<ResolvedPeriod> resolve_period(const UsageFilter& filter, const std::string& zone_name, int64_t now_ms,
                                        int start_of_week) {
  auto zone = resolve_zone(zone_name);
  if (!zone) return tl::unexpected(zone.error());
  ResolvedPeriod out;
  out.start_of_week = start_of_week;
  out.zone = *zone;
  out.timezone = std::string((*zone)->name());
  out.period = filter.period.empty() ? "today" : filter.period;

  const int64_t today = local_day_index(out.zone, now_ms);
  const auto midnight = [&](int64_t day) { return local_midnight_ms(out.zone, day); };
  const std::string& p = out.period;
  if (p == "today") {
    out.since_ms = midnight(today);
    out.until_ms = midnight(today + 1);
  } else if (p == "yesterday") {
    out.since_ms = midnight(today - 1);
    out.until_ms = midnight(today);
  } else if (p == "week") {
    out.since_ms = midnight(week_start_day(today, start_of_week));
    out.until_ms = midnight(today + 1);
  } else if (p == "month") {
    const date::year_month_day ymd{date::sys_days{date::days{today}}};
    const date::sys_days first{ymd.year() / ymd.month() / date::day{1}};
    out.since_ms = midnight(first.time_since_epoch().count());
    out.until_ms = midnight(today + 1);
  } else if (p == "7d" || p == "30d") {
    out.since_ms = midnight(today - (p == "7d" ? 6 : 29));
    out.until_ms = midnight(today + 1);
  } else if (p != "all") {
    const auto hint = did_you_mean(p, period_names());
    return fail("unknown period '" + p + "'" + (hint.empty() ? std::string(": use one of ") + k_valid_periods : hint),
                k_exit_usage);
  }

  if ((filter.since && !filter.since->empty()) || (filter.until && !filter.until->empty())) {
    out.period = "custom";
    out.since_ms.reset();
    out.until_ms.reset();
    if (filter.since && !filter.since->empty()) {
      auto v = parse_bound("since", *filter.since, out.zone, false);
      if (!v) return tl::unexpected(v.error());
      out.since_ms = *v;
    }
    if (filter.until && !filter.until->empty()) {
      auto v = parse_bound("until", *filter.until, out.zone, true);
      if (!v) return tl::unexpected(v.error());
      out.until_ms = *v;
    }
    if (out.since_ms && out.until_ms && *out.since_ms >= *out.until_ms)
      return fail("since (" + *filter.since + ") is after until (" + *filter.until + "): swap them", k_exit_usage);
  }
  return out;
}

Expected<ResolvedPeriod> resolve_report_period(const config::Config& config, const UsageFilter& filter, int64_t now) {
  const std::string zone = filter.timezone.empty() ? config.timezone : filter.timezone;
  int start_of_week = config.start_of_week;
  if (!filter.start_of_week.empty()) {
    const auto day = config::weekday_from(filter.start_of_week);
    if (!day)
      return fail("unknown start of week '" + filter.start_of_week + "': use a day name such as monday or sunday",
                  k_exit_usage);
    start_of_week = *day;
  }
  return resolve_period(filter, zone, now, start_of_week);
}

Expected<ResolvedPeriod> resolve_report_period(const Paths& paths, const UsageFilter& filter, int64_t now) {
  // config.toml is read only when the filter leaves something to it.
  if (!filter.timezone.empty() && !filter.start_of_week.empty())
    return resolve_report_period(config::Config{}, filter, now);
  TRY_ASSIGN(const auto config, config::load_config(paths));
  return resolve_report_period(config, filter, now);
}

}  // namespace clown::reports
