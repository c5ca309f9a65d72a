#include "store/runs_table.hpp"

#include "store/sql.hpp"

namespace clown::store {

void record_run(SQLite::Database& db, const RunRow& r) {
  Sql s(db,
        "INSERT OR REPLACE INTO runs(run_id, profile, agent, provider, model, cwd, started_ms, ended_ms, "
        "duration_secs, exit_code) VALUES(?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, r.run_id).bind(2, r.profile).bind(3, r.agent).bind(4, r.provider).bind(5, r.model).bind(6, r.cwd);
  s.bind(7, r.started_ms).bind(8, r.ended_ms).bind(9, r.duration_secs);
  if (r.exit_code)
    s.bind(10, *r.exit_code);
  else
    s.bind_null(10);
  s.exec();
}

std::vector<RunRow> runs_started_in(SQLite::Database& db, int64_t since_ms, int64_t until_ms) {
  Sql s(db,
        "SELECT run_id, profile, agent, provider, model, cwd, started_ms, ended_ms, duration_secs, exit_code "
        "FROM runs WHERE started_ms >= ? AND started_ms < ?");
  s.bind(1, since_ms).bind(2, until_ms);
  std::vector<RunRow> out;
  while (s.step()) {
    RunRow r{std::string(s.text(0)),
             std::string(s.text(1)),
             std::string(s.text(2)),
             std::string(s.text(3)),
             std::string(s.text(4)),
             std::string(s.text(5)),
             s.int64(6),
             s.int64(7),
             s.real(8),
             std::nullopt};
    if (!s.is_null(9)) r.exit_code = static_cast<int>(s.int64(9));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace clown::store
