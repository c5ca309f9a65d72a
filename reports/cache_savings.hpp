#pragma once
// Cache efficiency (docs/cost.md#cache-savings). Hit rate = cache reads /
// (input + cache writes + cache reads). Savings = what a group's cache
// writes and reads would have cost as plain input tokens at its model's
// standard input price (registry/price_rules.hpp), minus what they did cost
// (the stored cache_creation and cache_read costs): negative when writes
// were never read back.
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/paths.hpp"
#include "registry/pricing_table.hpp"
#include "reports/report_types.hpp"
#include "store/usage_types.hpp"

namespace clown::reports {

double cache_hit_rate(const store::TokenCounts& tokens);

// The prices reports use: the synced file when present (parsed once per
// process while it is unchanged), else the bundled snapshot.
std::shared_ptr<const registry::PricingTable> report_pricing(const Paths& paths);

// Standard-tier input price per model name, resolved once per name.
class InputPrices {
 public:
  explicit InputPrices(std::shared_ptr<const registry::PricingTable> table) : m_table(std::move(table)) {}
  // USD per token; nullopt when the model has no price.
  std::optional<double> of(const std::string& model);
  // Savings of one model's tokens and costs (0 for an unpriced model).
  double savings(const std::string& model, const store::TokenCounts& tokens, const store::CostParts& cost);

 private:
  std::shared_ptr<const registry::PricingTable> m_table;
  std::unordered_map<std::string, std::optional<double>> m_cache;
};

// Hit rate of `total` and the savings summed over its per-model parts.
CacheStats cache_stats(const Group& total, const std::vector<ModelRow>& by_model, InputPrices& prices);

}  // namespace clown::reports
