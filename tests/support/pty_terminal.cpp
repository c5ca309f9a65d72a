#include "tests/support/pty_terminal.hpp"

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vterm.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <stdexcept>

#include "tests/support/test_support.hpp"

namespace clown::test {

namespace {

using Clock = std::chrono::steady_clock;

// Claude Code puts a no-break space (U+00A0) after its ❯ markers; tests match a plain space.
std::string plain_spaces(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      out.push_back(' ');
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string trim_right(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

}  // namespace

Terminal::Terminal(const std::vector<std::string>& argv, const Env& env, const std::filesystem::path& cwd, int rows,
                   int cols)
    : m_rows(rows), m_cols(cols) {
  // Everything the child needs is built before fork: it only changes
  // directory and execs.
  // A person at a terminal is not a CI job: agents that see CI=true (Gemini
  // CLI does) switch to headless mode and never draw their TUI. The CI
  // markers are dropped unless the test sets them itself.
  Env child_env = env;
  for (const char* ci : {"CI", "GITHUB_ACTIONS", "CONTINUOUS_INTEGRATION", "BUILD_NUMBER", "RUN_ID"})
    if (child_env.find(ci) == child_env.end()) child_env[ci] = std::nullopt;
  auto env_strings = clown::test::environment_with(child_env);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);
  const std::string dir = cwd.string();
  winsize size{};
  size.ws_row = static_cast<unsigned short>(rows);
  size.ws_col = static_cast<unsigned short>(cols);
  m_pid = ::forkpty(&m_master, nullptr, nullptr, &size);
  if (m_pid < 0) throw std::runtime_error("forkpty failed");
  if (m_pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  m_vt = vterm_new(rows, cols);
  vterm_set_utf8(m_vt, 1);
  // Answers to the terminal's queries (device attributes, cursor position) go back to the program.
  vterm_output_set_callback(m_vt, &Terminal::on_output, this);
  m_screen = vterm_obtain_screen(m_vt);
  vterm_screen_enable_altscreen(m_screen, 1);
  vterm_screen_reset(m_screen, 1);
}

Terminal::~Terminal() {
  if (!m_exited && m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (m_master >= 0) ::close(m_master);
  if (m_vt) vterm_free(m_vt);
}

void Terminal::resize(int rows, int cols) {
  winsize size{};
  size.ws_row = static_cast<unsigned short>(rows);
  size.ws_col = static_cast<unsigned short>(cols);
  if (::ioctl(m_master, TIOCSWINSZ, &size) != 0) throw std::runtime_error("TIOCSWINSZ failed");
  m_rows = rows;
  m_cols = cols;
  vterm_set_size(m_vt, rows, cols);
  if (!m_exited) ::kill(m_pid, SIGWINCH);
}

void Terminal::on_output(const char* bytes, size_t len, void* self) {
  auto* t = static_cast<Terminal*>(self);
  while (len > 0) {
    const ssize_t n = ::write(t->m_master, bytes, len);
    if (n <= 0) return;
    bytes += n;
    len -= static_cast<size_t>(n);
  }
}

std::string Terminal::screen() const {
  std::string out;
  std::vector<char> buf(static_cast<size_t>(m_cols) * 8);
  for (int row = 0; row < m_rows; ++row) {
    VTermRect rect{row, row + 1, 0, m_cols};
    const size_t n = vterm_screen_get_text(m_screen, buf.data(), buf.size(), rect);
    out += trim_right(plain_spaces(std::string(buf.data(), n))) + "\n";
  }
  return out;
}

void Terminal::remember_screen() {
  auto s = screen();
  if (m_seen.empty() || m_seen.back() != s) m_seen.push_back(std::move(s));
}

bool Terminal::pump(std::chrono::milliseconds wait) {
  bool got = false;
  if (!m_closed) {
    pollfd p{m_master, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) > 0) {
      char buf[16384];
      const ssize_t n = ::read(m_master, buf, sizeof buf);
      if (n > 0) {
        vterm_input_write(m_vt, buf, static_cast<size_t>(n));
        remember_screen();
        got = true;
      } else if (!(n < 0 && errno == EINTR)) {
        m_closed = true;  // EIO: nothing holds the terminal any more
      }
    }
  }
  if (!m_exited) {
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_exited = true;
      m_status = clown::test::decode_status(status);
    }
  }
  return got;
}

bool Terminal::wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || (m_exited && m_closed)) return done();
    pump(std::min(left, std::chrono::milliseconds(200)));
  }
  return true;
}

bool Terminal::wait_for(const std::string& text, std::chrono::milliseconds timeout) {
  return wait_until([&] { return screen().find(text) != std::string::npos; }, timeout);
}

void Terminal::expect(const std::string& text, std::chrono::milliseconds timeout) {
  if (wait_for(text, timeout)) return;
  FAIL("'" << text << "' did not appear within " << timeout.count() << " ms; the screen:\n" << screen());
}

bool Terminal::ever_showed(const std::string& text) const {
  for (const auto& s : m_seen)
    if (s.find(text) != std::string::npos) return true;
  return false;
}

void Terminal::type(const std::string& keys) {
  size_t done = 0;
  while (done < keys.size()) {
    const ssize_t n = ::write(m_master, keys.data() + done, keys.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("cannot write to the terminal");
    done += static_cast<size_t>(n);
  }
}

int Terminal::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!m_exited) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      ::kill(m_pid, SIGKILL);
      int status = 0;
      while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
      }
      m_exited = true;
      return -1;
    }
    pump(std::min(left, std::chrono::milliseconds(200)));
  }
  // What it printed last (a child may still hold the terminal: stop when it is quiet).
  while (!m_closed && pump(std::chrono::milliseconds(200))) {
  }
  return m_status;
}

}  // namespace clown::test
