#pragma once
// Where each imported file was read up to (the `import_files` table): an
// import reads only the bytes appended since (docs/accuracy.md#cursors).
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/file_stamp.hpp"
#include "common/paths.hpp"
#include "store/sql.hpp"

namespace clown::ingest {

class ImportCursors {
 public:
  // Loads every cursor.
  explicit ImportCursors(SQLite::Database& db);

  // Where to start reading `path` as it is now; nullopt when it is unchanged
  // since the last import. Agents only append: a file that shrank or is
  // another inode was rewritten and is read again from the start (stored
  // requests make the re-read count nothing twice).
  std::optional<uint64_t> start_offset(const std::string& path, const FileStamp& now) const;

  void save(const std::string& path, const FileStamp& stat, uint64_t end_offset, const std::string& profile);

 private:
  struct Cursor {
    FileStamp stat;
    int64_t offset = 0;
  };
  std::map<std::string, Cursor, std::less<>> m_cursors;
  store::Sql m_save;
};

// telemetry/last-import: when an import last finished without error (the
// epoch milliseconds as text), for GET /metrics' import freshness gauge.
// Best effort: a file that cannot be written only leaves the gauge older.
void record_import_success(const Paths& paths, int64_t now_ms);
std::optional<int64_t> last_import_success_ms(const Paths& paths);

}  // namespace clown::ingest
