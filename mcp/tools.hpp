#pragma once
// The MCP server's tools (docs/mcp.md#tools): one table of names, arguments
// and descriptions, read by `tools/list` and `tools/call`. Every tool answers
// with exactly the JSON its CLI twin prints with --json.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::mcp {

enum class ParamType { string, integer, boolean, string_list };

struct ToolParam {
  std::string_view name;
  ParamType type;
  std::string_view description;
  bool required = false;
};

enum class ToolId {
  usage_summary,
  usage_daily,
  usage_sessions,
  usage_session_detail,
  usage_blocks,
  pricing_show,
  profiles_list,
  budget_status,
};

struct ToolInfo {
  ToolId id;
  std::string_view name;
  std::string_view description;
  std::span<const ToolParam> params;
};

std::span<const ToolInfo> tools();
const ToolInfo* find_tool(std::string_view name);

// The Tool object of `tools/list`: {name, description, inputSchema}.
nlohmann::json tool_json(const ToolInfo& tool);

struct ToolOutput {
  std::string text;           // the CLI's --json output (without the final newline)
  nlohmann::json structured;  // the same value; an array is wrapped as {"<tool's key>": [...]}
  std::string warning;        // e.g. a broken synced price file (the CLI prints it to stderr)
};

// Runs the tool. Bad arguments and failing reports are errors (the server
// answers them as a tool result with isError, MCP "tool execution errors").
Expected<ToolOutput> call_tool(const Paths& paths, const ToolInfo& tool, const nlohmann::json& arguments,
                               int64_t now_ms);

}  // namespace clown::mcp
