#pragma once
#include <cstdint>

#include <nlohmann/json.hpp>

#include "common/paths.hpp"

namespace clown::runs {

// Runs in progress (telemetry/runs/<id>/ whose launcher is alive) with live
// token counts read from their transcripts as they grow (nothing is stored).
// A JSON array of {run_id, profile, agent, provider, model, cwd, started_at,
// duration_secs, session_ids, tokens{...}, cost{...}, requests}.
nlohmann::json active_runs_json(const Paths& paths);

// How many runs are in progress (the same runs as active_runs_json, without
// reading their transcripts).
int64_t active_run_count(const Paths& paths);

}  // namespace clown::runs
