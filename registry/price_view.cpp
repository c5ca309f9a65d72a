#include "registry/price_view.hpp"

#include <cmath>

#include "registry/price_rules.hpp"

namespace clown::registry {

namespace {

using ojson = nlohmann::ordered_json;

double million(double v) { return std::round(v * 1e6 * 1e6) / 1e6; }

// Shown as the entry states it, or as the rule cost applies when the rule
// derives a price (1-hour writes at 2x input); parts the entry leaves out are
// shown as absent.
PriceRow price_row(const char* field, const char* label, const TokenPrice& price) {
  using Origin = TokenPrice::Origin;
  switch (price.origin) {
    case Origin::stated: return {field, label, price.usd};
    case Origin::twice_input: return {field, label, price.usd, true};
    case Origin::absent:
    case Origin::standard_price: return {field, label, std::nullopt};
  }
  return {field, label, std::nullopt};
}

}  // namespace

std::vector<PriceRow> price_rows(const ModelPrice& p) {
  const auto s = tier_prices(p, PriceTier::standard);
  std::vector<PriceRow> rows{
      price_row("input_cost_per_token", "input", s.input),
      price_row("output_cost_per_token", "output", s.output),
      price_row("cache_creation_input_token_cost", "cache write 5m", s.cache_write_5m),
      price_row("cache_creation_input_token_cost_above_1hr", "cache write 1h", s.cache_write_1h),
      price_row("cache_read_input_token_cost", "cache read", s.cache_read),
  };
  if (p.input_above_200k || p.output_above_200k) {
    const auto l = tier_prices(p, PriceTier::long_context);
    rows.insert(
        rows.end(),
        {price_row("input_cost_per_token_above_200k_tokens", "input >200k", l.input),
         price_row("output_cost_per_token_above_200k_tokens", "output >200k", l.output),
         price_row("cache_creation_input_token_cost_above_200k_tokens", "cache write 5m >200k", l.cache_write_5m),
         price_row("cache_creation_input_token_cost_above_1hr_above_200k_tokens", "cache write 1h >200k",
                   l.cache_write_1h),
         price_row("cache_read_input_token_cost_above_200k_tokens", "cache read >200k", l.cache_read)});
  }
  return rows;
}

ojson prices_json(const ModelPrice& p) {
  ojson out = ojson::object();
  for (const auto& row : price_rows(p)) {
    if (!row.value) {
      out[row.field] = nullptr;
      continue;
    }
    ojson v{{"per_token", *row.value}, {"per_million", million(*row.value)}};
    if (row.derived) v["derived"] = true;
    out[row.field] = v;
  }
  return out;
}

ojson to_json(const PricingSource& s) {
  return {{"kind", to_string(s.kind)},
          {"path", s.path.empty() ? ojson() : ojson(s.path)},
          {"source_url", s.source_url.empty() ? ojson() : ojson(s.source_url)},
          {"fetched_at", s.fetched_at.empty() ? ojson() : ojson(s.fetched_at)},
          {"model_count", s.model_count}};
}

std::string rule_explanation(const std::string& rule) {
  if (rule == "exact") return "the name is a key of the pricing table";
  if (rule == "normalized") return "same name once provider prefix, date suffix and version marker are removed";
  return "longest table key found in the name at name-part boundaries";
}

ojson price_list_json(const std::vector<std::pair<const std::string*, const ModelPrice*>>& models,
                      const PricingSource& source) {
  ojson list = ojson::array();
  for (const auto& [key, price] : models)
    list.push_back(
        {{"model", *key}, {"provider", price->provider}, {"mode", price->mode}, {"prices", prices_json(*price)}});
  return {{"source", to_json(source)}, {"models", list}};
}

ojson price_match_json(const std::string& model, const PriceMatch& match, const PricingSource& source) {
  const ModelPrice& p = *match.price;
  return {{"model", model},
          {"key", match.key},
          {"rule", match.rule},
          {"reason", rule_explanation(match.rule)},
          {"provider", p.provider},
          {"mode", p.mode},
          {"source", to_json(source)},
          {"prices", prices_json(p)}};
}

}  // namespace clown::registry
