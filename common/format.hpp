#pragma once
// Number formatting shared by every human-readable report (CLI and web UI
// format numbers the same way).
#include <cstdint>
#include <string>

namespace clown {

// 1234567 -> "1,234,567"
std::string with_thousands(int64_t value);
// 1234.5 -> "$1,234.50" (cents, rounded half away from zero)
std::string format_usd(double value);
// Seconds -> "1h 02m 03s" / "4m 05s" / "12.3s"
std::string format_duration(double seconds);

// True when stdout should carry ANSI colour: a terminal and NO_COLOR unset
// (https://no-color.org: any non-empty value disables colour).
bool use_color(int fd = 1);

// Random lowercase hex id of 2*bytes characters (getrandom(2)).
std::string random_hex_id(size_t bytes = 8);
// A random (version 4) UUID, "xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx".
std::string random_uuid();

}  // namespace clown
