#pragma once
// The `rate_limits` table (docs/schema.md#rate-limits): the plan quota
// snapshots Claude Code hands its statusLine command (rate_limits.five_hour /
// seven_day: used percentage and reset time), recorded per profile. A
// snapshot repeating the last one of its window (same reset time and
// percentage) only moves that row's last_seen_ms.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

namespace clown::store {

enum class QuotaWindow { five_hour, seven_day };
const char* to_string(QuotaWindow window);
std::optional<QuotaWindow> quota_window_from(std::string_view name);

struct RateLimitRow {
  std::string profile;
  QuotaWindow window = QuotaWindow::five_hour;
  int64_t resets_at_ms = 0;
  double used_percent = 0;
  int64_t first_seen_ms = 0;  // when this value was first seen
  int64_t last_seen_ms = 0;   // ... and last
  std::string session_id;     // the session that first reported it
};

// Records one snapshot (`seen_ms` is when it was received); true when it added
// a row. Throws SQLite::Exception like every statement (a busy database too).
bool record_rate_limit(SQLite::Database& db, const RateLimitRow& row, int64_t seen_ms);

// The snapshots first seen in [since_ms, until_ms), of one profile when
// `profile` is not empty, by window, then time.
std::vector<RateLimitRow> rate_limit_rows(SQLite::Database& db, std::string_view profile, int64_t since_ms,
                                          int64_t until_ms);

}  // namespace clown::store
