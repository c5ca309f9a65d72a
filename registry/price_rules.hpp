#pragma once
// The per-token prices a request is billed at, from a LiteLLM entry
// (docs/cost.md). The one place these rules live: request_cost() applies
// them and `clown pricing show` displays them.
#include <cstdint>

#include "registry/pricing_table.hpp"

namespace clown::registry {

// Above this many input-side tokens (input + cache writes + cache reads) a
// request is billed entirely at the entry's *_above_200k_tokens prices.
inline constexpr int64_t k_long_context_threshold = 200000;

enum class PriceTier { standard, long_context };

struct TokenPrice {
  enum class Origin {
    stated,          // the entry's own field
    twice_input,     // 1-hour cache write without a price: Anthropic bills 2x the input price
    absent,          // no price and no rule: LiteLLM counts such tokens as free (models without caching)
    standard_price,  // long-context tier without its own price for this part: the standard one
  };
  double usd = 0;  // per token
  Origin origin = Origin::stated;
};

struct TierPrices {
  TokenPrice input, output, cache_write_5m, cache_write_1h, cache_read;
};

bool has_long_context_prices(const ModelPrice& price);
// The tier a request with this many input-side tokens is billed in.
PriceTier tier_for(const ModelPrice& price, int64_t input_side_tokens);
TierPrices tier_prices(const ModelPrice& price, PriceTier tier);

}  // namespace clown::registry
