#pragma once
// Prices stored requests again with the current pricing table
// (docs/cost.md#reprice): the same rule a request is priced by when it is
// stored (store/cost.hpp), applied to the stored token counts.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/cost.hpp"

namespace clown::store {

// Which stored requests to price again.
struct RepriceScope {
  bool all = false;                 // false: only requests stored without a price
  std::optional<int64_t> since_ms;  // inclusive
  std::optional<int64_t> until_ms;  // exclusive
  // Keeps a request by its profile, agent and model (nullptr: every request).
  std::function<bool(std::string_view profile, std::string_view agent, std::string_view model)> keep;
};

// The requests of one model whose price changed.
struct ModelRepriced {
  std::string model;
  int64_t requests = 0;      // requests whose stored price changed
  int64_t was_unpriced = 0;  // of them, stored without a price
  double old_cost = 0;       // their total cost before (USD; 0 for unpriced ones)
  double new_cost = 0;       // and after
  bool priced = false;       // the model has a price now
  std::string price_key;     // the pricing table's entry it resolved to ("" unpriced)
};

struct RepriceChanges {
  int64_t checked = 0;                      // requests in scope
  int64_t changed = 0;                      // requests whose price changed
  std::vector<ModelRepriced> models;        // models with changed requests, by name
  std::vector<std::string> still_unpriced;  // models of unpriced requests in scope that have no price now, sorted
  // --all: models of priced requests the current table has no price for;
  // their stored prices are kept (a price is never turned into "unpriced").
  std::vector<std::string> kept;
};

// Reads the requests in scope, prices them with `resolver` and, with `apply`,
// writes the ones whose price changed (cost columns, priced, price_key). A
// priced request whose model has no price now keeps its stored price. Run it
// inside a transaction. Throws SQLite::Exception.
RepriceChanges reprice_requests(SQLite::Database& db, PriceResolver& resolver, const RepriceScope& scope, bool apply);

// Stored requests without a price whose model `resolver` now prices.
struct Repriceable {
  int64_t requests = 0;
  int64_t models = 0;
};
// `unpriced`: (model, requests stored without a price) pairs.
Repriceable repriceable(PriceResolver& resolver, const std::vector<std::pair<std::string, int64_t>>& unpriced);

}  // namespace clown::store
