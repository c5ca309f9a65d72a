#pragma once
// The SQL of the migration that adds requests.machine and the stable views
// (docs/schema.md#views), and of the later ones that touch a view. The views'
// column lists are an interface: a migration that changes a view drops and
// recreates it with the same columns, new ones only appended
// (tests/store/test_views.cpp lists them).

namespace clown::store {

// v_requests' columns as schema 6 made them; later schemas append after them.
#define CLOWN_V_REQUESTS_SCHEMA_6_COLUMNS                                                                   \
  "\nSELECT"                                                                                                \
  "\n  strftime('%Y-%m-%dT%H:%M:%S', ts_ms / 1000, 'unixepoch') || printf('.%03dZ', ts_ms % 1000) AS time," \
  "\n  ts_ms,"                                                                                              \
  "\n  date(ts_ms / 1000, 'unixepoch') AS date_utc,"                                                        \
  "\n  profile, agent, provider, model, project, session_id, run_id,"                                       \
  "\n  sidechain, subagent,"                                                                                \
  "\n  input AS input_tokens,"                                                                              \
  "\n  output AS output_tokens,"                                                                            \
  "\n  cache_write_5m + cache_write_1h AS cache_write_tokens,"                                              \
  "\n  cache_read AS cache_read_tokens,"                                                                    \
  "\n  input + output + cache_write_5m + cache_write_1h + cache_read AS total_tokens,"                      \
  "\n  web_search AS web_searches,"                                                                         \
  "\n  cost_total AS cost_usd,"                                                                             \
  "\n  priced, source, query_source, machine, dedup_key"

inline constexpr const char* k_machine_and_views_migration = R"sql(
ALTER TABLE requests ADD COLUMN machine TEXT NOT NULL DEFAULT '';
CREATE VIEW IF NOT EXISTS v_requests AS)sql" CLOWN_V_REQUESTS_SCHEMA_6_COLUMNS R"sql(
FROM requests;
CREATE VIEW IF NOT EXISTS v_daily AS
SELECT
  date(ts_ms / 1000, 'unixepoch') AS date_utc,
  profile, agent, provider, model, machine,
  COUNT(*) AS requests,
  COUNT(DISTINCT CASE WHEN source != 'stats-cache' THEN session_id END) AS sessions,
  SUM(input) AS input_tokens,
  SUM(output) AS output_tokens,
  SUM(cache_write_5m + cache_write_1h) AS cache_write_tokens,
  SUM(cache_read) AS cache_read_tokens,
  SUM(input + output + cache_write_5m + cache_write_1h + cache_read) AS total_tokens,
  SUM(cost_total) AS cost_usd,
  SUM(priced = 0) AS unpriced_requests
FROM requests
GROUP BY date_utc, profile, agent, provider, model, machine;
CREATE VIEW IF NOT EXISTS v_sessions AS
SELECT
  a.session_id,
  f.profile, f.agent, f.project, f.machine,
  strftime('%Y-%m-%dT%H:%M:%SZ', a.first_ms / 1000, 'unixepoch') AS first_time,
  strftime('%Y-%m-%dT%H:%M:%SZ', a.last_ms / 1000, 'unixepoch') AS last_time,
  a.first_ms, a.last_ms, a.requests, a.models,
  a.input_tokens, a.output_tokens, a.cache_write_tokens, a.cache_read_tokens, a.total_tokens, a.cost_usd
FROM (
  SELECT session_id,
    MIN(ts_ms) AS first_ms,
    MAX(ts_ms) AS last_ms,
    COUNT(*) AS requests,
    COUNT(DISTINCT model) AS models,
    SUM(input) AS input_tokens,
    SUM(output) AS output_tokens,
    SUM(cache_write_5m + cache_write_1h) AS cache_write_tokens,
    SUM(cache_read) AS cache_read_tokens,
    SUM(input + output + cache_write_5m + cache_write_1h + cache_read) AS total_tokens,
    SUM(cost_total) AS cost_usd
  FROM requests WHERE source != 'stats-cache' GROUP BY session_id) a
JOIN (
  SELECT session_id, profile, agent, project, machine, MIN(ts_ms)
  FROM requests WHERE source != 'stats-cache' GROUP BY session_id) f ON f.session_id = a.session_id;
CREATE VIEW IF NOT EXISTS v_runs AS
SELECT
  r.run_id, r.profile, r.agent, r.provider, r.model, r.cwd,
  strftime('%Y-%m-%dT%H:%M:%SZ', r.started_ms / 1000, 'unixepoch') AS started_time,
  r.started_ms, r.ended_ms, r.duration_secs, r.exit_code,
  COALESCE(q.requests, 0) AS requests,
  COALESCE(q.total_tokens, 0) AS total_tokens,
  COALESCE(q.cost_usd, 0) AS cost_usd
FROM runs r LEFT JOIN (
  SELECT run_id, COUNT(*) AS requests,
         SUM(input + output + cache_write_5m + cache_write_1h + cache_read) AS total_tokens,
         SUM(cost_total) AS cost_usd
  FROM requests WHERE run_id != '' GROUP BY run_id) q ON q.run_id = r.run_id;
)sql";

// Schema 12: v_requests gains `user` as its last column (columns are only
// ever appended; those before it stay as they were).
inline constexpr const char* k_requests_view_user_migration = R"sql(
DROP VIEW IF EXISTS v_requests;
CREATE VIEW v_requests AS)sql" CLOWN_V_REQUESTS_SCHEMA_6_COLUMNS R"sql(, user
FROM requests;
)sql";

}  // namespace clown::store
