#pragma once
// The JSON shapes of tokens and cost shared by sessions.jsonl, aggregates.json,
// `clown usage --json` and the API (the usage tracking doc's field names).
#include <nlohmann/json.hpp>

#include "store/usage_types.hpp"

namespace clown::store {

// {"input_tokens","output_tokens","cache_creation_input_tokens","cache_read_input_tokens"}
inline nlohmann::json tokens_json(const TokenCounts& t) {
  return {{"input_tokens", t.input},
          {"output_tokens", t.output},
          {"cache_creation_input_tokens", t.cache_creation()},
          {"cache_read_input_tokens", t.cache_read}};
}

// {"input_cost","output_cost","cache_creation_cost","cache_read_cost","total_cost"}.
// total_cost includes web searches ($0.01 each), which have no part of their
// own in this shape; pass the summed stored totals when there are any.
inline nlohmann::json cost_json(const CostParts& c, double total) {
  return {{"input_cost", c.input},
          {"output_cost", c.output},
          {"cache_creation_cost", c.cache_write},
          {"cache_read_cost", c.cache_read},
          {"total_cost", total}};
}
inline nlohmann::json cost_json(const CostParts& c) { return cost_json(c, c.total()); }

}  // namespace clown::store
