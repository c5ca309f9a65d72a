#include "tests/mcp/mcp_client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

namespace clown::test {

McpClient::McpClient(const ClownHome& home, const std::vector<std::string>& extra_args) {
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv{clown_binary().string(), "mcp"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  std::vector<std::string> env_strings = environment_with(home.options().env);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  for (auto& s : argv) args.push_back(s.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_addchdir_np(&fa, home.dir().c_str());
  const int rc = posix_spawn(&m_pid, args[0], &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  m_in = in_pipe[1];
  m_out = out_pipe[0];
  if (rc != 0) throw std::runtime_error(std::string("cannot start clown mcp: ") + std::strerror(rc));
}

McpClient::~McpClient() {
  if (m_in >= 0) ::close(m_in);
  if (m_out >= 0) ::close(m_out);
  if (m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    wait_process(m_pid);
  }
}

void McpClient::write_line(const std::string& line) {
  const std::string data = line + "\n";
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(m_in, data.data() + done, data.size() - done);
    if (n <= 0) throw std::runtime_error("clown mcp closed its stdin");
    done += static_cast<size_t>(n);
  }
}

std::string McpClient::read_line() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    if (auto nl = m_buffer.find('\n'); nl != std::string::npos) {
      std::string line = m_buffer.substr(0, nl);
      m_buffer.erase(0, nl + 1);
      return line;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("no response from clown mcp within 20 s");
    pollfd p{m_out, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[65536];
    const ssize_t n = ::read(m_out, buf, sizeof buf);
    if (n <= 0) throw std::runtime_error("clown mcp ended its output");
    m_buffer.append(buf, static_cast<size_t>(n));
  }
}

nlohmann::json McpClient::request(const std::string& line) {
  write_line(line);
  return nlohmann::json::parse(read_line());
}

int McpClient::close_and_wait(std::string* rest) {
  ::close(m_in);
  m_in = -1;
  std::string tail = m_buffer;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(m_out, buf, sizeof buf)) > 0) tail.append(buf, static_cast<size_t>(n));
  if (rest) *rest = tail;
  const int status = wait_process(m_pid);
  m_pid = -1;
  return status;
}

}  // namespace clown::test
