#include "runs/run_finish.hpp"

#include <fcntl.h>

#include <algorithm>
#include <cmath>
#include <system_error>

#include "common/file_io.hpp"
#include "common/file_stamp.hpp"
#include "common/time.hpp"
#include "reports/aggregates.hpp"
#include "store/usage_types.hpp"

namespace clown::runs {

namespace fs = std::filesystem;

namespace {

// How the run's telemetry went: "received" (the agent's events reached the
// run), "unavailable" (it made requests but no event arrived: no receiver),
// "none" (no requests, no events), or the mode when clown did not set it:
// "off" (the profile's telemetry = false) or "user" (the user's own exporter).
std::string otel_status(const RunInfo& info, const RunUsage& usage) {
  if (info.otel != "clown") return info.otel;
  if (usage.otel_events > 0) return "received";
  return usage.requests > 0 ? "unavailable" : "none";
}

}  // namespace

nlohmann::json session_line(const RunInfo& info, const RunUsage& usage) {
  const double duration = std::round(static_cast<double>(info.ended_ms - info.started_ms)) / 1000.0;
  nlohmann::json line = {{"run_id", info.run_id},
                         {"profile", info.profile},
                         {"agent_id", info.agent_id},
                         {"provider_id", info.provider_id},
                         {"model", info.model},
                         {"cwd", info.cwd},
                         {"started_at", format_iso8601_ms(info.started_ms)},
                         {"ended_at", format_iso8601_ms(info.ended_ms)},
                         {"duration_secs", duration},
                         {"exit_code", info.exit_code ? nlohmann::json(*info.exit_code) : nlohmann::json(nullptr)},
                         {"session_started", usage.session_started},
                         {"session_ids", usage.session_ids},
                         {"requests", usage.requests},
                         {"tokens", store::tokens_json(usage.tokens)},
                         {"cost", store::cost_json(usage.cost)},
                         {"unpriced_models", usage.unpriced_models}};
  line["cost"]["web_search_cost"] = usage.cost.web_search;
  // total_cost is the priced part only when a model had no price (docs/cost.md#unpriced).
  line["cost"]["cost_complete"] = usage.unpriced_models.empty();
  line["otel"] = otel_status(info, usage);
  return line;
}

namespace {

// docs/accuracy.md#pending-runs: the run's requests were read but could not be
// stored. Its directory (run.json, hooks.jsonl: the attribution) stays, with
// when and how it ended, until a later finish_run stores them.
fs::path pending_file(const Paths& paths, const std::string& run_id) { return paths.run_dir(run_id) / "pending.json"; }

Error keep_pending(const Paths& paths, const RunInfo& info, const Error& why) {
  nlohmann::json pending = {{"ended_ms", info.ended_ms}, {"error", why.message}};
  if (info.exit_code) pending["exit_code"] = *info.exit_code;
  (void)write_file_atomic(pending_file(paths, info.run_id), pending.dump() + "\n", 0600);
  return Error{why.message + "; the run stays pending in " + paths.run_dir(info.run_id).string() +
               " and its requests are stored under profile '" + info.profile +
               "' by the next `clown run`, `clown usage` or import"};
}

// A pending run keeps the end time and exit code its launcher saw.
void apply_pending(const Paths& paths, RunInfo& info) {
  auto text = read_file(pending_file(paths, info.run_id));
  if (!text) return;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return;
  if (auto it = j.find("ended_ms"); it != j.end() && it->is_number_integer() && it->get<int64_t>() > 0)
    info.ended_ms = it->get<int64_t>();
  if (auto it = j.find("exit_code"); it != j.end() && it->is_number_integer()) info.exit_code = it->get<int>();
}

}  // namespace

Expected<FinishedRun> finish_run(const Paths& paths, const RunInfo& info) {
  const auto events = read_hook_events(paths, info.run_id);
  bool store_failed = false;
  auto usage = collect_run_usage(paths, info, events, &store_failed);
  if (!usage && store_failed) return tl::unexpected(keep_pending(paths, info, usage.error()));
  FinishedRun finished;
  RunUsage& recorded = finished.usage;
  if (usage) recorded = *usage;
  // Every session the hooks reported or the logs showed (the hooks' alone when reading failed).
  recorded.session_ids = usage ? usage->session_ids : session_ids_of(events);
  recorded.session_started = session_started(events) || recorded.requests > 0;
  auto line = session_line(info, recorded);
  // Never a silent zero: a run whose transcripts could not be read says so.
  if (!usage) line["telemetry_error"] = usage.error().message;
  TRY(ensure_dir(paths.telemetry_dir(), 0755));
  TRY(append_line_durable(paths.sessions_log(), line.dump()));
  // aggregates.json only changes when the run stored requests; skipping the
  // refresh otherwise keeps `clown run` of a request-less agent in the
  // millisecond range even with a large history.
  // Otherwise it is only checked against the store: a crash between an
  // earlier commit and its refresh left it stale (docs/file-formats.md#aggregates-json).
  if (recorded.requests > 0) {
    if (auto a = reports::refresh_aggregates(paths); !a)
      finished.warnings.push_back("aggregates.json not refreshed: " + a.error().message);
  } else if (auto a = reports::ensure_aggregates_current(paths); !a) {
    finished.warnings.push_back("aggregates.json not refreshed: " + a.error().message);
  }
  std::error_code ec;
  fs::remove_all(paths.run_dir(info.run_id), ec);
  if (!usage) return tl::unexpected(usage.error());
  return finished;
}

namespace {

// When an abandoned run ended: the last time its agent wrote a transcript or a
// hook fired, else when it started.
int64_t last_activity_ms(const RunInfo& info, const std::vector<HookEvent>& events) {
  int64_t last = info.started_ms;
  for (const auto& e : events) {
    last = std::max(last, e.received_ms);
    if (e.transcript_path.empty()) continue;
    if (auto st = stat_file(e.transcript_path)) last = std::max(last, st->mtime_ms());
  }
  return last;
}

}  // namespace

int recover_abandoned_runs(const Paths& paths) {
  int recovered = 0;
  std::error_code ec;
  std::vector<fs::path> dirs;
  for (fs::directory_iterator it(paths.runs_dir(), ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory()) dirs.push_back(it->path());
  for (const auto& dir : dirs) {
    const auto file = dir / "run.json";
    // Its launcher, agent or another recoverer may hold it.
    auto lock = FileLock::try_lock(Fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC)));
    if (!lock) continue;
    const auto by_fd = stat_fd(lock->fd()), by_path = stat_file(file);
    if (!by_fd || !by_path || !by_fd->same_file(*by_path)) continue;  // finished and removed while we waited
    auto text = read_file(file);
    if (!text) continue;
    auto parsed = nlohmann::json::parse(*text, nullptr, false);
    auto info = run_info_from_json(parsed);
    if (!info) continue;
    info->ended_ms = last_activity_ms(*info, read_hook_events(paths, info->run_id));
    info->exit_code.reset();
    apply_pending(paths, *info);
    (void)finish_run(paths, *info);
    ++recovered;
  }
  return recovered;
}

Expected<reports::Report> report_with_recovery(const Paths& paths, const reports::UsageFilter& filter,
                                               reports::ReportKind kind, const reports::ReportOptions& options,
                                               int64_t now) {
  recover_abandoned_runs(paths);
  return reports::build_report(paths, filter, kind, options, now);
}

Expected<ingest::ImportSummary> import_claude_after_runs(const Paths& paths, const ingest::ImportOptions& options) {
  recover_abandoned_runs(paths);
  return ingest::import_claude(paths, options);
}

Expected<ingest::ImportSummary> import_agent_after_runs(const Paths& paths, const ingest::AgentImportOptions& options) {
  recover_abandoned_runs(paths);
  return ingest::import_agent(paths, options);
}

Expected<std::vector<ingest::AgentImport>> import_all_after_runs(
    const Paths& paths, const std::function<void(uint64_t, uint64_t)>& progress) {
  recover_abandoned_runs(paths);
  return ingest::import_all(paths, progress);
}

}  // namespace clown::runs
