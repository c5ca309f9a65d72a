#pragma once
// What a request costs (docs/cost.md): its token counts at the per-token
// prices registry/price_rules.hpp derives from a LiteLLM entry.
#include <string>
#include <string_view>
#include <unordered_map>

#include "registry/pricing_table.hpp"
#include "store/usage_types.hpp"

namespace clown::store {

// Anthropic bills server-side web searches at $10 per 1,000.
inline constexpr double k_web_search_usd = 0.01;

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
  std::unordered_map<std::string, Resolved> m_cache;  // node-based: Resolved references stay valid
};

struct PricedCost {
  CostParts cost;              // zero when unpriced (and reported as unpriced, never as $0)
  bool priced = false;         // false: the model resolved to no price
  std::string_view price_key;  // the LiteLLM key used (owned by the resolver)
};
PricedCost price_request(PriceResolver& resolver, const std::string& model, const TokenCounts& tokens);

}  // namespace clown::store
