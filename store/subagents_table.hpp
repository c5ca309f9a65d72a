#pragma once
// The `subagents` table (docs/schema.md#subagents): what a session's
// subagent was launched as, from Claude Code's
// <session>/subagents/agent-<agentId>.meta.json.
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

namespace clown::store {

struct SubagentRow {
  std::string session_id;
  std::string agent_id;
  std::string agent_type;   // meta.json agentType ('' unknown)
  std::string description;  // meta.json description ('' unknown)
};

// Stores or replaces one subagent's description (a later meta.json wins;
// an empty field never replaces a known one).
void upsert_subagent(SQLite::Database& db, const SubagentRow& row);

// The subagents of a session, by agent id.
std::vector<SubagentRow> subagents_of(SQLite::Database& db, std::string_view session_id);

}  // namespace clown::store
