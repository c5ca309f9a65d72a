#include "reports/aggregates.hpp"

#include <map>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "common/time.hpp"
#include "reports/report_data.hpp"
#include "reports/report_json.hpp"
#include "reports/report_rollup.hpp"
#include "store/machine_id.hpp"
#include "store/store.hpp"

namespace clown::reports {

namespace {

using nlohmann::json;

// {name: group} over all rows, by one column, names sorted.
json group(const Rollup& rollup, int32_t RollupRow::*column) {
  std::unordered_map<int32_t, GroupSum> by_index;
  for (const auto& r : rollup.rows) by_index[r.*column].add(r, false);
  std::map<std::string, GroupSum*> sorted;
  for (auto& [idx, sum] : by_index) sorted.emplace(rollup.strings[static_cast<size_t>(idx)], &sum);
  json out = json::object();
  for (const auto& [name, sum] : sorted) out[name] = sum->group();
  return out;
}

// {machine id: group}; rows stored before schema 6 ('') are this machine's.
json by_machine(const Rollup& rollup, const std::string& local) {
  std::map<std::string, GroupSum> sums;
  for (const auto& r : rollup.rows) {
    const std::string& m = rollup.strings[static_cast<size_t>(r.machine)];
    sums[m.empty() ? local : m].add(r, false);
  }
  json out = json::object();
  for (auto& [name, sum] : sums) out[name] = sum.group();
  return out;
}

Expected<void> write_aggregates(const Paths& paths, const Rollup& rollup, const std::optional<std::string>& state) {
  GroupSum all;
  for (const auto& r : rollup.rows) all.add(r, false);
  json doc = all.group();
  doc["by_profile"] = group(rollup, &RollupRow::profile);
  doc["by_agent"] = group(rollup, &RollupRow::agent);
  doc["by_provider"] = group(rollup, &RollupRow::provider);
  doc["by_model"] = group(rollup, &RollupRow::model);
  doc["by_machine"] = by_machine(rollup, store::known_machine_id(paths));
  doc["updated_at"] = format_iso8601_ms(now_ms());
  doc["store_state"] = state.value_or("");
  TRY(ensure_dir(paths.telemetry_dir(), 0700));
  // Derived from usage.db and rebuilt after every change: atomic, no fsync.
  return write_file_atomic(paths.aggregates_file(), doc.dump(2) + "\n", 0644, Durability::atomic_only);
}

// From a read-only connection (the report cache is saved only if not racy).
Expected<void> refresh_read_only(const Paths& paths) {
  TRY_ASSIGN(auto store, store::Store::open_readonly(paths));
  // Taken before the rows are read: a commit after it makes the file stale,
  // and the state says so (ensure_aggregates_current).
  std::optional<std::string> state;
  try {
    state = store_state(paths, store->db());
  } catch (const std::exception& e) {
    return fail("cannot read usage from " + paths.usage_db().string() + ": " + e.what());
  }
  TRY_ASSIGN(const auto rollup, load_rollup(paths, store->db(), std::nullopt, std::nullopt));
  return write_aggregates(paths, *rollup, state);
}

// The write lock is only worth a short wait: a writer holding it longer (a
// big import) commits and refreshes both files itself.
constexpr int k_lock_wait_ms = 250;

}  // namespace

Expected<void> refresh_aggregates(const Paths& paths) {
  // A writer that just committed saves the report cache with the rollup
  // (docs/file-formats.md#report-cache), so the first report after it is as
  // fast as the rest; without the write lock, read-only as before.
  std::error_code ec;
  if (!fs::exists(paths.usage_db(), ec)) return refresh_read_only(paths);  // no store to create here
  if (auto store = store::Store::open_single_thread(paths)) return refresh_aggregates(paths, (*store)->db(), {});
  return refresh_read_only(paths);
}

Expected<void> refresh_aggregates(const Paths& paths, SQLite::Database& db, const CommittedRollup& built) {
  db.setBusyTimeout(k_lock_wait_ms);
  if (auto current = refresh_rollup_cache(paths, db, &built))
    return write_aggregates(paths, *current->rollup, current->state);
  return refresh_read_only(paths);
}

Expected<bool> ensure_aggregates_current(const Paths& paths) {
  std::error_code ec;
  if (!fs::exists(paths.usage_db(), ec)) return false;
  std::optional<std::string> state;
  {
    TRY_ASSIGN(auto store, store::Store::open_readonly(paths));
    try {
      state = store_state(paths, store->db());
    } catch (const std::exception& e) {
      return fail("cannot read usage from " + paths.usage_db().string() + ": " + e.what());
    }
  }
  if (auto text = read_file(paths.aggregates_file())) {
    auto doc = json::parse(*text, nullptr, false);
    if (doc.is_object() && state && doc.value("store_state", "") == *state) return false;
  }
  TRY(refresh_read_only(paths));
  return true;
}

}  // namespace clown::reports
