#pragma once
// `clown usage import-claude`: every projects/**/*.jsonl of each Claude config
// dir plus stats-cache.json, incremental and idempotent.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::ingest {

struct ImportOptions {
  // Empty: each CLAUDE_CONFIG_DIR entry (comma-separated), else ~/.config/claude
  // and ~/.claude. Isolated profiles' homes are always added (attributed to
  // their profile).
  std::vector<std::filesystem::path> claude_dirs;
  // Called now and then with bytes done / total (for a progress bar).
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct ImportSummary {
  int64_t files_seen = 0;
  int64_t files_read = 0;  // new or grown files actually read
  int64_t new_requests = 0;
  int64_t duplicates = 0;     // request copies already counted
  int64_t skipped_lines = 0;  // unreadable / truncated / invalid lines
  int64_t bytes_read = 0;
  int64_t history_requests = 0;   // per-model "before transcripts" rows from stats-cache.json
  int64_t otel_events = 0;        // requests stored from the daemon's OTel inbox (docs/accuracy.md#otel)
  int64_t unlogged_sessions = 0;  // sessions whose own totals count requests no log shows (docs/accuracy.md#reconcile)
  double seconds = 0;
  std::vector<std::string> warnings;
  // Requests stored without a price whose model the current prices know
  // (docs/cost.md#reprice), and the hint saying so ("" when there are none).
  int64_t repriceable_requests = 0, repriceable_models = 0;
  std::string hint;
  // Requests without an API request id looked up among stored OpenTelemetry
  // events by content (docs/accuracy.md#dedup). None in a cold import: an
  // empty store holds no events. Not part of the JSON (tests, tracing).
  int64_t twin_searches = 0;
  // A cold import's all-time rollup was summed from the rows as they were
  // stored (ingest/bulk_rollup.hpp), not read back. Not part of the JSON.
  bool rollup_summed = false;
};

Expected<ImportSummary> import_claude(const Paths& paths, const ImportOptions& options);
nlohmann::json to_json(const ImportSummary& summary);

// Fills the summary's repriceable counts and hint from the store after an import.
void add_reprice_hint(const Paths& paths, ImportSummary& summary);

}  // namespace clown::ingest
