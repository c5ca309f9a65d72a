#include "reports/aggregates.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "common/time.hpp"
#include "reports/report_rollup.hpp"
#include "store/store.hpp"
#include "store/usage_json.hpp"

namespace clown::reports {

namespace {

using nlohmann::json;

struct Totals {
  store::TokenCounts tokens;
  store::CostParts cost;
  double cost_total = 0;
  int64_t requests = 0;
  std::vector<int32_t> sessions;  // deduplicated in to_json

  void add(const RollupRow& r) {
    tokens += r.tokens;
    cost += r.cost;
    cost_total += r.cost_total;
    requests += r.requests;
    if (!r.no_session && (sessions.empty() || sessions.back() != r.session)) sessions.push_back(r.session);
  }
  // The shape of aggregates.json's entries (the usage tracking doc).
  json to_json() {
    std::sort(sessions.begin(), sessions.end());
    sessions.erase(std::unique(sessions.begin(), sessions.end()), sessions.end());
    return {{"tokens", store::tokens_json(tokens)},
            {"cost", store::cost_json(cost, cost_total)},
            {"requests", requests},
            {"sessions", static_cast<int64_t>(sessions.size())}};
  }
};

json group(const Rollup& rollup, int32_t RollupRow::*column) {
  std::unordered_map<int32_t, Totals> by_index;
  for (const auto& r : rollup.rows) by_index[r.*column].add(r);
  std::map<std::string, Totals*> sorted;
  for (auto& [idx, t] : by_index) sorted.emplace(rollup.strings[static_cast<size_t>(idx)], &t);
  json out = json::object();
  for (const auto& [name, t] : sorted) out[name] = t->to_json();
  return out;
}

}  // namespace

Expected<void> refresh_aggregates(const Paths& paths) {
  auto store = store::Store::open_readonly(paths);
  if (!store) return tl::unexpected(store.error());
  auto rollup = load_rollup(paths, (*store)->db(), std::nullopt, std::nullopt);
  if (!rollup) return tl::unexpected(rollup.error());

  Totals all;
  for (const auto& r : (*rollup)->rows) all.add(r);
  json doc = all.to_json();
  doc["by_profile"] = group(**rollup, &RollupRow::profile);
  doc["by_agent"] = group(**rollup, &RollupRow::agent);
  doc["by_provider"] = group(**rollup, &RollupRow::provider);
  doc["by_model"] = group(**rollup, &RollupRow::model);
  doc["updated_at"] = format_iso8601_ms(now_ms());
  TRY(ensure_dir(paths.telemetry_dir(), 0700));
  // Derived from usage.db and rebuilt after every change: atomic, no fsync.
  return write_file_atomic(paths.aggregates_file(), doc.dump(2) + "\n", 0644, Durability::atomic_only);
}

}  // namespace clown::reports
