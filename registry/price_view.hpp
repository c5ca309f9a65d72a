#pragma once
// How a price entry is shown (`clown pricing list|show`, text and JSON): the
// LiteLLM fields with the values request_cost() applies (registry/price_rules.hpp).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry/pricing_table.hpp"

namespace clown::registry {

// One price row: LiteLLM field name, label, value (absent: the entry states
// none) and whether clown derived it by a rule.
struct PriceRow {
  const char* field;
  const char* label;
  std::optional<double> value;
  bool derived = false;
};
std::vector<PriceRow> price_rows(const ModelPrice& price);

// {"<field>": {"per_token", "per_million"[, "derived": true]} | null, ...}
nlohmann::ordered_json prices_json(const ModelPrice& price);
// {"kind", "path", "source_url", "fetched_at", "model_count"}
nlohmann::ordered_json to_json(const PricingSource& source);
// `clown pricing list --json`: {"source", "models": [{"model", "provider", "mode", "prices"}]}.
nlohmann::ordered_json price_list_json(const std::vector<std::pair<const std::string*, const ModelPrice*>>& models,
                                       const PricingSource& source);
// `clown pricing show --json`: the entry a name resolved to, how and why, and its prices.
nlohmann::ordered_json price_match_json(const std::string& model, const PriceMatch& match, const PricingSource& source);
// Why a model name matched its key, for a match rule ("exact", "normalized", "longest-match").
std::string rule_explanation(const std::string& rule);

}  // namespace clown::registry
