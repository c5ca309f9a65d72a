#include "store/subagents_table.hpp"

#include "store/sql.hpp"

namespace clown::store {

void upsert_subagent(SQLite::Database& db, const SubagentRow& row) {
  Sql s(db,
        "INSERT INTO subagents(session_id, agent_id, agent_type, description) VALUES(?,?,?,?) "
        "ON CONFLICT(session_id, agent_id) DO UPDATE SET "
        "agent_type = CASE WHEN excluded.agent_type != '' THEN excluded.agent_type ELSE agent_type END, "
        "description = CASE WHEN excluded.description != '' THEN excluded.description ELSE description END");
  s.bind(1, std::string_view(row.session_id)).bind(2, std::string_view(row.agent_id));
  s.bind(3, std::string_view(row.agent_type)).bind(4, std::string_view(row.description));
  s.exec();
}

std::vector<SubagentRow> subagents_of(SQLite::Database& db, std::string_view session_id) {
  Sql s(db, "SELECT agent_id, agent_type, description FROM subagents WHERE session_id = ? ORDER BY agent_id");
  s.bind(1, session_id);
  std::vector<SubagentRow> out;
  while (s.step())
    out.push_back({std::string(session_id), std::string(s.text(0)), std::string(s.text(1)), std::string(s.text(2))});
  return out;
}

}  // namespace clown::store
