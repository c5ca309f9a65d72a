#pragma once
// `clown usage reprice` (docs/cost.md#reprice): prices stored requests with
// the current pricing table (the synced file, else the bundled snapshot), in
// one transaction, then refreshes the report cache and aggregates.json. And
// the hint imports and `registry sync` print when that would help.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "registry/pricing_table.hpp"
#include "reports/filter.hpp"
#include "reports/period.hpp"
#include "store/reprice.hpp"

namespace clown::reports {

struct RepriceOptions {
  UsageFilter filter;  // period (default all), since/until, timezone, profile, agent, model
  bool all = false;    // every request, not only the ones stored without a price
  bool dry_run = false;
};

struct RepriceReport {
  ResolvedPeriod period;
  bool all = false;
  bool dry_run = false;
  registry::PricingSource prices;  // the table the requests were priced with
  std::string warning;             // the synced price file was unreadable: the bundled prices were used
  store::RepriceChanges changes;
  std::vector<std::string> warnings;  // the report cache or aggregates.json could not be refreshed
};

Expected<RepriceReport> reprice(const Paths& paths, const RepriceOptions& options, int64_t now_ms);
nlohmann::json to_json(const RepriceReport& report);

// Stored requests without a price that the current table prices (nothing
// when the store has no unpriced request). Reads the report rollup, so it
// costs little right after an import refreshed it.
Expected<store::Repriceable> repriceable_now(const Paths& paths);
// "3 requests of 1 model stored without a price now have one: clown usage
// reprice" ("" when there are none).
std::string reprice_hint(const store::Repriceable& r);

}  // namespace clown::reports
