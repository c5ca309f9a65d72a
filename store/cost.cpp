#include "store/cost.hpp"

namespace clown::store {

namespace {

bool has_long_context_prices(const registry::ModelPrice& p) {
  return p.input_above_200k || p.output_above_200k || p.cache_write_5m_above_200k || p.cache_write_1h_above_200k ||
         p.cache_read_above_200k;
}

}  // namespace

CostParts request_cost(const TokenCounts& t, const registry::ModelPrice& p) {
  const int64_t input_side = t.input + t.cache_write_5m + t.cache_write_1h + t.cache_read;
  const bool long_context = has_long_context_prices(p) && input_side > k_long_context_threshold;

  double in = p.input, out = p.output;
  // LiteLLM leaves cache prices out for models without prompt caching; such
  // models report no cache tokens, so an absent price counts as 0 like LiteLLM does.
  double w5 = p.cache_write_5m.value_or(0.0);
  // Anthropic bills 1-hour cache writes at 2x the base input price when the
  // entry does not state its own price.
  double w1 = p.cache_write_1h.value_or(2.0 * p.input);
  double rd = p.cache_read.value_or(0.0);
  if (long_context) {
    // Every token of the request moves to the long-context prices; a part
    // without its own above-200k price keeps the normal one.
    in = p.input_above_200k.value_or(p.input);
    out = p.output_above_200k.value_or(p.output);
    w5 = p.cache_write_5m_above_200k.value_or(w5);
    w1 = p.cache_write_1h_above_200k.value_or(2.0 * in);
    rd = p.cache_read_above_200k.value_or(rd);
  }
  CostParts c;
  c.input = static_cast<double>(t.input) * in;
  c.output = static_cast<double>(t.output) * out;
  c.cache_write = static_cast<double>(t.cache_write_5m) * w5 + static_cast<double>(t.cache_write_1h) * w1;
  c.cache_read = static_cast<double>(t.cache_read) * rd;
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

void price_request(PriceResolver& resolver, const std::string& model, const TokenCounts& tokens, CostParts& cost,
                   bool& priced, std::string& price_key) {
  const auto& r = resolver.resolve(model);
  if (!r.price) {
    cost = {};
    priced = false;
    price_key.clear();
    return;
  }
  cost = request_cost(tokens, *r.price);
  priced = true;
  price_key = r.key;
}

}  // namespace clown::store
