#pragma once
// A synthetic Claude Code config dir (projects/**/*.jsonl) shaped like a heavy
// user's, with every edge case of docs/accuracy.md's rules, and the totals
// a correct importer must reproduce exactly.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "store/usage_types.hpp"

namespace clown::bench {

struct CorpusSpec {
  uint64_t seed = 1;
  int files = 3000;           // transcripts, subagent files included
  double scale = 1.0;         // multiplies every file size
  bool one_huge_file = true;  // one ~90 MB transcript
  bool edge_cases = true;     // partials, copies, bad lines, synthetic, unpriced model...
};

struct CorpusTotals {
  int64_t files = 0;
  int64_t bytes = 0;
  int64_t requests = 0;       // unique (message.id, requestId)
  int64_t usage_lines = 0;    // readable usage lines written (copies included)
  int64_t skipped_lines = 0;  // lines a correct parser must skip
  int64_t synthetic_lines = 0;
  int64_t sidechain_requests = 0;
  store::TokenCounts tokens;
  std::map<std::string, store::TokenCounts> by_model;
  std::map<std::string, int64_t> requests_by_model;
};

// Writes <claude_dir>/projects/... and returns the known totals.
CorpusTotals generate_corpus(const std::filesystem::path& claude_dir, const CorpusSpec& spec);

}  // namespace clown::bench
