#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clown {

using Clock = std::chrono::system_clock;

// Milliseconds since the Unix epoch, UTC.
int64_t now_ms();

// "2026-11-22T10:02:54.943Z" (UTC, millisecond precision, as Claude Code writes).
std::string format_iso8601_ms(int64_t epoch_ms);

// Parses "YYYY-MM-DDTHH:MM:SS[.fff...][Z|+HH:MM]" into epoch ms. Returns
// nullopt for anything else. Fast: no allocation, no locale.
std::optional<int64_t> parse_iso8601_ms(std::string_view text);

// a / b rounded toward negative infinity (so times before 1970 fall in the
// right bucket too); b > 0.
constexpr int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Days since 1970-01-01 for a civil date (proleptic Gregorian).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

}  // namespace clown
