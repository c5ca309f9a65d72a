#include "live/live_screen.hpp"

#include <signal.h>

#include <csignal>

#include "common/time.hpp"
#include "live/live_text.hpp"

// Last: curses.h defines macros (OK, ERR) that break headers included after it.
#include <curses.h>

namespace clown::live {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void on_sigint(int) { g_interrupted = 1; }

// initscr/endwin as one object: endwin runs on every way out of the loop.
class Screen {
 public:
  Screen() {
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
  }
  ~Screen() { endwin(); }
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;
};

void draw(const std::vector<std::string>& lines) {
  erase();
  const int rows = LINES, cols = COLS;
  for (int i = 0; i < rows && i < static_cast<int>(lines.size()); ++i) mvaddnstr(i, 0, lines[i].c_str(), cols);
  refresh();
}

}  // namespace

Expected<void> run_screen(const Paths& paths, const LiveOptions& options) {
  // Ctrl-C leaves like q (cbreak mode keeps ISIG): the handler sets a flag and
  // getch returns on EINTR, so endwin restores the terminal.
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  struct sigaction old {};
  sigaction(SIGINT, &sa, &old);
  Expected<void> result;
  {
    Screen screen;
    timeout(options.interval_secs * 1000);
    std::vector<std::string> lines;
    auto refresh_frame = [&]() -> bool {
      auto frame = collect_frame(paths, options.filter, now_ms(), options.recent);
      if (!frame) {
        result = tl::unexpected(frame.error());
        return false;
      }
      lines = frame_lines(*frame, options.interval_secs, 1000);
      return true;
    };
    bool running = refresh_frame();
    if (running) draw(lines);
    while (running && !g_interrupted) {
      const int key = getch();
      if (g_interrupted || key == 'q' || key == 'Q') break;
      if (key == KEY_RESIZE) {
        draw(lines);
        continue;
      }
      running = refresh_frame();
      if (running) draw(lines);
    }
  }
  sigaction(SIGINT, &old, nullptr);
  g_interrupted = 0;
  return result;
}

}  // namespace clown::live
