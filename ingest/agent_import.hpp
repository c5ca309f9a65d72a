#pragma once
// `clown usage import-codex|import-gemini|import-opencode` and `import --all`:
// an agent's own history read into the store, incremental and idempotent like
// import-claude (docs/accuracy.md#import-other-agents).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "ingest/importer.hpp"

namespace clown::ingest {

struct AgentImportOptions {
  std::string agent;                        // catalog id: codex, gemini, opencode (or any agent with a reader)
  std::vector<std::filesystem::path> dirs;  // instead of the agent's default log dir (each must exist)
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// The agent's default log dir (its definition's [usage] dirs: the first whose
// variables are set) when it exists, plus the isolated home of every profile
// of this agent. Codex rollouts and Gemini CLI chats are re-read whole when
// they changed (size, mtime or inode), unchanged ones are skipped; opencode's
// database from its last step read (minus 5 minutes for rows committed late).
Expected<ImportSummary> import_agent(const Paths& paths, const AgentImportOptions& options);

struct AgentImport {
  std::string agent;
  ImportSummary summary;
};
// Every agent whose logs are found (Claude Code through import_claude).
Expected<std::vector<AgentImport>> import_all(const Paths& paths,
                                              const std::function<void(uint64_t, uint64_t)>& progress = {});
nlohmann::json to_json(const std::vector<AgentImport>& imports);

// The agents with a usage reader whose logs exist on this machine (the
// daemon's Import button offers these).
std::vector<std::string> agents_with_logs(const Paths& paths);

}  // namespace clown::ingest
