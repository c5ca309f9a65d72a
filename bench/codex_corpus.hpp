#pragma once
// A synthetic Codex CLI home (sessions/YYYY/MM/DD/rollout-*.jsonl, some
// .jsonl.zst, archived_sessions/) in 0.169.0's rollout format
// (tests/data/codex/README.md), with the accounting edge cases of
// docs/accuracy.md#codex, and the totals a correct importer must reproduce.
#include <cstdint>
#include <filesystem>

#include "store/usage_types.hpp"

namespace clown::bench {

struct CodexCorpusSpec {
  uint64_t seed = 1;
  int threads = 1500;  // rollouts written (forks and subagents included; archived copies extra)
  double scale = 1.0;  // multiplies the tool output sizes
};

struct CodexCorpusTotals {
  int64_t files = 0;
  int64_t bytes = 0;
  int64_t requests = 0;       // unique billed responses
  int64_t skipped_lines = 0;  // invalid lines a correct reader skips and counts
  store::TokenCounts tokens;  // input without cache reads, cache reads, output with reasoning
};

CodexCorpusTotals generate_codex_corpus(const std::filesystem::path& codex_home, const CodexCorpusSpec& spec);

}  // namespace clown::bench
