#pragma once
// Reads Codex CLI rollouts (docs/accuracy.md#codex): $CODEX_HOME/sessions/
// YYYY/MM/DD/rollout-*.jsonl, archived_sessions/rollout-*.jsonl, and either
// compressed to .jsonl.zst. One request per billed response.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "ingest/transcript_parser.hpp"

namespace clown::ingest {

struct RolloutScan {
  std::vector<store::RequestUsage> requests;  // each request once, in file order
  ParseStats stats;
  std::string thread_id;  // session_meta.id
  uint64_t bytes_read = 0;
};

// Parses a rollout's text. Requests are
//  - every top-level token_usage_record line (0.169.0+): usage of one
//    response, keyed "req:<response_id>";
//  - otherwise (older versions) each increase of event_msg token_count's
//    cumulative total_token_usage, keyed "codex:<thread>:<ordinal>": totals
//    equal to the previous one are re-emissions, `info: null` carries
//    nothing, the first total's baseline is total − last (a fork's totals
//    start from its parent's), and in fork and subagent files lines older
//    than the file's session_meta (a replay of the parent's history) are
//    dropped.
// Model = the preceding turn_context's; cached input and cache writes are
// taken out of input_tokens, reasoning stays in output.
RolloutScan parse_codex_rollout(std::string_view text, std::string_view fallback_thread);

// Reads one rollout (plain or .zst) whole.
Expected<RolloutScan> scan_codex_rollout(const std::filesystem::path& file);

// Every rollout under a Codex home (sessions/ recursively, archived_sessions/),
// sorted. A .jsonl.zst whose plain .jsonl sibling exists is left out: Codex
// decompresses a resumed rollout back to .jsonl and appends to it.
std::vector<std::string> list_codex_rollouts(const std::filesystem::path& codex_home);

}  // namespace clown::ingest
