// A cold import's rollup summed while its rows are stored (ingest/bulk_rollup.hpp)
// equals the rollup of the stored rows to the last bit, or is not given.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>

#include "ingest/bulk_rollup.hpp"
#include "registry/pricing_table.hpp"
#include "reports/report_rollup.hpp"
#include "store/request_writer.hpp"
#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;

namespace {

// Every row of a rollup as text, in a canonical order, sums exact (%a).
std::string canonical(const reports::Rollup& r) {
  std::vector<std::string> rows;
  auto s = [&](int32_t i) { return r.strings.at(static_cast<size_t>(i)); };
  char buf[512];
  for (const auto& x : r.rows) {
    std::snprintf(buf, sizeof buf, "|%d|%d|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%a|%a|%a|%a|%a|%a|%lld|%a",
                  x.sidechain, x.no_session, (long long)x.first_ms, (long long)x.last_ms, (long long)x.requests,
                  (long long)x.unpriced_requests, (long long)x.tokens.input, (long long)x.tokens.output,
                  (long long)x.tokens.cache_write_5m, (long long)x.tokens.cache_write_1h,
                  (long long)x.tokens.cache_read, (long long)x.tokens.web_search, x.cost.input, x.cost.output,
                  x.cost.cache_write, x.cost.cache_read, x.cost.web_search, x.cost_total,
                  (long long)x.subagent_requests, x.subagent_cost);
    rows.push_back(std::to_string(x.bucket) + "|" + s(x.session) + "|" + s(x.profile) + "|" + s(x.agent) + "|" +
                   s(x.provider) + "|" + s(x.model) + "|" + s(x.project) + "|" + s(x.query_source) + "|" +
                   s(x.machine) + buf);
  }
  std::sort(rows.begin(), rows.end());
  std::string out;
  for (auto& row : rows) out += row + "\n";
  return out;
}

// Request i (its copies are alike), with `output` tokens.
store::RequestUsage request(int copy_of, int64_t output) {
  const int i = copy_of % 500;
  store::RequestUsage r;
  r.key = "req:r" + std::to_string(i);
  r.ts_ms = 1'790'000'000'000 + int64_t{i} * 97'000;  // spread over quarter hours
  r.session_id = "s" + std::to_string(i % 7);
  r.model = i % 3 ? "claude-sonnet-4-5" : (i % 11 ? "claude-haiku-4-5" : "acme-local-coder");  // one unpriced
  r.cwd = "/w/" + std::to_string(i % 4);
  r.sidechain = i % 5 == 0;
  r.subagent = r.sidechain ? "a" + std::to_string(i % 2) : "";
  r.tokens.input = 3 + i % 13;
  r.tokens.output = output;
  r.tokens.cache_write_5m = 100 * (i % 3);
  r.tokens.cache_write_1h = 50 * (i % 2);
  r.tokens.cache_read = 1000 + i;
  r.tokens.web_search = i % 17 == 0;
  return r;
}

struct Outcome {
  std::shared_ptr<const reports::Rollup> summed;
  std::string stored;  // the rollup of the committed rows
};

// Stores requests 0..n-1 (keys repeat every 500: the copies are duplicates,
// or merge when `grow` gives a later copy more output) into an empty store.
// `sessions`: each request in a session of its own, over `n` keys.
Outcome load(int n, bool grow, const std::function<void(SQLite::Database&)>& before_commit = {},
             bool sessions = false) {
  test::TempDir tmp;
  auto store = store::Store::open(Paths{tmp.path()});
  REQUIRE(store);
  auto& db = (*store)->db();
  store::PriceResolver resolver(registry::bundled_pricing());
  store::RequestWriter writer(db, resolver);
  store::Attribution history;
  history.source = store::RequestSource::stats_cache;
  Outcome out;
  {
    SQLite::Transaction tx(db);
    ingest::BulkRollup rollup(db);
    writer.observe_inserts(&rollup);
    for (int i = 0; i < n; ++i) {
      auto r = request(i, grow ? 10 + i : 10 + i % 500);
      if (sessions) {
        r.key = "req:own" + std::to_string(i);
        r.session_id = "session-of-its-own-" + std::to_string(i);
      }
      writer.write(r, i % 50 == 1 ? history : store::Attribution{});
    }
    if (before_commit) before_commit(db);
    tx.commit();
    out.summed = rollup.take();
    writer.observe_inserts(nullptr);
  }
  out.stored = canonical(reports::build_rollup(db, std::nullopt, std::nullopt));
  return out;
}

}  // namespace

TEST_CASE("bulk rollup: summed as the rows are stored, it equals the stored rows' rollup to the last bit",
          "[bulk-rollup]") {
  auto o = load(1500, false);  // 500 requests, each stored once and copied twice (duplicates)
  REQUIRE(o.summed);
  CHECK(canonical(*o.summed) == o.stored);
  CHECK(std::count(o.stored.begin(), o.stored.end(), '\n') > 100);
  CHECK(o.stored.find("acme-local-coder") != std::string::npos);
}

TEST_CASE("bulk rollup: a copy merged into a stored row, a row deleted or a row stored around it gives none",
          "[bulk-rollup]") {
  CHECK_FALSE(load(1500, true).summed);  // later copies have more output: merged
  CHECK_FALSE(load(600, false, [](SQLite::Database& db) { db.exec("DELETE FROM requests WHERE id = 3"); }).summed);
  CHECK_FALSE(load(600, false, [](SQLite::Database& db) {
                db.exec(
                    "INSERT INTO requests SELECT NULL, 'x' || dedup_key, ts_ms, session_id, run_id, profile, "
                    "agent, provider, model, project, sidechain, input, output, cache_write_5m, cache_write_1h, "
                    "cache_read, web_search, cost_input, cost_output, cost_cache_write, cost_cache_read, "
                    "cost_web_search, cost_total, priced, price_key, source, config_dir, query_source, subagent, "
                    "machine, user FROM requests WHERE id = 1");
              }).summed);
  CHECK_FALSE(
      load(600, false, [](SQLite::Database& db) { db.exec("UPDATE requests SET output = 1 WHERE id = 2"); }).summed);
}

TEST_CASE("bulk rollup: past its memory bound it gives none and frees what it held", "[bulk-rollup]") {
  // A row per session and quarter hour: 30,000 sessions hold well over the 4 MiB bound.
  auto big = load(30000, false, {}, true);
  CHECK_FALSE(big.summed);
  auto small = load(3000, false, {}, true);
  REQUIRE(small.summed);
  CHECK(canonical(*small.summed) == small.stored);
}
