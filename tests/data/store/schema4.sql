PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_version(version INTEGER);
INSERT INTO schema_version VALUES(4);
CREATE TABLE requests(
  id INTEGER PRIMARY KEY,
  dedup_key TEXT UNIQUE NOT NULL,
  ts_ms INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  profile TEXT NOT NULL,
  agent TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  project TEXT NOT NULL,
  sidechain INTEGER NOT NULL,
  input INTEGER, output INTEGER, cache_write_5m INTEGER, cache_write_1h INTEGER,
  cache_read INTEGER, web_search INTEGER,
  cost_input REAL, cost_output REAL, cost_cache_write REAL, cost_cache_read REAL,
  cost_web_search REAL, cost_total REAL,
  priced INTEGER NOT NULL,
  price_key TEXT NOT NULL,
  source TEXT NOT NULL, config_dir TEXT NOT NULL DEFAULT '', query_source TEXT NOT NULL DEFAULT '', subagent TEXT NOT NULL DEFAULT '');
INSERT INTO requests VALUES(1,'req:a',1764000000123,'s1','r1','work','claude','anthropic','claude-sonnet-4-5','/w',0,100,20,5,0,1000,0,0.00029999999999999997371,0.00029999999999999997371,1.8749999999999998357e-05,0.00029999999999999997371,0.0,0.00091874999999999997033,1,'claude-sonnet-4-5','run','','','');
INSERT INTO requests VALUES(2,'req:b',1764003600000,'s1','r1','work','claude','anthropic','claude-sonnet-4-5','/w',1,10,2,0,0,0,0,3.0000000000000000758e-05,3.0000000000000000758e-05,0.0,0.0,0.0,6.0000000000000001517e-05,1,'claude-sonnet-4-5','run','','','');
CREATE TABLE runs(
  run_id TEXT PRIMARY KEY,
  profile TEXT, agent TEXT, provider TEXT, model TEXT, cwd TEXT,
  started_ms INTEGER, ended_ms INTEGER, duration_secs REAL, exit_code INTEGER);
INSERT INTO runs VALUES('r1','work','claude','anthropic','','/w',1763999990000,1764003700000,3710.0,0);
CREATE TABLE import_files(
  path TEXT PRIMARY KEY,
  dev INTEGER, ino INTEGER, size INTEGER, offset INTEGER, mtime_ns INTEGER, profile TEXT);
CREATE TABLE stats_cache(
  config_dir TEXT, model TEXT,
  input INTEGER, output INTEGER, cache_read INTEGER, cache_creation INTEGER,
  PRIMARY KEY(config_dir, model));
CREATE TABLE stats_cache_files(
  config_dir TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER);
CREATE TABLE subagents(
  session_id TEXT NOT NULL, agent_id TEXT NOT NULL,
  agent_type TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(session_id, agent_id));
CREATE TABLE session_totals(
  session_id TEXT NOT NULL, model TEXT NOT NULL, source TEXT NOT NULL,
  input INTEGER NOT NULL, output INTEGER NOT NULL, cache_write_5m INTEGER NOT NULL,
  cache_write_1h INTEGER NOT NULL, cache_read INTEGER NOT NULL, web_search INTEGER NOT NULL,
  split_known INTEGER NOT NULL, cost_usd REAL, ts_ms INTEGER NOT NULL,
  run_id TEXT NOT NULL, profile TEXT NOT NULL, agent TEXT NOT NULL, provider TEXT NOT NULL,
  project TEXT NOT NULL, config_dir TEXT NOT NULL,
  PRIMARY KEY(session_id, model, source));
CREATE INDEX requests_ts ON requests(ts_ms);
CREATE INDEX requests_session ON requests(session_id);
COMMIT;
