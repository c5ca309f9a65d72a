#pragma once
// The price rules a downloaded LiteLLM file must keep before it replaces the
// stored one (docs/cost.md#sync-validation): a stored cost is permanent, so a
// file that would price a request below its real cost is refused.
#include "common/error.hpp"
#include "registry/pricing_table.hpp"

namespace clown::registry {

// `download` against `reference` (the bundled snapshot):
// - no price of any entry is negative;
// - every price the reference bills above 0 (input, output, cache writes and
//   reads, long-context tier, with the fallbacks of price_rules.hpp) stays above
//   0 in the download's entry of the same name, and that entry keeps a usable
//   input price;
// - every Claude model of the reference (litellm_provider "anthropic") still
//   resolves to a price (lookup(), any rule).
// The error names the rule and the models that break it.
Expected<void> check_prices_against(const PricingTable& download, const PricingTable& reference);

}  // namespace clown::registry
