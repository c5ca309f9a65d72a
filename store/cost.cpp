#include "store/cost.hpp"

#include "registry/price_rules.hpp"

namespace clown::store {

CostParts request_cost(const TokenCounts& t, const registry::ModelPrice& p) {
  const int64_t input_side = t.input + t.cache_write_5m + t.cache_write_1h + t.cache_read;
  const auto prices = registry::tier_prices(p, registry::tier_for(p, input_side));
  CostParts c;
  c.input = static_cast<double>(t.input) * prices.input.usd;
  c.output = static_cast<double>(t.output) * prices.output.usd;
  c.cache_write = static_cast<double>(t.cache_write_5m) * prices.cache_write_5m.usd +
                  static_cast<double>(t.cache_write_1h) * prices.cache_write_1h.usd;
  c.cache_read = static_cast<double>(t.cache_read) * prices.cache_read.usd;
  c.web_search = static_cast<double>(t.web_search) * k_web_search_usd;
  return c;
}

const PriceResolver::Resolved& PriceResolver::resolve(const std::string& model) {
  auto it = m_cache.find(model);
  if (it != m_cache.end()) return it->second;
  Resolved r;
  if (auto match = m_table->lookup(model); match && match->price) {
    r.price = match->price;
    r.key = match->key;
  }
  return m_cache.emplace(model, std::move(r)).first->second;
}

PricedCost price_request(PriceResolver& resolver, const std::string& model, const TokenCounts& tokens) {
  const auto& r = resolver.resolve(model);
  if (!r.price) return {};
  return {request_cost(tokens, *r.price), true, r.key};
}

}  // namespace clown::store
