#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "reports/insights.hpp"
#include "reports/report.hpp"
#include "reports/report_json.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::reports;
using nlohmann::json;

namespace {

int64_t at(const std::string& iso) { return *parse_iso8601_ms(iso); }

test::SeedRequest spend(const std::string& ts, const std::string& session, double usd,
                        const std::string& model = "claude-sonnet-4-5", const std::string& project = "/p") {
  test::SeedRequest r = test::make_request(ts, session, "work", model, project);
  r.input = 100;
  r.cost_input = usd;
  return r;
}

std::string day(int d) { return "2026-11-" + std::string(d < 10 ? "0" : "") + std::to_string(d) + "T12:00:00Z"; }

struct Home {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  explicit Home(const std::vector<test::SeedRequest>& requests, const std::string& config = "") {
    test::seed(paths, requests);
    if (!config.empty()) test::write_text(paths.config_file(), config);
  }
  InsightsReport insights(const std::string& now = "2026-11-24T18:00:00Z") const {
    UsageFilter f;
    f.timezone = "UTC";
    auto r = build_report(paths, f, ReportKind::insights, {}, at(now));
    if (!r) FAIL(r.error().message);
    return std::get<InsightsReport>(*r);
  }
};

std::vector<const Insight*> of_kind(const InsightsReport& r, InsightKind kind) {
  std::vector<const Insight*> out;
  for (const auto& i : r.insights)
    if (i.kind == kind) out.push_back(&i);
  return out;
}

// Ten days of usage (10-19 November, $8-$12 a day, one session each) and one more day.
std::vector<test::SeedRequest> baseline_and(double last_day_cost) {
  const double costs[] = {10, 11, 9, 10, 12, 8, 10, 11, 9, 10};
  std::vector<test::SeedRequest> rs;
  for (int i = 0; i < 10; ++i) rs.push_back(spend(day(10 + i), "s" + std::to_string(i), costs[i]));
  rs.push_back(spend(day(23), "spike", last_day_cost));
  return rs;
}

}  // namespace

TEST_CASE("insights: robust statistics", "[reports][insights]") {
  CHECK(median({3, 1, 2}) == 2.0);
  CHECK(median({4, 1, 3, 2}) == 2.5);
  CHECK(median({}) == 0.0);
  CHECK(*robust_z(10, {1, 2, 3, 4, 5}) == 0.6745 * 7.0);
  // MAD 0: the mean absolute deviation (0.8) stands in.
  CHECK(*robust_z(9, {5, 5, 5, 5, 9}) == 4.0 / (1.253314 * 0.8));
  CHECK_FALSE(robust_z(9, {5, 5, 5}));
  CHECK_FALSE(robust_z(9, {}));
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  CHECK(percentile(hundred, 99) == 99.0);
  CHECK(percentile({5, 1, 3}, 50) == 3.0);
  CHECK(percentile({5, 1, 3}, 100) == 5.0);
}

TEST_CASE("insights: not enough history below the minimum of active days", "[reports][insights]") {
  auto unpriced = spend(day(23), "u", 0, "acme-local");
  unpriced.priced = false;
  Home h({spend(day(21), "a", 10), spend(day(22), "b", 10), unpriced});
  const auto r = h.insights();
  CHECK_FALSE(r.enough_history);
  CHECK(r.history_days == 3);
  CHECK(r.min_history_days == 7);
  // Only the finding that needs no history.
  REQUIRE(r.insights.size() == 1);
  CHECK(r.insights[0].kind == InsightKind::unpriced_model);
  CHECK(r.insights[0].subject == "acme-local");
  CHECK(r.insights[0].value == 1.0);
  CHECK(r.insights[0].message ==
        "acme-local is in use without a price: 1 requests, 100 tokens not in any cost (run `clown registry sync`)");
}

TEST_CASE("insights: a day and an hour far above their 30-day baseline", "[reports][insights]") {
  // Baseline before the 23rd: median $10, MAD $1, so z = 0.6745 * (x - 10).
  Home spike(baseline_and(60));
  auto r = spike.insights();
  CHECK(r.enough_history);
  CHECK(r.history_days == 11);
  auto days = of_kind(r, InsightKind::cost_spike_day);
  REQUIRE(days.size() == 1);
  CHECK(days[0]->subject == "2026-11-23");
  CHECK(days[0]->value == 60.0);
  CHECK(days[0]->baseline == 10.0);
  CHECK(days[0]->spread == 1.0);
  CHECK(days[0]->score == 0.6745 * 50.0);
  CHECK(days[0]->threshold == 3.5);
  CHECK(days[0]->message ==
        "2026-11-23 cost $60.00 against a median of $10.00 over the 10 active days of the 30 days before (robust z "
        "33.7 >= 3.5)");
  auto hours = of_kind(r, InsightKind::cost_spike_hour);
  REQUIRE(hours.size() == 1);
  CHECK(hours[0]->subject == "2026-11-23 12:00");
  CHECK(hours[0]->score == 0.6745 * 50.0);

  // The threshold decides: 16 gives z 4.05 (flagged), 15 gives 3.37 (not).
  CHECK(of_kind(Home(baseline_and(16)).insights(), InsightKind::cost_spike_day).size() == 1);
  CHECK(of_kind(Home(baseline_and(15)).insights(), InsightKind::cost_spike_day).empty());
  CHECK(of_kind(Home(baseline_and(60), "[insights]\nz_threshold = 40\n").insights(), InsightKind::cost_spike_day)
            .empty());
}

TEST_CASE("insights: a session above the percentile of session cost", "[reports][insights]") {
  // 11 sessions: the 90th percentile (nearest rank 10) is $12; the $60 session is above it.
  Home h(baseline_and(60), "[insights]\nmin_sessions = 5\nsession_percentile = 90\n");
  const auto r = h.insights();
  auto sessions = of_kind(r, InsightKind::expensive_session);
  REQUIRE(sessions.size() == 1);
  CHECK(sessions[0]->subject == "spike");
  CHECK(sessions[0]->value == 60.0);
  CHECK(sessions[0]->baseline == 12.0);
  CHECK(sessions[0]->threshold == 90.0);
  CHECK(sessions[0]->message == "session spike cost $60.00, above the 90th percentile $12.00 of 11 sessions");
  // The default needs 20 sessions.
  CHECK(of_kind(Home(baseline_and(60)).insights(), InsightKind::expensive_session).empty());
}

TEST_CASE("insights: a cache hit rate that dropped against the 30 days before", "[reports][insights]") {
  std::vector<test::SeedRequest> rs;
  for (int d = 1; d <= 8; ++d) {
    auto r = spend(day(d), "b" + std::to_string(d), 1);
    r.cache_read = 900;  // 900 / (100 + 900) = 90 %
    rs.push_back(r);
  }
  auto now = spend(day(23), "n", 1);
  now.input = 500, now.cache_read = 500;  // 50 %
  rs.push_back(now);
  Home h(rs);
  const auto r = h.insights();
  auto drops = of_kind(r, InsightKind::cache_drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0]->value == 0.5);
  CHECK(drops[0]->baseline == 0.9);
  CHECK(drops[0]->score == Approx(40.0).epsilon(1e-12));
  CHECK(drops[0]->message == "the cache hit rate fell to 50.0% from 90.0% in the 30 days before (40.0 points >= 15.0)");
  CHECK(of_kind(Home(rs, "[insights]\ncache_drop_points = 41\n").insights(), InsightKind::cache_drop).empty());
}

TEST_CASE("insights: spend concentrated on a model a cheaper one could serve", "[reports][insights]") {
  std::vector<test::SeedRequest> rs;
  for (int d = 1; d <= 7; ++d) rs.push_back(spend(day(d), "old" + std::to_string(d), 0.01));  // history
  rs.push_back(spend(day(20), "o1", 20, "claude-opus-4-1", "/a"));
  rs.push_back(spend(day(21), "o2", 20, "claude-opus-4-1", "/a"));
  for (int i = 0; i < 3; ++i) rs.push_back(spend(day(22), "s" + std::to_string(i), 2, "claude-sonnet-4-5", "/a"));
  rs.push_back(spend(day(22), "elsewhere", 1, "claude-haiku-4-5", "/b"));  // another project: not similar
  Home h(rs);
  const auto r = h.insights();
  auto found = of_kind(r, InsightKind::model_concentration);
  REQUIRE(found.size() == 1);
  const Insight& i = *found[0];
  CHECK(i.subject == "claude-opus-4-1");
  CHECK(i.value == 40.0 / 47.0);
  CHECK(i.alternative == "claude-sonnet-4-5");
  CHECK(i.baseline == 2.0);
  CHECK(i.score == 20.0);
  CHECK(i.estimated_savings == 36.0);
  CHECK(i.message ==
        "claude-opus-4-1 is 85% of the cost; in the same projects claude-sonnet-4-5 sessions averaged $2.00 against "
        "$20.00 for claude-opus-4-1 (2 sessions): about $36.00 less");
  // Fewer similar sessions than required: nothing to suggest.
  CHECK(
      of_kind(Home(rs, "[insights]\nmin_similar_sessions = 4\n").insights(), InsightKind::model_concentration).empty());

  UsageFilter f;
  f.timezone = "UTC";
  auto j = usage_json_at(h.paths, f, "insights", {}, at("2026-11-24T18:00:00Z"));
  REQUIRE(j);
  CHECK((*j)["enough_history"] == true);
  CHECK((*j)["history_days"] == 10);
  CHECK((*j)["min_history_days"] == 7);
  CHECK((*j)["period"] == "7d");
  bool seen = false;
  for (const auto& e : (*j)["insights"])
    if (e["kind"] == "model_concentration") {
      seen = true;
      CHECK(e["alternative"] == "claude-sonnet-4-5");
      CHECK(e["estimated_savings"] == 36.0);
      CHECK(e["threshold"] == 0.7);
    }
  CHECK(seen);
}
