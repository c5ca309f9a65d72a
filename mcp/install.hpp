#pragma once
// `clown mcp install`: registers clown's MCP server with Claude Code the way
// `claude mcp add -s user clown -e CLOWN_HOME=… -- <clown> mcp` does (read
// from Claude Code 2.1.328): `mcpServers.clown` in the global config of a
// config dir, {"type":"stdio","command":…,"args":["mcp"],"env":{"CLOWN_HOME":…}},
// every other key kept, the file 0600.
#include <filesystem>
#include <map>
#include <string>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::mcp {

struct InstallRequest {
  std::string profile;                     // a Claude Code profile: its config dir (isolated home or inherited)
  std::filesystem::path claude_dir;        // or this config dir
  std::filesystem::path clown_exe;         // the command Claude Code starts
  std::map<std::string, std::string> env;  // the user's environment (HOME, CLAUDE_CONFIG_DIR)
};

struct InstallResult {
  std::filesystem::path config_file;  // the file written
  bool replaced = false;              // an entry named clown was there before
};

// The server entry Claude Code stores.
inline constexpr const char* k_server_name = "clown";

Expected<InstallResult> install_server(const Paths& paths, const InstallRequest& request);

}  // namespace clown::mcp
