#pragma once
// `clown usage live` on a terminal: a full-screen ncurses view of the frame,
// redrawn every interval and on resize (KEY_RESIZE), until q or Ctrl-C; the
// terminal is restored on every way out.
#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/filter.hpp"

namespace clown::live {

struct LiveOptions {
  reports::UsageFilter filter;
  int interval_secs = 1;
  int recent = 5;
};

// Runs the monitor on the controlling terminal (stdin/stdout).
Expected<void> run_screen(const Paths& paths, const LiveOptions& options);

}  // namespace clown::live
