// libFuzzer target: Claude Code transcript lines (ingest/transcript_parser),
// the bytes of a .jsonl file as LineParser::parse reads them from a buffer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ingest/transcript_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using clown::ingest::LineParser;
  // parse() reads up to k_padding bytes past the data (simdjson's padding).
  std::string buffer(reinterpret_cast<const char*>(data), size);
  buffer.append(LineParser::k_padding, '\0');
  LineParser parser;
  clown::ingest::RequestSet requests;
  clown::ingest::ParseStats stats;
  parser.parse(std::string_view(buffer.data(), size), "fuzz-session", requests, stats);
  (void)parser.take_cost_states();
  // Every line counted is read, skipped, synthetic or not a request.
  if (stats.usage_lines + stats.skipped_lines + stats.synthetic > stats.lines) __builtin_trap();
  if (static_cast<int64_t>(requests.size()) + stats.duplicates != stats.usage_lines) __builtin_trap();
  return 0;
}
