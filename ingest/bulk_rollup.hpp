#pragma once
// The all-time rollup of a cold import, summed from the rows as the import
// stores them instead of read back from the table after its commit (a full
// table scan through SQLite: the longest part of the import's tail,
// docs/accuracy.md#bulk-load). It stands for the table only while every row
// of it went through the observed writer and none changed after its insert:
// SQLite's update hook sees every insert, update and delete on the
// connection, and any row the writer did not report, any update (a larger
// copy merged into a stored request) or delete makes take() return null, and
// the importer then builds the rollup from the committed table as before.
// Rows and the rollup sum the same values in the same order (rowid order), so
// the report cache is the same either way, to the last bit.
#include <cstdint>
#include <memory>

#include <SQLiteCpp/SQLiteCpp.h>

#include "reports/rollup_builder.hpp"
#include "store/request_writer.hpp"

namespace clown::ingest {

class BulkRollup final : public store::InsertObserver {
 public:
  // `db`: the import's connection, in its transaction into an empty table.
  explicit BulkRollup(SQLite::Database& db);
  ~BulkRollup() override;
  BulkRollup(const BulkRollup&) = delete;
  BulkRollup& operator=(const BulkRollup&) = delete;

  void inserted(const store::RequestRecord& stored) override;

  // The rollup of every row `requests` holds, or null when it cannot be
  // vouched for (see above) or outgrew its memory bound.
  std::shared_ptr<const reports::Rollup> take();

 private:
  static void on_change(void* self, int op, const char* database, const char* table, int64_t rowid);
  void give_up();

  SQLite::Database& m_db;
  reports::RollupBuilder m_builder;
  int64_t m_reported = 0;  // inserts the writer reported
  int64_t m_inserts = 0;   // inserts into requests the hook saw
  bool m_valid = true;
  size_t m_rows_seen = 0;
};

}  // namespace clown::ingest
