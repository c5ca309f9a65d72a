#pragma once
// Recording a finished run: its requests stored, one sessions.jsonl line
// (docs/file-formats.md#sessions-jsonl), its directory removed. A run whose
// launcher was killed is recorded by the next clown that looks.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "ingest/agent_import.hpp"
#include "ingest/importer.hpp"
#include "reports/report.hpp"
#include "runs/run_record.hpp"
#include "runs/run_usage.hpp"

namespace clown::runs {

struct FinishedRun {
  RunUsage usage;
  std::vector<std::string> warnings;  // recorded, but something derived was not refreshed
};

// Collects the run's usage, stores it, appends the sessions.jsonl line,
// refreshes aggregates.json and removes the run directory. The line is
// written even when the usage could not be read (it then says why, in
// telemetry_error, and the error is returned). When the transcripts were
// read but usage.db could not store them (locked past its busy timeout,
// unreadable), nothing is written and the directory stays pending (with
// pending.json) for recover_abandoned_runs: the error says so.
Expected<FinishedRun> finish_run(const Paths& paths, const RunInfo& info);

// Finishes runs whose launcher and agent are both gone, and pending runs.
// Returns how many it tried.
int recover_abandoned_runs(const Paths& paths);

// `clown usage`: records the runs whose launcher and agent are gone first, so
// the report includes them, then builds it.
Expected<reports::Report> report_with_recovery(const Paths& paths, const reports::UsageFilter& filter,
                                               reports::ReportKind kind, const reports::ReportOptions& options,
                                               int64_t now_ms);

// Imports that first finish abandoned and pending runs: a run's requests are
// stored under its profile before an import would store them as <agent>-native.
Expected<ingest::ImportSummary> import_claude_after_runs(const Paths& paths, const ingest::ImportOptions& options);
Expected<ingest::ImportSummary> import_agent_after_runs(const Paths& paths, const ingest::AgentImportOptions& options);
Expected<std::vector<ingest::AgentImport>> import_all_after_runs(
    const Paths& paths, const std::function<void(uint64_t, uint64_t)>& progress = {});

// The sessions.jsonl line for a finished run.
nlohmann::json session_line(const RunInfo& info, const RunUsage& usage);

}  // namespace clown::runs
