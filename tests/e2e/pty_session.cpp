#include "tests/e2e/pty_session.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string_view>

namespace clown::e2e {

namespace {

// Appends in[from..] without ANSI/VT escape sequences (CSI, OSC, two-character
// escapes) and carriage returns: the text a user reads. Returns where it
// stopped: the start of an escape sequence the input does not complete yet.
size_t strip_escapes(const std::string& in, size_t from, std::string& out) {
  size_t i = from;
  while (i < in.size()) {
    const char c = in[i];
    if (c != '\x1b') {
      if (c != '\r') out.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= in.size()) return i;
    const char k = in[i + 1];
    size_t j = i + 2;
    if (k == '[') {  // CSI: parameters, then a final byte 0x40-0x7e
      while (j < in.size() && !(in[j] >= 0x40 && in[j] <= 0x7e)) ++j;
      if (j >= in.size()) return i;
      // Cursor forward (the TUI draws runs of spaces as a cursor move): spaces.
      if (in[j] == 'C')
        out.append(static_cast<size_t>(std::max(1, std::atoi(in.substr(i + 2, j - i - 2).c_str()))), ' ');
      i = j + 1;
    } else if (k == ']') {  // OSC: up to BEL or ESC backslash
      while (j < in.size() && in[j] != '\x07' && !(in[j] == '\x1b' && j + 1 < in.size() && in[j + 1] == '\\')) ++j;
      if (j >= in.size()) return i;
      i = in[j] == '\x07' ? j + 1 : j + 2;
    } else {
      i += 2;
    }
  }
  return i;
}

}  // namespace

PtySession::PtySession(const std::vector<std::string>& argv, const test::EnvChanges& env,
                       const std::filesystem::path& cwd, unsigned short cols, unsigned short rows) {
  std::vector<std::string> env_strings = test::environment_with(env);
  env_strings.push_back("TERM=xterm-256color");
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);
  winsize ws{};
  ws.ws_col = cols;
  ws.ws_row = rows;
  m_pid = ::forkpty(&m_master, nullptr, nullptr, &ws);
  REQUIRE(m_pid >= 0);
  if (m_pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD}) ::signal(sig, SIG_DFL);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::fcntl(m_master, F_SETFL, ::fcntl(m_master, F_GETFL) | O_NONBLOCK);
}

PtySession::~PtySession() {
  if (!m_exited && m_pid > 0) {
    ::kill(-m_pid, SIGKILL);
    ::kill(m_pid, SIGKILL);
    while (::waitpid(m_pid, &m_status, 0) < 0 && errno == EINTR) {
    }
  }
  if (m_master >= 0) ::close(m_master);
}

void PtySession::type(const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(m_master, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        pump(10);
        continue;
      }
      return;
    }
    done += static_cast<size_t>(n);
  }
}

bool PtySession::type_line(const std::string& text, int timeout_secs) {
  const size_t from = m_text.size();
  type(text);
  // The input box echoes what was typed once the TUI has taken it.
  if (!wait_for_text(text.substr(0, std::min<size_t>(text.size(), 12)), timeout_secs, from)) return false;
  press_enter();
  return true;
}

void PtySession::pump(int timeout_ms) {
  pollfd p{m_master, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(m_master, buf, sizeof buf);
    if (n <= 0) break;  // EAGAIN, or EIO once the program has gone
    m_raw.append(buf, static_cast<size_t>(n));
  }
  m_stripped = strip_escapes(m_raw, m_stripped, m_text);
}

bool PtySession::wait_until(const std::function<bool()>& pred, int timeout_secs) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_secs);
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    pump(100);
  }
  return true;
}

bool PtySession::wait_for_text(const std::string& text, int timeout_secs, size_t from) {
  // Spaces are compared loosely: the TUI may draw them as cursor moves.
  auto squeeze = [](std::string_view s) {
    std::string out;
    for (char c : s)
      if (c != ' ') out.push_back(c);
    return out;
  };
  const std::string want = squeeze(text);
  return wait_until(
      [&] {
        return squeeze(std::string_view(m_text).substr(std::min(from, m_text.size()))).find(want) != std::string::npos;
      },
      timeout_secs);
}

int PtySession::wait_exit(int timeout_secs) {
  const bool done = wait_until(
      [&] {
        if (m_exited) return true;
        int status = 0;
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
          m_exited = true;
          m_status = test::decode_status(status);
        }
        return m_exited;
      },
      timeout_secs);
  return done ? m_status : -1;
}

}  // namespace clown::e2e
