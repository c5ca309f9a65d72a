#pragma once
// A prepared statement on SQLiteCpp's connection through the raw sqlite3 API:
// text is bound and read as string_view without copies (SQLiteCpp copies or
// asks for NUL-terminated strings), which matters on the import and report
// paths that touch every request. Errors throw SQLite::Exception, like
// SQLiteCpp, so callers catch one exception type at the module edge.
#include <sqlite3.h>

#include <cstdint>
#include <string_view>

#include <SQLiteCpp/SQLiteCpp.h>

namespace clown::store {

class Sql {
 public:
  Sql(SQLite::Database& db, std::string_view sql);
  ~Sql();
  Sql(const Sql&) = delete;
  Sql& operator=(const Sql&) = delete;

  // Parameters are 1-based. Bound text is not copied: it must stay alive
  // until the statement is stepped and reset.
  Sql& bind(int index, int64_t value);
  Sql& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Sql& bind(int index, double value);
  Sql& bind(int index, std::string_view value);
  Sql& bind_null(int index);

  // True while there is a row; false when done.
  bool step();
  // Steps to the end and returns sqlite3_changes().
  int exec();
  // Ready to run again with new bindings.
  void reset();
  // Ready to run again, bindings kept: for a statement that binds every
  // parameter before each step (clearing 29 bindings per imported request
  // costs measurably).
  void rewind() { sqlite3_reset(m_stmt); }

  // Columns are 0-based.
  int64_t int64(int column) const { return sqlite3_column_int64(m_stmt, column); }
  double real(int column) const { return sqlite3_column_double(m_stmt, column); }
  bool is_null(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
  std::string_view text(int column) const;

 private:
  [[noreturn]] void throw_error(int rc) const;
  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

}  // namespace clown::store
