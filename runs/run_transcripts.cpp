#include "runs/run_transcripts.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "ingest/agent_runs.hpp"

namespace clown::runs {

namespace fs = std::filesystem;

Expected<RunTranscripts> read_run_transcripts(const std::vector<HookEvent>& events, int64_t started_ms,
                                              int64_t ended_ms) {
  RunTranscripts out;
  std::vector<std::string> files;
  auto add_file = [&](const std::string& f) {
    if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
  };
  for (const auto& e : events) {
    if (!e.session_id.empty() &&
        std::find(out.session_ids.begin(), out.session_ids.end(), e.session_id) == out.session_ids.end())
      out.session_ids.push_back(e.session_id);
    if (e.transcript_path.empty()) continue;
    add_file(e.transcript_path);
    // Subagents write <session>/subagents/agent-*.jsonl beside the transcript.
    fs::path sub = fs::path(e.transcript_path).replace_extension("") / "subagents";
    std::error_code ec;
    std::vector<std::string> subs;
    for (fs::directory_iterator it(sub, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().extension() == ".jsonl") subs.push_back(it->path().string());
    std::sort(subs.begin(), subs.end());
    for (auto& s : subs) add_file(s);
  }

  const int64_t lo = started_ms - k_run_window_slack_ms;
  const int64_t hi = ended_ms > 0 ? ended_ms + k_run_window_slack_ms : INT64_MAX;
  ingest::LineParser parser;
  ingest::RequestSet set;
  for (const auto& f : files) {
    std::error_code ec;
    if (!fs::exists(f, ec)) continue;  // a session that ended before writing anything
    auto scan = ingest::scan_transcript(f, ingest::ScanOptions{}, parser);
    if (!scan) return tl::unexpected(scan.error());
    out.files.push_back(f);
    for (auto& line : scan->cost_states) out.cost_states.push_back(std::move(line));
    for (auto& r : scan->requests.take())
      if (r.ts_ms >= lo && r.ts_ms <= hi) set.add(std::move(r));
  }
  out.requests = set.take();
  return out;
}

Expected<RunTranscripts> read_run_requests(const RunInfo& info, const std::vector<HookEvent>& events,
                                           int64_t ended_ms) {
  if (info.usage_reader.empty() || info.usage_reader == "claude")
    return read_run_transcripts(events, info.started_ms, ended_ms);
  ingest::RunScope scope;
  scope.reader = info.usage_reader;
  for (const auto& e : events) {
    if (!e.transcript_path.empty() &&
        std::find(scope.transcripts.begin(), scope.transcripts.end(), e.transcript_path) == scope.transcripts.end())
      scope.transcripts.push_back(e.transcript_path);
  }
  scope.session_ids = session_ids_of(events);
  if (!info.session_id.empty() &&
      std::find(scope.session_ids.begin(), scope.session_ids.end(), info.session_id) == scope.session_ids.end())
    scope.session_ids.push_back(info.session_id);
  scope.usage_dir = info.usage_dir;
  scope.isolated = info.isolated;
  scope.cwd = info.cwd;
  scope.telemetry_file = info.telemetry_file;
  scope.lo_ms = info.started_ms - k_run_window_slack_ms;
  scope.hi_ms = ended_ms > 0 ? ended_ms + k_run_window_slack_ms : INT64_MAX;
  TRY_ASSIGN(auto read, ingest::read_agent_run(scope));
  RunTranscripts out;
  out.requests = std::move(read.requests);
  out.files = std::move(read.files);
  out.session_ids = scope.session_ids;
  for (const auto& id : read.session_ids)
    if (std::find(out.session_ids.begin(), out.session_ids.end(), id) == out.session_ids.end())
      out.session_ids.push_back(id);
  return out;
}

}  // namespace clown::runs
