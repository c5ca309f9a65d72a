#pragma once
// A live frame as lines of plain text: the same text the full-screen monitor
// draws and `--once` (or a non-terminal) prints.
#include <string>
#include <vector>

#include "live/live_frame.hpp"

namespace clown::live {

// Lines of at most `width` characters (longer ones are cut).
std::vector<std::string> frame_lines(const LiveFrame& frame, int interval_secs, size_t width = 200);

}  // namespace clown::live
