#pragma once
// The SQLite store: $CLOWN_HOME/telemetry/usage.db (WAL, busy timeout,
// schema_version + migrations). Schema (version 2):
//
//   requests(id INTEGER PRIMARY KEY, dedup_key TEXT UNIQUE NOT NULL, ts_ms INTEGER NOT NULL,
//            session_id TEXT NOT NULL, run_id TEXT NOT NULL, profile TEXT NOT NULL,
//            agent TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL,
//            project TEXT NOT NULL, sidechain INTEGER NOT NULL,
//            input INTEGER, output INTEGER, cache_write_5m INTEGER, cache_write_1h INTEGER,
//            cache_read INTEGER, web_search INTEGER,
//            cost_input REAL, cost_output REAL, cost_cache_write REAL, cost_cache_read REAL,
//            cost_web_search REAL, cost_total REAL, priced INTEGER NOT NULL,
//            price_key TEXT NOT NULL, source TEXT NOT NULL,
//            config_dir TEXT NOT NULL DEFAULT '')     -- v2: Claude config dir read from
//     indexes: (ts_ms) (schema 3; schema 1 also had (profile, ts_ms), (model, ts_ms), (session_id))
//   runs(run_id TEXT PRIMARY KEY, profile, agent, provider, model, cwd,
//        started_ms INTEGER, ended_ms INTEGER, duration_secs REAL, exit_code INTEGER)
//   import_files(path TEXT PRIMARY KEY, dev INTEGER, ino INTEGER, size INTEGER,
//                offset INTEGER, mtime_ns INTEGER, profile TEXT)
//   stats_cache(config_dir TEXT, model TEXT, input INTEGER, output INTEGER,
//               cache_read INTEGER, cache_creation INTEGER, PRIMARY KEY(config_dir, model))
//   stats_cache_files(config_dir TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER)  -- v2
//   schema_version(version INTEGER)
#include <memory>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::store {

class Store {
 public:
  // Opens (creating the directory and file when missing) and migrates.
  static Expected<std::unique_ptr<Store>> open(const Paths& paths);
  // The same, for a connection used by one thread only (no SQLite mutexes).
  static Expected<std::unique_ptr<Store>> open_single_thread(const Paths& paths);
  // Opens read-only for reports; a missing database is an empty store.
  static Expected<std::unique_ptr<Store>> open_readonly(const Paths& paths);

  SQLite::Database& db() { return *m_db; }

 private:
  explicit Store(std::unique_ptr<SQLite::Database> db) : m_db(std::move(db)) {}
  std::unique_ptr<SQLite::Database> m_db;
};

inline constexpr int k_schema_version = 3;

// A bulk load into an empty `requests` table is faster when the secondary
// indexes are built once afterwards (a sort) instead of row by row.
void drop_request_indexes(SQLite::Database& db);
void create_request_indexes(SQLite::Database& db);

}  // namespace clown::store
