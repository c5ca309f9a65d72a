#pragma once
// Claude Code's description of a subagent: beside a subagent's transcript
// <session>/subagents/agent-<agentId>.jsonl it writes
// agent-<agentId>.meta.json ({"agentType": "general-purpose", "description":
// "Run echo hi", "toolUseId": …}; tests/data/claude/README.md), stored in
// the `subagents` table for `clown usage session`.
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.hpp"
#include "store/subagents_table.hpp"

namespace clown::ingest {

// Session and agent id of a subagent transcript path, nullopt for any other file.
std::optional<store::SubagentRow> subagent_of_transcript(const std::string& path);

// The meta.json beside a subagent transcript: nullopt when there is none
// (older Claude Code versions write none); an error names the file when it
// is not a JSON object with string fields.
Expected<std::optional<store::SubagentRow>> read_subagent_meta(const std::string& transcript_path);

// Stores the meta of each subagent transcript in `transcripts` (other files
// are skipped); when `only_new`, subagents the table already names are not
// read again. Returns the warnings for unreadable meta files.
std::vector<std::string> record_subagents(SQLite::Database& db, const std::vector<std::string>& transcripts,
                                          bool only_new);

}  // namespace clown::ingest
