#include "store/sql.hpp"

namespace clown::store {

Sql::Sql(SQLite::Database& db, std::string_view sql) : m_db(db.getHandle()) {
  const int rc = sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr);
  if (rc != SQLITE_OK) throw_error(rc);
}

Sql::~Sql() { sqlite3_finalize(m_stmt); }

void Sql::throw_error(int rc) const { throw SQLite::Exception(m_db, rc); }

Sql& Sql::bind(int index, int64_t value) {
  if (const int rc = sqlite3_bind_int64(m_stmt, index, value); rc != SQLITE_OK) throw_error(rc);
  return *this;
}

Sql& Sql::bind(int index, double value) {
  if (const int rc = sqlite3_bind_double(m_stmt, index, value); rc != SQLITE_OK) throw_error(rc);
  return *this;
}

Sql& Sql::bind(int index, std::string_view value) {
  // An empty view may have a null data(): SQLite would store NULL, not ''.
  const char* data = value.data() ? value.data() : "";
  const int rc = sqlite3_bind_text(m_stmt, index, data, static_cast<int>(value.size()), SQLITE_STATIC);
  if (rc != SQLITE_OK) throw_error(rc);
  return *this;
}

Sql& Sql::bind_null(int index) {
  if (const int rc = sqlite3_bind_null(m_stmt, index); rc != SQLITE_OK) throw_error(rc);
  return *this;
}

bool Sql::step() {
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_error(rc);
}

int Sql::exec() {
  while (step()) {
  }
  return sqlite3_changes(m_db);
}

void Sql::reset() {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

std::string_view Sql::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
  if (!p) return {};
  return {p, static_cast<size_t>(sqlite3_column_bytes(m_stmt, column))};
}

}  // namespace clown::store
