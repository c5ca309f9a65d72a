#pragma once
// One Claude Code transcript with N requests, written as it is generated (the
// generator's memory does not grow with N), and its known totals: the input
// of bench/memory_bench.sh and of the bounded-memory import test.
#include <cstdint>
#include <filesystem>

#include "store/usage_types.hpp"

namespace clown::bench {

struct BigTranscriptTotals {
  int64_t requests = 0;       // unique requests
  int64_t usage_lines = 0;    // readable usage lines (content-block copies and partials included)
  int64_t skipped_lines = 0;  // lines a correct parser must skip
  int64_t bytes = 0;
  store::TokenCounts tokens;  // of the unique requests (the largest copy of each)
};

// Writes <claude_dir>/projects/-home-dev-big/<session>.jsonl. Every 10th
// request has a second content-block line, every 50th a streaming partial
// (output 1) first, every 5000th a cost-state line, every 10000th an
// unreadable line.
BigTranscriptTotals write_big_transcript(const std::filesystem::path& claude_dir, int64_t requests, uint64_t seed = 1);

}  // namespace clown::bench
