#pragma once
// Report time zones: the offset from UTC at an instant and the interval of
// seconds it holds for (docs/design.md#time-zones).
//
// The system's own zone ($TZ naming a zone file, else /etc/localtime) — what
// reports use unless config.toml or --timezone name another — is read through
// the C library's localtime_r, which loads that one zone file. Any other IANA
// name goes through date/tz (Howard Hinnant's library on the OS tz database),
// whose first lookup lists every zone under /usr/share/zoneinfo: a few
// milliseconds that `clown run`'s budget gate and the status line should not
// pay on every start.
#include <cstdint>
#include <memory>
#include <string>

#include "common/error.hpp"

namespace clown::reports {

// The zone's offset over [begin_s, end_s) (UTC seconds).
struct ZoneInterval {
  int64_t offset_s = 0;
  int64_t begin_s = 0;
  int64_t end_s = 0;
};

class Zone {
 public:
  virtual ~Zone() = default;
  Zone(const Zone&) = delete;
  Zone& operator=(const Zone&) = delete;

  // IANA name (or the $TZ value the system zone was read from).
  const std::string& name() const { return m_name; }
  // The interval holding the UTC second `utc_s`.
  virtual ZoneInterval at(int64_t utc_s) const = 0;

 protected:
  explicit Zone(std::string name) : m_name(std::move(name)) {}

 private:
  std::string m_name;
};

// The UTC second of the local second `local_s` (seconds since 1970-01-01 on
// the zone's wall clock). A repeated local time (DST fall-back) gives the
// first occurrence; a skipped one (DST spring-forward) the transition.
int64_t zone_to_utc(const Zone& zone, int64_t local_s);

// `name` when given (an unknown name is a k_exit_usage error), else $TZ when
// it names a zone, else the system zone (/etc/localtime), else UTC. Zones live
// as long as the process.
Expected<const Zone*> resolve_zone(const std::string& name);

// What resolve_zone chooses between, made fresh (tests compare the two): the
// C library's zone for $TZ as it is now (nullptr when it names no zone file),
// and date/tz's zone of that name (nullptr when unknown).
std::unique_ptr<Zone> system_zone_now();
std::unique_ptr<Zone> tzdb_zone(const std::string& name);

}  // namespace clown::reports
