#pragma once
// Request cost exactly as DESIGN.md "Cost" states, from a LiteLLM price entry.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "registry/pricing_table.hpp"
#include "store/usage_types.hpp"

namespace clown::store {

// Anthropic bills server-side web searches at $10 per 1,000.
inline constexpr double k_web_search_usd = 0.01;
// Above this many input-side tokens (input + cache writes + cache reads) a
// request is billed entirely at the entry's *_above_200k_tokens prices.
inline constexpr int64_t k_long_context_threshold = 200000;

CostParts request_cost(const TokenCounts& tokens, const registry::ModelPrice& price);

// Model name -> price, resolved once per distinct name.
class PriceResolver {
 public:
  explicit PriceResolver(const registry::PricingTable& table) : m_table(&table) {}

  struct Resolved {
    const registry::ModelPrice* price = nullptr;  // nullptr: unpriced
    std::string key;
  };
  const Resolved& resolve(const std::string& model);

 private:
  const registry::PricingTable* m_table;
  std::unordered_map<std::string, Resolved> m_cache;
};

// Fills cost, priced and price_key of a row-to-be.
void price_request(PriceResolver& resolver, const std::string& model, const TokenCounts& tokens, CostParts& cost,
                   bool& priced, std::string& price_key);

}  // namespace clown::store
