#pragma once
// Offsets of a report zone with the last transition interval cached (rows
// come roughly in time order, so most lookups hit): the local day or hour of
// an instant without a tz database lookup per row.
#include <cstdint>

#include "common/time.hpp"
#include "reports/zone.hpp"

namespace clown::reports {

class ZoneOffsets {
 public:
  explicit ZoneOffsets(const Zone* zone) : m_zone(zone) {}
  int64_t offset_ms(int64_t ts_ms) {
    const int64_t s = floor_div(ts_ms, 1000);
    if (!(s >= m_begin && s < m_end)) {
      const auto info = m_zone->at(s);
      m_begin = info.begin_s;
      m_end = info.end_s;
      m_offset = info.offset_s * 1000;
    }
    return m_offset;
  }
  // Local day index (days since 1970-01-01 in the zone).
  int64_t day(int64_t ts_ms) { return floor_div(ts_ms + offset_ms(ts_ms), 86400000); }
  // UTC ms of the local hour's start.
  int64_t hour_start(int64_t ts_ms) {
    const int64_t off = offset_ms(ts_ms);
    return floor_div(ts_ms + off, 3600000) * 3600000 - off;
  }

 private:
  const Zone* m_zone;
  int64_t m_begin = 1, m_end = 0, m_offset = 0;
};

}  // namespace clown::reports
