#include "registry/pricing_table.hpp"

namespace clown::registry {

// Placeholder until the registry lands.
Expected<PricingTable> PricingTable::from_json(std::string_view) { return fail("pricing not implemented yet"); }
std::optional<PriceMatch> PricingTable::lookup(std::string_view) const { return std::nullopt; }
const PricingTable& bundled_pricing() {
  static PricingTable table;
  return table;
}
PricingLoadResult load_pricing(const Paths&) { return {}; }

}  // namespace clown::registry
