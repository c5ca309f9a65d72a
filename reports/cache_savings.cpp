#include "reports/cache_savings.hpp"

#include <mutex>

#include "common/file_stamp.hpp"
#include "registry/price_rules.hpp"

namespace clown::reports {

double cache_hit_rate(const store::TokenCounts& t) {
  const int64_t denominator = t.input + t.cache_creation() + t.cache_read;
  return denominator > 0 ? static_cast<double>(t.cache_read) / static_cast<double>(denominator) : 0.0;
}

std::shared_ptr<const registry::PricingTable> report_pricing(const Paths& paths) {
  const auto stamp = stat_file(paths.pricing_file());
  if (!stamp) return {std::shared_ptr<void>(), &registry::bundled_pricing()};  // static: no owner needed
  static std::mutex mutex;
  static std::string memo_path;
  static FileStamp memo_stamp;
  static std::shared_ptr<const registry::PricingTable> memo;
  std::lock_guard lock(mutex);
  if (memo && memo_path == paths.pricing_file().string() && memo_stamp == *stamp) return memo;
  // load_pricing falls back to the bundled prices when the file is broken,
  // the same prices every other command then uses.
  auto loaded = registry::load_pricing(paths);
  memo = std::make_shared<const registry::PricingTable>(std::move(loaded.pricing.table));
  memo_path = paths.pricing_file().string();
  memo_stamp = *stamp;
  return memo;
}

std::optional<double> InputPrices::of(const std::string& model) {
  auto it = m_cache.find(model);
  if (it != m_cache.end()) return it->second;
  std::optional<double> price;
  if (const auto match = m_table->lookup(model))
    price = registry::tier_prices(*match->price, registry::PriceTier::standard).input.usd;
  m_cache.emplace(model, price);
  return price;
}

double InputPrices::savings(const std::string& model, const store::TokenCounts& t, const store::CostParts& c) {
  const auto input = of(model);
  if (!input) return 0;
  const double uncached = static_cast<double>(t.cache_creation() + t.cache_read) * *input;
  return uncached - (c.cache_write + c.cache_read);
}

CacheStats cache_stats(const Group& total, const std::vector<ModelRow>& by_model, InputPrices& prices) {
  CacheStats stats;
  stats.hit_rate = cache_hit_rate(total.tokens);
  for (const auto& m : by_model) stats.savings += prices.savings(m.model, m.tokens, m.cost);
  return stats;
}

}  // namespace clown::reports
