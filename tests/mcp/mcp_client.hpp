#pragma once
// A scripted MCP client: starts `clown mcp` with pipes on stdin and stdout,
// writes one line, reads one response line (with a deadline, never a sleep).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/clown_home.hpp"

namespace clown::test {

class McpClient {
 public:
  McpClient(const ClownHome& home, const std::vector<std::string>& extra_args = {});
  ~McpClient();
  McpClient(const McpClient&) = delete;
  McpClient& operator=(const McpClient&) = delete;

  void write_line(const std::string& line);
  // The next line the server writes; throws after 20 s without one.
  std::string read_line();
  // write_line + read_line, parsed.
  nlohmann::json request(const std::string& line);
  // True when the server writes nothing more before it exits (stdin closed).
  // Returns its exit status.
  int close_and_wait(std::string* rest = nullptr);

 private:
  int m_in = -1, m_out = -1;
  pid_t m_pid = -1;
  std::string m_buffer;
};

}  // namespace clown::test
