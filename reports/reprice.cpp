#include "reports/reprice.hpp"

#include <filesystem>
#include <map>

#include "common/format.hpp"
#include "reports/aggregates.hpp"
#include "reports/report_data.hpp"
#include "reports/report_json.hpp"
#include "reports/report_rollup.hpp"
#include "store/store.hpp"

namespace clown::reports {

namespace {

using nlohmann::json;

store::RepriceScope scope_of(const RepriceOptions& o, const ResolvedPeriod& period) {
  store::RepriceScope scope;
  scope.all = o.all;
  scope.since_ms = period.since_ms;
  scope.until_ms = period.until_ms;
  const UsageFilter f = o.filter;
  if (!f.profile.empty() || !f.agent.empty() || !f.model.empty())
    scope.keep = [f](std::string_view profile, std::string_view agent, std::string_view model) {
      return (f.profile.empty() || profile == f.profile) && (f.agent.empty() || agent == f.agent) &&
             (f.model.empty() || model_matches(model, f.model));
    };
  return scope;
}

// The rollup cache is keyed by the database file's state; removing it as
// well makes sure no report reads the old prices from it.
void refresh_derived(const Paths& paths, RepriceReport& r) {
  std::error_code ec;
  std::filesystem::remove(report_cache_file(paths), ec);
  if (auto agg = refresh_aggregates(paths); !agg)
    r.warnings.push_back("aggregates.json not refreshed: " + agg.error().message);
}

}  // namespace

Expected<RepriceReport> reprice(const Paths& paths, const RepriceOptions& options, int64_t now_ms) {
  if (!options.filter.project.empty())
    return fail("reprice does not filter by project: use --period, --since/--until, --profile, --agent or --model",
                k_exit_usage);
  UsageFilter filter = options.filter;
  const bool custom = (filter.since && !filter.since->empty()) || (filter.until && !filter.until->empty());
  if (filter.period.empty() && !custom) filter.period = "all";
  RepriceReport r;
  TRY_ASSIGN(r.period, resolve_report_period(paths, filter, now_ms));
  r.all = options.all;
  r.dry_run = options.dry_run;
  auto loaded = registry::load_pricing(paths);
  r.prices = loaded.pricing.source;
  r.warning = loaded.warning;
  store::PriceResolver resolver(loaded.pricing.table);
  TRY_ASSIGN(auto opened, store::Store::open(paths));
  try {
    auto& db = opened->db();
    // One transaction: the store holds the old prices or the new ones, never a mix.
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    r.changes = store::reprice_requests(db, resolver, scope_of(options, r.period), !options.dry_run);
    if (!options.dry_run) tx.commit();
  } catch (const std::exception& e) {
    return fail(std::string("reprice failed while writing the usage database (nothing was changed): ") + e.what());
  }
  opened.reset();
  if (!options.dry_run && r.changes.changed > 0) refresh_derived(paths, r);
  return r;
}

json to_json(const RepriceReport& r) {
  json models = json::array();
  for (const auto& m : r.changes.models)
    models.push_back({{"model", m.model},
                      {"requests", m.requests},
                      {"was_unpriced", m.was_unpriced},
                      {"old_cost", m.old_cost},
                      {"new_cost", m.new_cost},
                      {"priced", m.priced},
                      {"price_key", m.price_key}});
  json j = report_envelope(r.period);
  j["mode"] = r.all ? "all" : "unpriced-only";
  j["dry_run"] = r.dry_run;
  j["prices"] = {{"source", registry::to_string(r.prices.kind)}, {"path", r.prices.path}};
  j["requests_checked"] = r.changes.checked;
  j["requests_changed"] = r.changes.changed;
  j["models"] = std::move(models);
  j["still_unpriced"] = r.changes.still_unpriced;
  j["kept"] = r.changes.kept;
  json warnings = r.warnings;
  if (!r.warning.empty()) warnings.insert(warnings.begin(), r.warning);
  j["warnings"] = std::move(warnings);
  return j;
}

Expected<store::Repriceable> repriceable_now(const Paths& paths) {
  TRY_ASSIGN(auto opened, store::Store::open_readonly(paths));
  TRY_ASSIGN(const auto rollup, load_rollup(paths, opened->db(), std::nullopt, std::nullopt));
  std::map<int32_t, int64_t> by_model;
  for (const auto& row : rollup->rows)
    if (row.unpriced_requests > 0) by_model[row.model] += row.unpriced_requests;
  if (by_model.empty()) return store::Repriceable{};
  std::vector<std::pair<std::string, int64_t>> unpriced;
  for (const auto& [idx, n] : by_model) unpriced.emplace_back(rollup->strings[static_cast<size_t>(idx)], n);
  const auto loaded = registry::load_pricing(paths);
  store::PriceResolver resolver(loaded.pricing.table);
  return store::repriceable(resolver, unpriced);
}

std::string reprice_hint(const store::Repriceable& r) {
  if (r.requests <= 0) return "";
  return with_thousands(r.requests) + (r.requests == 1 ? " request of " : " requests of ") + with_thousands(r.models) +
         (r.models == 1 ? " model" : " models") + " stored without a price now " + (r.requests == 1 ? "has" : "have") +
         " one: clown usage reprice";
}

}  // namespace clown::reports
