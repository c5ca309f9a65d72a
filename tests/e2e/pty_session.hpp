#pragma once
// A program on a new pseudo-terminal, as a user runs it: the test types into
// it and reads the screen (the output with terminal escape sequences
// removed). Every wait is for something the program shows or writes, with a
// deadline; the output is read while waiting, so the program never blocks on
// a full terminal.
#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

namespace clown::e2e {

class PtySession {
 public:
  PtySession(const std::vector<std::string>& argv, const test::EnvChanges& env, const std::filesystem::path& cwd,
             unsigned short cols = 200, unsigned short rows = 50);
  ~PtySession();  // SIGKILLs the process group if still running
  PtySession(const PtySession&) = delete;
  PtySession& operator=(const PtySession&) = delete;

  void type(const std::string& text);
  void press_enter() { type("\r"); }
  // Types `text`, waits until the screen shows it, then presses Enter.
  bool type_line(const std::string& text, int timeout_secs = 20);

  // Reads the output until `pred()` holds or the deadline; false on timeout.
  bool wait_until(const std::function<bool()>& pred, int timeout_secs);
  // Until `text` appears in what the screen showed after position `from`.
  bool wait_for_text(const std::string& text, int timeout_secs, size_t from = 0);
  // Waits for the process to exit: its status (128+N for signal N), -1 on timeout.
  int wait_exit(int timeout_secs);

  // Everything shown so far, escape sequences removed.
  const std::string& screen() const { return m_text; }
  pid_t pid() const { return m_pid; }

 private:
  void pump(int timeout_ms);
  pid_t m_pid = -1;
  int m_master = -1;
  std::string m_raw;
  size_t m_stripped = 0;  // m_raw up to here is in m_text
  std::string m_text;
  bool m_exited = false;
  int m_status = -1;
};

}  // namespace clown::e2e
