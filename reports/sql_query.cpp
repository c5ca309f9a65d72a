#include "reports/sql_query.hpp"

#include <sqlite3.h>

#include <charconv>
#include <string_view>

#include "common/hex.hpp"
#include "store/store.hpp"

namespace clown::reports {

namespace {

// PRAGMAs that only read, whatever their argument (table_info(requests), …).
bool reading_pragma(std::string_view name) {
  for (std::string_view p : {"table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
                             "foreign_key_list", "integrity_check", "quick_check"})
    if (name == p) return true;
  return false;
}

// PRAGMAs that read a setting when given no value (PRAGMA user_version; but
// not PRAGMA wal_checkpoint, which writes without one).
bool setting_pragma(std::string_view name) {
  for (std::string_view p : {"schema_version", "user_version", "application_id", "data_version", "page_size",
                             "page_count", "freelist_count", "journal_mode", "encoding", "query_only", "database_list",
                             "function_list", "pragma_list", "collation_list", "compile_options"})
    if (name == p) return true;
  return false;
}

std::string str(const char* s) { return s ? s : ""; }

// What the authorizer refused, for the message.
struct Guard {
  std::string refused;
};

// sqlite3_set_authorizer callback: allow reading, deny everything else.
int authorize(void* user, int action, const char* a1, const char* a2, const char*, const char*) {
  auto& guard = *static_cast<Guard*>(user);
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE: return SQLITE_OK;
    case SQLITE_FUNCTION:
      if (str(a2) != "load_extension") return SQLITE_OK;
      guard.refused = "load_extension()";
      return SQLITE_DENY;
    case SQLITE_PRAGMA:
      if (reading_pragma(str(a1)) || (!a2 && setting_pragma(str(a1)))) return SQLITE_OK;
      guard.refused = "PRAGMA " + str(a1) + (a2 ? " = " + str(a2) : "");
      return SQLITE_DENY;
    case SQLITE_INSERT: guard.refused = "INSERT into " + str(a1); return SQLITE_DENY;
    case SQLITE_UPDATE: guard.refused = "UPDATE of " + str(a1); return SQLITE_DENY;
    case SQLITE_DELETE: guard.refused = "DELETE from " + str(a1); return SQLITE_DENY;
    case SQLITE_ATTACH: guard.refused = "ATTACH"; return SQLITE_DENY;
    case SQLITE_DETACH: guard.refused = "DETACH"; return SQLITE_DENY;
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT: guard.refused = "a transaction"; return SQLITE_DENY;
    default: guard.refused = "a statement that changes the schema or the data"; return SQLITE_DENY;
  }
}

Error refusal(const std::string& what) {
  return Error{"clown usage sql only reads: " + what +
                   " is refused. Query the tables and views in docs/schema.md with SELECT; clown's own commands "
                   "change the store",
               k_exit_usage};
}

SqlValue value_of(sqlite3_stmt* stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_INTEGER: return static_cast<int64_t>(sqlite3_column_int64(stmt, column));
    case SQLITE_FLOAT: return sqlite3_column_double(stmt, column);
    case SQLITE_TEXT: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
      return std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt, column)));
    }
    case SQLITE_BLOB: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, column));
      return SqlBlob{std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt, column)))};
    }
    default: return std::monostate{};
  }
}

struct Statement {
  sqlite3_stmt* stmt = nullptr;
  ~Statement() { sqlite3_finalize(stmt); }
};

// Prepares the one statement in `sql` (a second one is refused).
Expected<void> prepare(sqlite3* db, const std::string& sql, Guard& guard, Statement& out) {
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &out.stmt, &tail);
  if (rc != SQLITE_OK) {
    if (!guard.refused.empty()) return tl::unexpected(refusal(guard.refused));
    return fail(std::string("SQL error: ") + sqlite3_errmsg(db), k_exit_usage);
  }
  if (!out.stmt) return fail("no SQL statement given: pass one SELECT, e.g. \"SELECT * FROM v_daily\"", k_exit_usage);
  Statement next;
  rc = sqlite3_prepare_v2(db, tail, -1, &next.stmt, nullptr);
  if (rc != SQLITE_OK || next.stmt)
    return fail("clown usage sql runs one statement; remove what follows the first ';'", k_exit_usage);
  // VACUUM and the like pass the authorizer; SQLite knows they would write.
  if (!sqlite3_stmt_readonly(out.stmt)) return tl::unexpected(refusal("a statement that writes"));
  return {};
}

}  // namespace

Expected<SqlResult> run_sql(const Paths& paths, const std::string& sql) {
  TRY_ASSIGN(auto store, store::Store::open_readonly(paths));
  sqlite3* db = store->db().getHandle();
  Guard guard;
  try {
    store->db().exec("PRAGMA query_only=1");
  } catch (const std::exception& e) {
    return fail(std::string("cannot make the connection read-only: ") + e.what());
  }
  sqlite3_set_authorizer(db, authorize, &guard);
  Statement stmt;
  TRY(prepare(db, sql, guard, stmt));
  SqlResult result;
  const int ncolumns = sqlite3_column_count(stmt.stmt);
  for (int i = 0; i < ncolumns; ++i) result.columns.push_back(str(sqlite3_column_name(stmt.stmt, i)));
  int rc;
  while ((rc = sqlite3_step(stmt.stmt)) == SQLITE_ROW) {
    auto& row = result.rows.emplace_back();
    for (int i = 0; i < ncolumns; ++i) row.push_back(value_of(stmt.stmt, i));
  }
  if (rc != SQLITE_DONE) return fail(std::string("SQL error: ") + sqlite3_errmsg(db), k_exit_usage);
  return result;
}

std::string sql_text(const SqlValue& value) {
  struct Visit {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const {
      char buf[32];
      const auto res = std::to_chars(buf, buf + sizeof buf, v);
      std::string text(buf, res.ptr);
      // A REAL reads as one (15.0, not 15), as the sqlite3 shell prints it.
      if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
      return text;
    }
    std::string operator()(const std::string& v) const { return v; }
    std::string operator()(const SqlBlob& v) const { return "X'" + to_hex(v.bytes) + "'"; }
  };
  return std::visit(Visit{}, value);
}

bool sql_is_number(const SqlValue& value) {
  return std::holds_alternative<int64_t>(value) || std::holds_alternative<double>(value);
}

nlohmann::ordered_json to_json(const SqlResult& result) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& row : result.rows) {
    nlohmann::ordered_json obj = nlohmann::ordered_json::object();
    for (size_t i = 0; i < row.size(); ++i) {
      const auto& v = row[i];
      auto& field = obj[result.columns[i]];
      if (const auto* n = std::get_if<int64_t>(&v))
        field = *n;
      else if (const auto* d = std::get_if<double>(&v))
        field = *d;
      else if (!std::holds_alternative<std::monostate>(v))
        field = sql_text(v);
    }
    out.push_back(std::move(obj));
  }
  return out;
}

namespace {
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
}  // namespace

void write_csv(std::ostream& out, const SqlResult& result) {
  for (size_t i = 0; i < result.columns.size(); ++i) out << (i ? "," : "") << csv_field(result.columns[i]);
  out << "\r\n";
  for (const auto& row : result.rows) {
    for (size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(sql_text(row[i]));
    out << "\r\n";
  }
}

}  // namespace clown::reports
