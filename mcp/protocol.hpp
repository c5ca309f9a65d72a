#pragma once
// The MCP server's protocol side (docs/mcp.md): JSON-RPC 2.0 messages, one per
// line on stdio, the lifecycle (`initialize`, `notifications/initialized`),
// `ping`, `tools/list` and `tools/call`. Malformed input gets the JSON-RPC
// error the specification names and never ends the server.
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "common/paths.hpp"

namespace clown::mcp {

// The protocol revisions this server speaks, newest first. `initialize`
// answers with the client's revision when it is one of these, else with the
// newest (MCP lifecycle: "version negotiation").
inline constexpr std::string_view k_protocol_versions[] = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};

// JSON-RPC 2.0 error codes (jsonrpc.org/specification#error_object).
inline constexpr int k_parse_error = -32700;
inline constexpr int k_invalid_request = -32600;
inline constexpr int k_method_not_found = -32601;
inline constexpr int k_invalid_params = -32602;
inline constexpr int k_internal_error = -32603;

class Server {
 public:
  Server(Paths paths, std::string version) : m_paths(std::move(paths)), m_version(std::move(version)) {}

  // One message in; the response line (without '\n') out, or nothing for a
  // notification or a response from the client.
  std::optional<std::string> handle_line(std::string_view line);

  // The negotiated revision, empty before `initialize`.
  const std::string& protocol_version() const { return m_protocol_version; }

 private:
  Paths m_paths;
  std::string m_version;
  std::string m_protocol_version;
};

// Reads messages from `in` until end of input and writes each response line
// to `out` (flushed per message, as the client waits for it).
void serve(Server& server, std::istream& in, std::ostream& out);

}  // namespace clown::mcp
