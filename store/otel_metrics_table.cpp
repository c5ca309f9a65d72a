#include "store/otel_metrics_table.hpp"

namespace clown::store {

bool record_metric_point(SQLite::Database& db, const MetricPoint& p) {
  SQLite::Statement insert(
      db,
      "INSERT OR IGNORE INTO otel_metrics(name, unit, type, labels, session_id, run_id, profile, "
      "temporality, start_ns, time_ns, ts_ms, value, machine, user) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, p.name);
  insert.bind(2, p.unit);
  insert.bind(3, p.type);
  insert.bind(4, p.labels);
  insert.bind(5, p.session_id);
  insert.bind(6, p.run_id);
  insert.bind(7, p.profile);
  insert.bind(8, static_cast<int>(p.temporality));
  insert.bind(9, p.start_ns);
  insert.bind(10, p.time_ns);
  insert.bind(11, p.time_ns / 1'000'000);
  insert.bind(12, p.value);
  insert.bind(13, p.machine);
  insert.bind(14, p.user);
  return insert.exec() > 0;
}

std::vector<MetricSum> metric_sums(SQLite::Database& db, std::string_view profile, int64_t since_ms, int64_t until_ms) {
  // Window functions need SQLite 3.25 (Debian 12 has 3.40).
  SQLite::Statement q(db,
                      "WITH chosen AS (SELECT * FROM otel_metrics WHERE ts_ms >= ?1 AND ts_ms < ?2 "
                      "  AND (?3 = '' OR profile = ?3)), "
                      "latest AS (SELECT profile, name, type, value, ROW_NUMBER() OVER (PARTITION BY name, labels, "
                      "  session_id, profile, start_ns ORDER BY time_ns DESC) AS n FROM chosen WHERE temporality = 2) "
                      "SELECT profile, name, type, SUM(value), COUNT(*) FROM ("
                      "  SELECT profile, name, type, value FROM chosen WHERE temporality = 1 "
                      "  UNION ALL SELECT profile, name, type, value FROM latest WHERE n = 1) "
                      "GROUP BY profile, name, type ORDER BY profile, name, type");
  q.bind(1, since_ms);
  q.bind(2, until_ms);
  q.bind(3, std::string(profile));
  std::vector<MetricSum> out;
  while (q.executeStep()) {
    MetricSum s;
    s.profile = q.getColumn(0).getString();
    s.name = q.getColumn(1).getString();
    s.type = q.getColumn(2).getString();
    s.value = q.getColumn(3).getDouble();
    s.points = q.getColumn(4).getInt64();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace clown::store
