#pragma once
// A program in a pseudo-terminal whose screen the test reads: forkpty(3) for
// the terminal, libvterm (Debian libvterm-dev) for the screen, so a test
// waits for text to appear where the user would see it — with a deadline,
// never a sleep — and types keys.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

struct VTerm;
struct VTermScreen;

namespace clown::test {

class Terminal {
 public:
  using Env = std::map<std::string, std::optional<std::string>>;
  // Starts argv in a rows x cols terminal with the test's environment
  // changed by `env` (nullopt removes), in `cwd`.
  Terminal(const std::vector<std::string>& argv, const Env& env, const std::filesystem::path& cwd, int rows = 45,
           int cols = 120);
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  // The screen as text, one line per row, trailing blanks trimmed, no-break
  // spaces as plain ones.
  std::string screen() const;
  // Reads output until `text` is on the screen; false at the deadline.
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout);
  // Reads output until `done()` holds (checked after each read and every
  // 200 ms; the program keeps running only while its output is read); false
  // at the deadline.
  bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);
  // Like wait_for, but fails the test with the screen when it never appears.
  void expect(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // True when `text` was on any screen read so far (first-run screens that must never show).
  bool ever_showed(const std::string& text) const;
  void type(const std::string& keys);
  // Resizes the terminal as a terminal emulator does: the pty's new size
  // (TIOCSWINSZ, which also sends SIGWINCH to the foreground process group;
  // the program is sent one too, in case it is not that group) and the screen's.
  void resize(int rows, int cols);
  // Reads until the program has exited (the terminal closed) and returns its
  // exit status (128+N for signal N), or -1 after killing it at the deadline.
  int wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds(60));

 private:
  // Feeds output arriving within `wait` to the screen (true when some did)
  // and notices when the program exited.
  bool pump(std::chrono::milliseconds wait);
  void remember_screen();
  static void on_output(const char* bytes, size_t len, void* self);

  pid_t m_pid = -1;
  int m_master = -1;
  bool m_closed = false;  // the terminal closed (EIO)
  bool m_exited = false;  // the program was reaped
  int m_status = -1;
  VTerm* m_vt = nullptr;
  VTermScreen* m_screen = nullptr;
  int m_rows, m_cols;
  std::vector<std::string> m_seen;  // every distinct screen read, in order
};

}  // namespace clown::test
