#pragma once
// `clown usage sql "<SELECT …>"`: one read-only statement against the store
// (docs/schema.md: the tables and the stable views), through a read-only
// connection with PRAGMA query_only=1 and an authorizer that refuses anything
// but reading, so a refused statement changes nothing.
#include <cstdint>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::reports {

struct SqlBlob {
  std::string bytes;
};
// NULL, INTEGER, REAL, TEXT, BLOB.
using SqlValue = std::variant<std::monostate, int64_t, double, std::string, SqlBlob>;

struct SqlResult {
  std::vector<std::string> columns;
  std::vector<std::vector<SqlValue>> rows;
};

// Runs one statement that only reads. A write (INSERT, UPDATE, DELETE, DROP,
// CREATE, ATTACH, a PRAGMA that sets something, …) is refused and an SQL
// error reported with SQLite's message, both with exit code 2.
Expected<SqlResult> run_sql(const Paths& paths, const std::string& sql);

// The text of a value in a table or CSV: NULL is "", a REAL the shortest
// text that reads back as the same double (with ".0" when whole), a BLOB X'hex'.
std::string sql_text(const SqlValue& value);
// Whether a value is a number (tables right-align number columns).
bool sql_is_number(const SqlValue& value);

// [{"column": value, …}, …] in column order; a BLOB is its X'hex' text.
nlohmann::ordered_json to_json(const SqlResult& result);
// RFC 4180: a header line, CRLF line ends, fields with a comma, quote, CR or
// LF quoted with quotes doubled; NULL is an empty field.
void write_csv(std::ostream& out, const SqlResult& result);

}  // namespace clown::reports
