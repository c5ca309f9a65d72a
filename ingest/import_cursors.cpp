#include "ingest/import_cursors.hpp"

#include <charconv>

#include "common/file_io.hpp"

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

namespace {

fs::path last_import_file(const Paths& paths) { return paths.telemetry_dir() / "last-import"; }

}  // namespace

void record_import_success(const Paths& paths, int64_t now_ms) {
  (void)write_file_atomic(last_import_file(paths), std::to_string(now_ms), 0644);
}

std::optional<int64_t> last_import_success_ms(const Paths& paths) {
  const auto text = read_file(last_import_file(paths));
  if (!text) return std::nullopt;
  int64_t ms = 0;
  const auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), ms);
  if (ec != std::errc() || ptr != text->data() + text->size() || ms < 0) return std::nullopt;
  return ms;
}

}  // namespace clown::ingest
