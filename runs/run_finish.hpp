#pragma once
// Recording a finished run: its requests stored, one sessions.jsonl line
// (docs/file-formats.md#sessions-jsonl), its directory removed. A run whose
// launcher was killed is recorded by the next clown that looks.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"
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
// telemetry_error, and the error is returned).
Expected<FinishedRun> finish_run(const Paths& paths, const RunInfo& info);

// Finishes runs whose launcher and agent are both gone. Returns how many.
int recover_abandoned_runs(const Paths& paths);

// `clown usage`: records the runs whose launcher and agent are gone first, so
// the report includes them, then builds it.
Expected<reports::Report> report_with_recovery(const Paths& paths, const reports::UsageFilter& filter,
                                               reports::ReportKind kind, const reports::ReportOptions& options,
                                               int64_t now_ms);

// The sessions.jsonl line for a finished run.
nlohmann::json session_line(const RunInfo& info, const RunUsage& usage);

}  // namespace clown::runs
