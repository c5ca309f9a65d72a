#pragma once
// Report periods and time zones: turns `--period/--since/--until/--timezone`
// into a half-open UTC range [since, until) whose ends are local midnights of
// the report zone (IANA; reports/zone.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/filter.hpp"
#include "reports/zone.hpp"

namespace clown::config {
struct Config;
}

namespace clown::reports {

struct ResolvedPeriod {
  std::string period;    // today|yesterday|week|month|7d|30d|all, or "custom" for --since/--until
  std::string timezone;  // IANA name of the report zone
  const Zone* zone = nullptr;
  std::optional<int64_t> since_ms;  // inclusive; nullopt = from the beginning
  std::optional<int64_t> until_ms;  // exclusive; nullopt = no end
  int start_of_week = 1;            // 0 = Sunday .. 6 = Saturday: `week` and weekly reports

  bool contains(int64_t ts_ms) const { return (!since_ms || ts_ms >= *since_ms) && (!until_ms || ts_ms < *until_ms); }
};

// Resolves the filter's period against `now_ms` in `zone_name` (see
// resolve_zone). --since/--until, when given, replace the period ("custom"):
// a date YYYY-MM-DD is a whole local day (since: its start, until: its end,
// both inclusive); an ISO-8601 instant is used as is (a time without offset
// is local to the report zone). Bad input -> Error with k_exit_usage.
// `week` starts on `start_of_week` (0 = Sunday .. 6 = Saturday).
Expected<ResolvedPeriod> resolve_period(const UsageFilter& filter, const std::string& zone_name, int64_t now_ms,
                                        int start_of_week = 1);

// The filter's period in the report zone: --timezone, else config.toml
// `timezone`, else the system zone; weeks start on --start-of-week, else
// config.toml `start_of_week`, else Monday.
Expected<ResolvedPeriod> resolve_report_period(const Paths& paths, const UsageFilter& filter, int64_t now_ms);
Expected<ResolvedPeriod> resolve_report_period(const config::Config& config, const UsageFilter& filter, int64_t now_ms);

// The first day (local day index) of the week that holds `day`.
int64_t week_start_day(int64_t day, int start_of_week);

// Local calendar helpers in `zone`.
std::string local_date(const Zone* zone, int64_t ts_ms);         // "2026-11-24"
std::string local_iso(const Zone* zone, int64_t ts_ms);          // "2026-11-24T00:00:00+01:00"
int64_t local_day_index(const Zone* zone, int64_t ts_ms);        // days since 1970-01-01 (local)
int64_t local_hour_start(const Zone* zone, int64_t ts_ms);       // UTC ms of the local hour's start
int64_t local_midnight_ms(const Zone* zone, int64_t day_index);  // UTC ms of a local day's start

inline constexpr const char* k_valid_periods = "today, yesterday, week, month, 7d, 30d, all";
// The same names as a list (did-you-mean, shell completion).
const std::vector<std::string>& period_names();

}  // namespace clown::reports
