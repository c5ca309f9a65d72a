#include "ingest/bulk_rollup.hpp"

#include <sqlite3.h>

#include <cstring>

namespace clown::ingest {

namespace {

// A cold import of a long history would hold a rollup too big for the
// import's memory bound (docs/accuracy.md#memory): past this it is dropped
// and built from the table after the commit instead (the bench corpus's
// 144,775 requests need about 2 MiB; 30,000 transcripts of 24,483 sessions
// over 8).
constexpr size_t k_max_bytes = 4u << 20;

}  // namespace

BulkRollup::BulkRollup(SQLite::Database& db) : m_db(db) {
  sqlite3_update_hook(
      db.getHandle(),
      [](void* self, int op, const char* database, const char* table, sqlite3_int64 rowid) {
        on_change(self, op, database, table, rowid);
      },
      this);
}

BulkRollup::~BulkRollup() { sqlite3_update_hook(m_db.getHandle(), nullptr, nullptr); }

void BulkRollup::on_change(void* self, int op, const char* database, const char* table, int64_t) {
  auto& me = *static_cast<BulkRollup*>(self);
  if (std::strcmp(database, "main") != 0 || std::strcmp(table, "requests") != 0) return;
  if (op == SQLITE_INSERT)
    ++me.m_inserts;
  else
    me.give_up();  // a stored row changed or went: only the table knows the sums now
}

void BulkRollup::inserted(const store::RequestRecord& r) {
  ++m_reported;
  if (!m_valid) return;
  reports::RollupInput in;
  in.ts_ms = r.ts_ms;
  in.session_id = r.session_id;
  in.profile = r.profile;
  in.agent = r.agent;
  in.provider = r.provider;
  in.model = r.model;
  in.project = r.project;
  in.query_source = r.query_source;
  in.machine = r.machine;
  in.subagent = r.subagent;
  in.sidechain = r.sidechain;
  in.history = r.source == store::RequestSource::stats_cache;
  in.priced = r.priced;
  in.tokens = r.tokens;
  in.cost = r.cost;
  in.cost_total = r.cost.total();  // what the writer stores as cost_total
  m_builder.add(in);
  // Checked as the rows grow (a new row is one more hash node).
  if (m_builder.rows() != m_rows_seen) {
    m_rows_seen = m_builder.rows();
    if (m_builder.memory() > k_max_bytes) give_up();
  }
}

void BulkRollup::give_up() {
  if (!m_valid) return;
  m_valid = false;
  (void)m_builder.take();  // its memory back now
}

std::shared_ptr<const reports::Rollup> BulkRollup::take() {
  if (!m_valid || m_inserts != m_reported) return nullptr;
  // Rowids start at 1 in an empty table and the hook saw no delete: the
  // highest is the number of inserts (a delete it cannot see, SQLite's
  // truncation of a whole table, would make it lower).
  if (m_db.execAndGet("SELECT ifnull(max(id), 0) FROM requests").getInt64() != m_inserts) return nullptr;
  m_valid = false;
  return std::make_shared<const reports::Rollup>(m_builder.take());
}

}  // namespace clown::ingest
