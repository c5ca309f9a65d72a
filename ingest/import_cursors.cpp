#include "ingest/import_cursors.hpp"

namespace clown::ingest {

ImportCursors::ImportCursors(SQLite::Database& db)
    : m_save(db,
             "INSERT OR REPLACE INTO import_files(path, dev, ino, size, offset, mtime_ns, profile) "
             "VALUES(?,?,?,?,?,?,?)") {
  store::Sql q(db, "SELECT path, dev, ino, size, offset, mtime_ns FROM import_files");
  while (q.step()) {
    Cursor c;
    c.stat = {q.int64(1), q.int64(2), q.int64(3), q.int64(5)};
    c.offset = q.int64(4);
    m_cursors.emplace(std::string(q.text(0)), c);
  }
}

std::optional<uint64_t> ImportCursors::start_offset(const std::string& path, const FileStamp& now) const {
  auto it = m_cursors.find(path);
  if (it == m_cursors.end()) return 0;
  const auto& c = it->second;
  const bool same_file = c.stat.same_file(now);
  if (same_file && c.stat.size == now.size && c.stat.mtime_ns == now.mtime_ns) return std::nullopt;
  if (same_file && now.size >= c.offset) return static_cast<uint64_t>(c.offset);
  return 0;
}

void ImportCursors::save(const std::string& path, const FileStamp& stat, uint64_t end_offset,
                         const std::string& profile) {
  m_save.bind(1, path).bind(2, stat.dev).bind(3, stat.ino).bind(4, stat.size);
  m_save.bind(5, static_cast<int64_t>(end_offset)).bind(6, stat.mtime_ns).bind(7, profile);
  m_save.exec();
  m_save.reset();
}

}  // namespace clown::ingest
