#include "registry/price_rules.hpp"

namespace clown::registry {

namespace {

using Origin = TokenPrice::Origin;

TokenPrice stated_or(const std::optional<double>& value, TokenPrice fallback) {
  return value ? TokenPrice{*value, Origin::stated} : fallback;
}

}  // namespace

bool has_long_context_prices(const ModelPrice& p) {
  return p.input_above_200k || p.output_above_200k || p.cache_write_5m_above_200k || p.cache_write_1h_above_200k ||
         p.cache_read_above_200k;
}

PriceTier tier_for(const ModelPrice& price, int64_t input_side_tokens) {
  return has_long_context_prices(price) && input_side_tokens > k_long_context_threshold ? PriceTier::long_context
                                                                                        : PriceTier::standard;
}

TierPrices tier_prices(const ModelPrice& p, PriceTier tier) {
  TierPrices s;
  s.input = {p.input, Origin::stated};
  s.output = {p.output, Origin::stated};
  // LiteLLM leaves cache prices out for models without prompt caching; such
  // models report no cache tokens, so an absent price counts as 0 like LiteLLM does.
  s.cache_write_5m = stated_or(p.cache_write_5m, {0.0, Origin::absent});
  // Anthropic bills 1-hour cache writes at 2x the base input price when the
  // entry does not state its own price.
  s.cache_write_1h = stated_or(p.cache_write_1h, {2.0 * p.input, Origin::twice_input});
  s.cache_read = stated_or(p.cache_read, {0.0, Origin::absent});
  if (tier == PriceTier::standard) return s;
  // Every token of the request moves to the long-context prices; a part
  // without its own above-200k price keeps the standard one.
  auto standard = [](TokenPrice t) { return TokenPrice{t.usd, Origin::standard_price}; };
  TierPrices l;
  l.input = stated_or(p.input_above_200k, standard(s.input));
  l.output = stated_or(p.output_above_200k, standard(s.output));
  l.cache_write_5m = stated_or(p.cache_write_5m_above_200k, standard(s.cache_write_5m));
  l.cache_write_1h = stated_or(p.cache_write_1h_above_200k, {2.0 * l.input.usd, Origin::twice_input});
  l.cache_read = stated_or(p.cache_read_above_200k, standard(s.cache_read));
  return l;
}

}  // namespace clown::registry
