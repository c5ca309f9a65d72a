#pragma once
// The SQLite store: $CLOWN_HOME/telemetry/usage.db (WAL, 5 s busy timeout,
// schema_version + numbered migrations in store.cpp, the one definition of
// the schema). docs/schema.md documents the tables for users who query them;
// store/requests_table.hpp and store/runs_table.hpp own their rows.
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
  // Opens read-only for reports, for use by one thread (no SQLite mutexes); a
  // missing database is an empty store.
  static Expected<std::unique_ptr<Store>> open_readonly(const Paths& paths);

  SQLite::Database& db() { return *m_db; }

 private:
  explicit Store(std::unique_ptr<SQLite::Database> db) : m_db(std::move(db)) {}
  std::unique_ptr<SQLite::Database> m_db;
};

inline constexpr int k_schema_version = 12;

// The SQL function a writable Store's connection answers with this machine's
// id (store/machine_id.hpp).
inline constexpr const char* k_machine_id_function = "clown_machine_id";

// A bulk load into an empty `requests` table is faster when the secondary
// indexes are built once afterwards (a sort) instead of row by row.
void drop_request_indexes(SQLite::Database& db);
void create_request_indexes(SQLite::Database& db);
// Just the one on requests.session_id (a bulk load that reads sessions back
// before its other indexes exist).
void create_session_index(SQLite::Database& db);
// Builds the request indexes when they are missing (in the caller's
// transaction if it is in one, else in its own). A cold import commits its
// rows before it builds them (ingest/importer.cpp): interrupted in between,
// or overtaken by another writer, the next writer builds them. Store::open
// calls it.
void ensure_request_indexes(SQLite::Database& db);

// SQLite's PRAGMA data_version of `db`: it changes when another connection
// commits (not when `db` itself does).
int64_t data_version(SQLite::Database& db);

// How long a connection waits for another writer (SQLite's busy handler):
// 5 s; CLOWN_DB_BUSY_TIMEOUT_MS shortens it for tests of a locked database.
int busy_timeout_ms();

}  // namespace clown::store
