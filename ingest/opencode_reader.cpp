#include "ingest/opencode_reader.hpp"

#include <map>
#include <optional>
#include <system_error>

#include <SQLiteCpp/SQLiteCpp.h>
#include <simdjson.h>

namespace clown::ingest {

namespace {

namespace dom = simdjson::dom;
namespace fs = std::filesystem;

struct SessionInfo {
  std::string parent;
  std::string directory;
};

// The session a chain of parent_id links ends at (guarded against a cycle).
std::string root_of(const std::map<std::string, SessionInfo>& sessions, std::string id) {
  for (int hops = 0; hops < 64; ++hops) {
    auto it = sessions.find(id);
    if (it == sessions.end() || it->second.parent.empty()) return id;
    id = it->second.parent;
  }
  return id;
}

bool read_count(dom::element o, std::string_view key, int64_t& out) {
  dom::element v;
  out = 0;
  if (o[key].get(v) || v.is_null()) return true;
  return !v.get_int64().get(out) && store::token_count_in_range(out);
}

// step-finish tokens{input, output, reasoning, cache{read, write}}: input
// excludes cache reads and writes; reasoning is billed as output.
std::optional<store::TokenCounts> step_counts(dom::element part) {
  dom::element tokens, cache;
  if (part["tokens"].get(tokens) || !tokens.is_object()) return std::nullopt;
  int64_t input = 0, output = 0, reasoning = 0, read = 0, write = 0;
  if (!read_count(tokens, "input", input) || !read_count(tokens, "output", output) ||
      !read_count(tokens, "reasoning", reasoning))
    return std::nullopt;
  if (!tokens["cache"].get(cache) && cache.is_object() &&
      (!read_count(cache, "read", read) || !read_count(cache, "write", write)))
    return std::nullopt;
  store::TokenCounts t;
  t.input = input;
  t.output = output + reasoning;
  t.cache_read = read;
  t.cache_write_5m = write;
  if (!t.in_range()) return std::nullopt;
  return t;
}

std::map<std::string, SessionInfo> load_sessions(SQLite::Database& db) {
  std::map<std::string, SessionInfo> sessions;
  SQLite::Statement q(db, "SELECT id, COALESCE(parent_id, ''), COALESCE(directory, '') FROM session");
  while (q.executeStep())
    sessions[q.getColumn(0).getString()] = {q.getColumn(1).getString(), q.getColumn(2).getString()};
  return sessions;
}

class StepReader {
 public:
  explicit StepReader(const std::map<std::string, SessionInfo>& sessions) : m_sessions(sessions) {}

  void add(const std::string& part_id, const std::string& session, int64_t time_ms, const std::string& part_json,
           const std::string& message_json) {
    ++m_scan.stats.lines;
    const simdjson::padded_string part_text(part_json);
    dom::element part;
    if (m_parser.parse(part_text).get(part) || !part.is_object()) {
      ++m_scan.stats.skipped_lines;
      return;
    }
    std::string_view type;
    if (part["type"].get(type) || type != "step-finish") return;
    const auto counts = step_counts(part);
    if (!counts) {
      ++m_scan.stats.skipped_lines;
      return;
    }
    ++m_scan.stats.usage_lines;
    store::RequestUsage r;
    r.key = "opencode:" + part_id;
    r.ts_ms = time_ms;
    r.tokens = *counts;
    r.model = model_of(message_json);
    r.session_id = root_of(m_sessions, session);
    r.sidechain = r.session_id != session;
    if (r.sidechain) r.subagent = session;
    if (auto it = m_sessions.find(session); it != m_sessions.end()) r.cwd = it->second.directory;
    m_scan.max_time_ms = std::max(m_scan.max_time_ms, time_ms);
    m_scan.requests.push_back(std::move(r));
  }

  OpencodeScan finish() { return std::move(m_scan); }

 private:
  std::string model_of(const std::string& message_json) {
    const simdjson::padded_string text(message_json);
    dom::element message;
    std::string_view model;
    if (m_parser.parse(text).get(message) || message["modelID"].get(model) || model.empty()) return "unknown";
    return std::string(model);
  }

  const std::map<std::string, SessionInfo>& m_sessions;
  dom::parser m_parser;
  OpencodeScan m_scan;
};

}  // namespace

fs::path opencode_db_file(const fs::path& data_dir) { return data_dir / "opencode.db"; }

Expected<OpencodeScan> read_opencode_db(const fs::path& db_file, const OpencodeQuery& query) {
  std::error_code ec;
  if (!fs::is_regular_file(db_file, ec)) return fail("no opencode database at " + db_file.string());
  try {
    SQLite::Database db(db_file.string(), SQLite::OPEN_READONLY, 5000);
    // One read transaction: parts and sessions from the same committed state
    // while opencode may be writing.
    db.exec("BEGIN");
    const auto sessions = load_sessions(db);
    StepReader reader(sessions);
    SQLite::Statement q(db,
                        "SELECT p.id, p.session_id, p.time_created, p.data, COALESCE(m.data, '') FROM part p "
                        "LEFT JOIN message m ON m.id = p.message_id "
                        "WHERE p.time_created >= ? AND (? = 0 OR p.time_created <= ?) "
                        "AND p.data LIKE '%step-finish%' ORDER BY p.time_created, p.id");
    q.bind(1, static_cast<int64_t>(query.since_ms));
    q.bind(2, static_cast<int64_t>(query.until_ms));
    q.bind(3, static_cast<int64_t>(query.until_ms));
    while (q.executeStep())
      reader.add(q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt64(),
                 q.getColumn(3).getString(), q.getColumn(4).getString());
    db.exec("COMMIT");
    return reader.finish();
  } catch (const std::exception& e) {
    return fail("cannot read the opencode database " + db_file.string() + ": " + e.what() +
                " (copy opencode.db together with its -wal and -shm files)");
  }
}

}  // namespace clown::ingest
