#include "reports/zone.hpp"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include <date/tz.h>

namespace clown::reports {

namespace {

constexpr int64_t k_day_s = 86400;
constexpr const char* k_zoneinfo = "/usr/share/zoneinfo/";

// A zone from date/tz's database: exact transition intervals.
class TzdbZone final : public Zone {
 public:
  TzdbZone(std::string name, const date::time_zone* zone) : Zone(std::move(name)), m_zone(zone) {}
  ZoneInterval at(int64_t utc_s) const override {
    const auto info = m_zone->get_info(date::sys_seconds{std::chrono::seconds{utc_s}});
    return {info.offset.count(), info.begin.time_since_epoch().count(), info.end.time_since_epoch().count()};
  }

 private:
  const date::time_zone* m_zone;
};

// UTC and its aliases: no database at all.
class FixedZone final : public Zone {
 public:
  explicit FixedZone(std::string name) : Zone(std::move(name)) {}
  ZoneInterval at(int64_t) const override {
    return {0, std::numeric_limits<int64_t>::min() / 2, std::numeric_limits<int64_t>::max() / 2};
  }
};

// The process's own zone through localtime_r. The C library gives the offset
// at an instant, not the transitions: the interval around an instant is
// found by probing a day apart (a zone never changes its offset twice within
// a day) and bisecting to the second where it changes.
class SystemZone final : public Zone {
 public:
  explicit SystemZone(std::string name) : Zone(std::move(name)) {}
  ZoneInterval at(int64_t utc_s) const override {
    {
      std::lock_guard lock(m_mutex);
      if (utc_s >= m_last.begin_s && utc_s < m_last.end_s) return m_last;
    }
    const int64_t off = offset(utc_s);
    const ZoneInterval found{off, edge(utc_s, off, -1), edge(utc_s, off, +1)};
    std::lock_guard lock(m_mutex);
    m_last = found;
    return found;
  }

 private:
  mutable std::mutex m_mutex;
  mutable ZoneInterval m_last{0, 1, 0};  // the last interval found: most lookups fall in it

  static int64_t offset(int64_t utc_s) {
    const time_t t = static_cast<time_t>(utc_s);
    struct tm tm {};
    if (!localtime_r(&t, &tm)) return 0;
    return tm.tm_gmtoff;
  }
  // The first second (dir > 0: the end, exclusive) or the earliest second
  // (dir < 0: the begin) of the run of `off` around utc_s, at most 32 days away.
  static int64_t edge(int64_t utc_s, int64_t off, int dir) {
    int64_t same = utc_s;
    for (int day = 1; day <= 32; ++day) {
      const int64_t probe = utc_s + dir * day * k_day_s;
      if (offset(probe) != off) {
        int64_t other = probe;  // bisect between `same` (off) and `other` (not off)
        while (other - same > 1 || same - other > 1) {
          const int64_t mid = same + (other - same) / 2;
          (offset(mid) == off ? same : other) = mid;
        }
        return dir > 0 ? other : same;
      }
      same = probe;
    }
    return same;
  }
};

// A zone file under /usr/share/zoneinfo (never a path leaving it).
bool is_zone_file(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) return false;
  std::ifstream f(k_zoneinfo + name, std::ios::binary);
  char magic[4] = {};
  return f.read(magic, 4) && std::string_view(magic, 4) == "TZif";
}

// The zone name glibc reads for the process: $TZ when it names a zone file,
// else the target of /etc/localtime (or /etc/timezone). "" when unknown: the
// caller then asks date/tz.
std::string system_zone_name() {
  if (const char* tz = std::getenv("TZ"); tz && *tz) {
    const std::string value = tz[0] == ':' ? tz + 1 : tz;
    return is_zone_file(value) ? value : "";
  }
  char buf[4096];
  const ssize_t n = ::readlink("/etc/localtime", buf, sizeof buf - 1);
  if (n > 0) {
    const std::string target(buf, static_cast<size_t>(n));
    const auto at = target.rfind("zoneinfo/");
    if (at != std::string::npos && is_zone_file(target.substr(at + 9))) return target.substr(at + 9);
    return "";
  }
  if (::access("/etc/localtime", F_OK) != 0) return "UTC";  // glibc's default without it
  std::ifstream f("/etc/timezone");
  std::string line;
  if (std::getline(f, line) && is_zone_file(line)) return line;
  return "";
}

struct Zones {
  std::mutex mutex;
  std::string system_tz;  // $TZ when the system zone was made
  std::unique_ptr<SystemZone> system;
  std::map<std::string, std::unique_ptr<Zone>, std::less<>> named;
};
Zones& zones() {
  static Zones z;
  return z;
}

// The system zone, when the C library reads the same zone as its name says.
const Zone* system_zone(Zones& z) {
  const char* tz = std::getenv("TZ");
  const std::string tz_now = tz ? tz : "";
  if (!z.system) {
    auto made = system_zone_now();
    if (!made) return nullptr;
    z.system_tz = tz_now;
    z.system.reset(static_cast<SystemZone*>(made.release()));
  }
  return z.system_tz == tz_now ? z.system.get() : nullptr;  // $TZ changed since: ask date/tz
}

const Zone* named_zone(Zones& z, const std::string& name, const date::time_zone* (*find)(const std::string&)) {
  if (auto it = z.named.find(name); it != z.named.end()) return it->second.get();
  const date::time_zone* found = nullptr;
  try {
    found = find(name);
  } catch (const std::exception&) {
    return nullptr;
  }
  if (!found) return nullptr;
  return z.named.emplace(name, std::make_unique<TzdbZone>(name.empty() ? found->name() : name, found))
      .first->second.get();
}

const date::time_zone* locate(const std::string& name) { return date::locate_zone(name); }
const date::time_zone* current(const std::string&) { return date::current_zone(); }

}  // namespace

std::unique_ptr<Zone> system_zone_now() {
  std::string name = system_zone_name();
  if (name.empty()) return nullptr;
  ::tzset();
  return std::make_unique<SystemZone>(std::move(name));
}

std::unique_ptr<Zone> tzdb_zone(const std::string& name) {
  try {
    return std::make_unique<TzdbZone>(name, date::locate_zone(name));
  } catch (const std::exception&) {
    return nullptr;
  }
}

int64_t zone_to_utc(const Zone& zone, int64_t local_s) {
  // At most one transition lies within a day of local_s: the offsets before
  // and after it give every candidate.
  const int64_t before = zone.at(local_s - k_day_s).offset_s;
  const int64_t after = zone.at(local_s + k_day_s).offset_s;
  std::optional<int64_t> best;
  for (const int64_t off : {before, after}) {
    const int64_t u = local_s - off;
    if (zone.at(u).offset_s == off && (!best || u < *best)) best = u;
  }
  if (best) return *best;
  // Skipped by a spring-forward: the transition, where the later offset begins.
  return zone.at(local_s - before).begin_s;
}

Expected<const Zone*> resolve_zone(const std::string& name) {
  Zones& z = zones();
  std::lock_guard lock(z.mutex);
  if (name == "UTC" || name == "Etc/UTC") {
    auto it = z.named.find(name);
    if (it == z.named.end()) it = z.named.emplace(name, std::make_unique<FixedZone>(name)).first;
    return it->second.get();
  }
  if (const Zone* sys = system_zone(z); sys && (name.empty() || name == sys->name())) return sys;
  if (!name.empty()) {
    if (const Zone* zone = named_zone(z, name, locate)) return zone;
    return fail("unknown time zone '" + name + "': use an IANA name such as UTC, Europe/Berlin or America/New_York",
                k_exit_usage);
  }
  // POSIX allows a leading ':' in TZ ("implementation-defined" form); glibc
  // reads it as a file name under /usr/share/zoneinfo, i.e. an IANA name.
  if (const char* tz = std::getenv("TZ"); tz && *tz)
    if (const Zone* zone = named_zone(z, tz[0] == ':' ? tz + 1 : tz, locate)) return zone;
  if (const Zone* zone = named_zone(z, "", current)) return zone;
  if (const Zone* zone = named_zone(z, "UTC", locate)) return zone;
  return fail("no time zone database found under /usr/share/zoneinfo: install the tzdata package");
}

}  // namespace clown::reports
