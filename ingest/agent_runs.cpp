#include "ingest/agent_runs.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "common/file_io.hpp"
#include "common/file_stamp.hpp"
#include "ingest/codex_reader.hpp"
#include "ingest/gemini_reader.hpp"
#include "ingest/opencode_reader.hpp"
#include "ingest/transcript_parser.hpp"

namespace clown::ingest {

namespace {

namespace fs = std::filesystem;

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

void add_unique(std::vector<std::string>& items, const std::string& item) {
  if (!item.empty() && !contains(items, item)) items.push_back(item);
}

bool written_since(const std::string& file, int64_t lo_ms) {
  auto st = stat_file(file);
  return st && st->mtime_ms() >= lo_ms;
}

// Collects requests inside the window, each once (the largest copy).
class Collector {
 public:
  explicit Collector(const RunScope& scope) : m_scope(scope) {}
  bool in_window(const store::RequestUsage& r) const { return r.ts_ms >= m_scope.lo_ms && r.ts_ms <= m_scope.hi_ms; }
  void add(store::RequestUsage r) {
    if (!in_window(r)) return;
    add_unique(m_out.session_ids, r.session_id);
    m_set.add(std::move(r));
  }
  void read_file(const std::string& f) { add_unique(m_out.files, f); }
  RunRequests finish() {
    m_out.requests = m_set.take();
    return std::move(m_out);
  }

 private:
  const RunScope& m_scope;
  RequestSet m_set;
  RunRequests m_out;
};

Expected<void> read_codex(const RunScope& scope, Collector& out) {
  std::vector<std::string> files = scope.transcripts;
  // No hook fired (hooks disabled): an isolated home's rollouts written during the run.
  if (files.empty() && scope.isolated)
    for (const auto& f : list_codex_rollouts(scope.usage_dir))
      if (written_since(f, scope.lo_ms)) files.push_back(f);
  for (const auto& f : files) {
    std::error_code ec;
    if (!fs::exists(f, ec)) continue;  // a session that ended before writing anything
    TRY_ASSIGN(auto scan, scan_codex_rollout(f));
    out.read_file(f);
    for (auto& r : scan.requests) out.add(std::move(r));
  }
  return {};
}

// Gemini CLI: the chats its hooks named, and every chat written during the
// run that belongs to a session the run owns (the id clown chose, a resumed
// session's stub); in an isolated home without known sessions, all of them.
Expected<void> read_gemini(const RunScope& scope, Collector& out) {
  std::vector<GeminiChatFile> files;
  for (const auto& t : scope.transcripts) files.push_back(gemini_chat_file(t));
  for (auto& f : list_gemini_chats(scope.usage_dir))
    if (written_since(f.path, scope.lo_ms) &&
        std::none_of(files.begin(), files.end(), [&](const auto& g) { return g.path == f.path; }))
      files.push_back(std::move(f));
  const bool take_all = scope.isolated && scope.session_ids.empty();
  for (const auto& f : files) {
    std::error_code ec;
    if (!fs::exists(f.path, ec)) continue;
    TRY_ASSIGN(auto scan, scan_gemini_chat(f));
    const bool named = contains(scope.transcripts, f.path);
    bool any = false;
    for (auto& r : scan.requests) {
      if (!named && !take_all && !contains(scope.session_ids, r.session_id)) continue;
      any = true;
      out.add(std::move(r));
    }
    if (named || any) out.read_file(f.path);
  }
  // Requests no chat records (session summaries, compression, ...).
  if (!scope.telemetry_file.empty()) {
    if (auto text = clown::read_file(scope.telemetry_file)) {
      ParseStats stats;
      for (auto& r : parse_gemini_utility_requests(*text, stats)) out.add(std::move(r));
      out.read_file(scope.telemetry_file);
    }
  }
  return {};
}

// opencode: the steps stored during the run, in sessions of the run's
// directory (every session of an isolated home).
Expected<void> read_opencode(const RunScope& scope, Collector& out) {
  const auto db = opencode_db_file(scope.usage_dir);
  std::error_code ec;
  if (!fs::exists(db, ec)) return {};
  TRY_ASSIGN(auto scan, read_opencode_db(db, {scope.lo_ms, scope.hi_ms == INT64_MAX ? 0 : scope.hi_ms}));
  out.read_file(db.string());
  for (auto& r : scan.requests)
    if (scope.isolated || r.cwd == scope.cwd) out.add(std::move(r));
  return {};
}

}  // namespace

Expected<RunRequests> read_agent_run(const RunScope& scope) {
  Collector out(scope);
  if (scope.reader == "codex")
    TRY(read_codex(scope, out));
  else if (scope.reader == "gemini")
    TRY(read_gemini(scope, out));
  else if (scope.reader == "opencode")
    TRY(read_opencode(scope, out));
  else
    return fail("no usage reader '" + scope.reader + "'");
  return out.finish();
}

}  // namespace clown::ingest
