#include "store/reprice.hpp"

#include <limits>
#include <map>
#include <set>

#include "store/requests_table.hpp"

namespace clown::store {

namespace {

using C = RequestColumn;

// A request whose stored price differs from its price now.
struct Change {
  std::string key;
  CostParts cost;
  bool priced = false;
  std::string price_key;
};

bool same_price(const RequestQuery& q, const PricedCost& now) {
  const CostParts was = q.cost();
  return (q.int64(C::priced) != 0) == now.priced && q.text(C::price_key) == now.price_key &&
         was.input == now.cost.input && was.output == now.cost.output && was.cache_write == now.cost.cache_write &&
         was.cache_read == now.cost.cache_read && was.web_search == now.cost.web_search &&
         q.real(C::cost_total) == now.cost.total();
}

std::string update_sql() {
  std::string sql = "UPDATE requests SET ";
  for (auto c : cost_columns() + std::vector<C>{C::cost_total, C::priced, C::price_key})
    sql += std::string(column_name(c)) + "=?, ";
  sql.resize(sql.size() - 2);
  return sql + " WHERE " + std::string(column_name(C::dedup_key)) + "=?";
}

void write_changes(SQLite::Database& db, const std::vector<Change>& changes) {
  Sql update(db, update_sql());
  for (const auto& c : changes) {
    // In update_sql()'s order: the cost parts, cost_total, priced, price_key, then the key.
    int i = 1;
    for (double v :
         {c.cost.input, c.cost.output, c.cost.cache_write, c.cost.cache_read, c.cost.web_search, c.cost.total()})
      update.bind(i++, v);
    update.bind(7, c.priced ? 1 : 0).bind(8, std::string_view(c.price_key)).bind(9, std::string_view(c.key));
    update.exec();
    update.reset();
  }
}

}  // namespace

RepriceChanges reprice_requests(SQLite::Database& db, PriceResolver& resolver, const RepriceScope& scope, bool apply) {
  RequestQuery q(db,
                 std::vector<C>{C::dedup_key, C::profile, C::agent, C::model, C::cost_total, C::priced, C::price_key} +
                     token_columns() + cost_columns(),
                 scope.all ? "WHERE ts_ms >= ? AND ts_ms < ?" : "WHERE ts_ms >= ? AND ts_ms < ? AND priced = 0");
  q.sql().bind(1, scope.since_ms.value_or(std::numeric_limits<int64_t>::min()));
  q.sql().bind(2, scope.until_ms.value_or(std::numeric_limits<int64_t>::max()));
  RepriceChanges out;
  std::vector<Change> changes;
  std::map<std::string, ModelRepriced, std::less<>> models;
  std::set<std::string, std::less<>> unpriced, kept;
  while (q.next()) {
    const std::string model(q.text(C::model));
    if (scope.keep && !scope.keep(q.text(C::profile), q.text(C::agent), model)) continue;
    ++out.checked;
    const PricedCost now = price_request(resolver, model, q.tokens());
    if (!now.priced) {
      (q.int64(C::priced) != 0 ? kept : unpriced).insert(model);
      continue;
    }
    if (same_price(q, now)) continue;
    ++out.changed;
    ModelRepriced& m = models[model];
    m.model = model;
    m.requests += 1;
    if (q.int64(C::priced) == 0) m.was_unpriced += 1;
    m.old_cost += q.real(C::cost_total);
    m.new_cost += now.cost.total();
    m.priced = now.priced;
    m.price_key = std::string(now.price_key);
    changes.push_back({std::string(q.text(C::dedup_key)), now.cost, now.priced, std::string(now.price_key)});
  }
  if (apply) write_changes(db, changes);
  for (auto& [name, m] : models) out.models.push_back(std::move(m));
  out.still_unpriced.assign(unpriced.begin(), unpriced.end());
  out.kept.assign(kept.begin(), kept.end());
  return out;
}

Repriceable repriceable(PriceResolver& resolver, const std::vector<std::pair<std::string, int64_t>>& unpriced) {
  Repriceable out;
  for (const auto& [model, requests] : unpriced) {
    if (requests <= 0 || !resolver.resolve(model).price) continue;
    out.requests += requests;
    out.models += 1;
  }
  return out;
}

}  // namespace clown::store
