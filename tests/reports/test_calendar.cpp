#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "registry/price_rules.hpp"
#include "reports/report.hpp"
#include "reports/report_json.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::reports;
using nlohmann::json;

namespace {

int64_t at(const char* iso) { return *parse_iso8601_ms(iso); }

test::SeedRequest req(const char* ts, const char* model = "claude-sonnet-4-5", double cost = 1.0) {
  test::SeedRequest r = test::make_request(ts, std::string("s-") + ts, "work", model, "/p");
  r.input = 10, r.output = 5;
  r.cost_input = cost;
  return r;
}

struct Home {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  explicit Home(const std::vector<test::SeedRequest>& requests) { test::seed(paths, requests); }
};

json report(const Home& h, const std::string& kind, UsageFilter f, ReportOptions o = {}) {
  auto r = usage_json_at(h.paths, f, kind, o, at("2026-11-24T10:00:00Z"));
  if (!r) FAIL(r.error().message);
  return *r;
}

// Daily reports default to today: these look at all time.
UsageFilter in(const char* zone, const char* start_of_week = "") {
  UsageFilter f;
  f.timezone = zone;
  f.period = "all";
  f.start_of_week = start_of_week;
  return f;
}

std::vector<std::string> labels(const json& list, const char* key) {
  std::vector<std::string> out;
  for (const auto& e : list) out.push_back(e[key].get<std::string>() + "=" + std::to_string(e["requests"].get<int>()));
  return out;
}

double input_price(const std::string& model) {
  const auto match = registry::bundled_pricing().lookup(model);
  REQUIRE(match);
  return registry::tier_prices(*match->price, registry::PriceTier::standard).input.usd;
}

}  // namespace

TEST_CASE("calendar: weeks start on the chosen day", "[reports][calendar]") {
  // Sunday 22, Monday 23 and Saturday 28 November 2026.
  Home h({req("2026-11-22T12:00:00Z"), req("2026-11-23T12:00:00Z"), req("2026-11-28T12:00:00Z")});
  auto monday = report(h, "weekly", in("UTC"));
  UsageFilter no_period = in("UTC");
  no_period.period.clear();
  CHECK(report(h, "weekly", no_period)["period"] == "all");  // weekly's default period
  CHECK(monday["start_of_week"] == "monday");
  CHECK(labels(monday["weekly"], "week") == std::vector<std::string>{"2026-11-16=1", "2026-11-23=2"});
  CHECK(labels(report(h, "weekly", in("UTC", "sunday"))["weekly"], "week") == std::vector<std::string>{"2026-11-22=3"});
  CHECK(labels(report(h, "weekly", in("UTC", "Sat"))["weekly"], "week") ==
        std::vector<std::string>{"2026-11-21=2", "2026-11-28=1"});

  // config.toml start_of_week is the default, --start-of-week wins; --period week follows it.
  test::write_text(h.paths.config_file(), "start_of_week = \"sunday\"\n");
  auto config_week = report(h, "weekly", in("UTC"));
  CHECK(config_week["start_of_week"] == "sunday");
  CHECK(labels(config_week["weekly"], "week") == std::vector<std::string>{"2026-11-22=3"});
  CHECK(report(h, "weekly", in("UTC", "monday"))["start_of_week"] == "monday");
  UsageFilter week = in("UTC");
  week.period = "week";
  CHECK(report(h, "summary", week)["since"] == "2026-11-22T00:00:00+00:00");

  UsageFilter bad = in("UTC", "someday");
  auto r = usage_json_at(h.paths, bad, "weekly", {}, at("2026-11-24T10:00:00Z"));
  REQUIRE_FALSE(r);
  CHECK(r.error().exit_code == k_exit_usage);
  CHECK(r.error().message == "unknown start of week 'someday': use a day name such as monday or sunday");
}

TEST_CASE("calendar: months are local months", "[reports][calendar]") {
  // 23:30 UTC on 31 October is 00:30 on 1 November in Berlin.
  Home h({req("2026-10-31T23:30:00Z"), req("2026-11-15T12:00:00Z"), req("2027-01-01T00:30:00Z")});
  CHECK(labels(report(h, "monthly", in("Europe/Berlin"))["monthly"], "month") ==
        std::vector<std::string>{"2026-11=2", "2027-01=1"});
  const auto utc = report(h, "monthly", in("UTC"));
  CHECK(labels(utc["monthly"], "month") == std::vector<std::string>{"2026-10=1", "2026-11=1", "2027-01=1"});
  CHECK(utc["monthly"][0]["start"] == "2026-10-01");
  CHECK(utc["totals"]["requests"] == 3);
}

TEST_CASE("calendar: --breakdown lists models under each row, dated and undated ids in one series",
          "[reports][calendar]") {
  Home h({req("2026-11-23T12:00:00Z", "claude-haiku-4-5", 1.0),
          req("2026-11-23T13:00:00Z", "claude-haiku-4-5-20251001", 2.0),
          req("2026-11-24T12:00:00Z", "claude-opus-4-1", 5.0)});
  ReportOptions o;
  o.breakdown = true;
  const auto weekly = report(h, "weekly", in("UTC"), o);
  REQUIRE(weekly["weekly"].size() == 1);
  const auto& b = weekly["weekly"][0]["breakdown"];
  REQUIRE(b.size() == 3);
  CHECK(b[0]["model"] == "claude-opus-4-1");
  CHECK(b[0]["cost"]["total_cost"] == 5.0);
  CHECK(b[1]["model"] == "claude-haiku-4-5-20251001");
  CHECK(b[1]["series"] == "claude-haiku-4-5");
  CHECK(b[2]["model"] == "claude-haiku-4-5");
  CHECK(b[2]["series"] == "claude-haiku-4-5");
  CHECK(b[2]["requests"] == 1);
  CHECK(b[2]["priced"] == true);
  CHECK_FALSE(report(h, "weekly", in("UTC"))["weekly"][0].contains("breakdown"));
  const auto daily = report(h, "daily", in("UTC"), o);
  CHECK(daily["daily"][0]["breakdown"].size() == 2);
  CHECK(report(h, "monthly", in("UTC"), o)["monthly"][0]["breakdown"].size() == 3);
}

TEST_CASE("calendar: cache hit rate and savings in rows and the summary", "[reports][calendar]") {
  // claude-sonnet-4-5: 1,000 cache writes ($0.00375) and 10,000 reads ($0.003) against input at $3/M.
  auto r = req("2026-11-23T12:00:00Z", "claude-sonnet-4-5", 0.0);
  r.input = 500, r.cache_write_5m = 1000, r.cache_read = 10000;
  r.cost_input = 0.0015, r.cost_cache_write = 0.00375, r.cost_cache_read = 0.003;
  auto unpriced = req("2026-11-23T13:00:00Z", "acme-local", 0.0);
  unpriced.cache_read = 4000;
  unpriced.priced = false;
  Home h({r, unpriced});
  const double saved = static_cast<double>(1000 + 10000) * input_price("claude-sonnet-4-5") - (0.00375 + 0.003);
  const double hit = 14000.0 / (510.0 + 1000.0 + 14000.0);
  const auto daily = report(h, "daily", in("UTC"));
  CHECK(daily["daily"][0]["cache"] == json({{"hit_rate", hit}, {"savings_usd", saved}}));
  CHECK(report(h, "weekly", in("UTC"))["weekly"][0]["cache"] == json({{"hit_rate", hit}, {"savings_usd", saved}}));
  CHECK(report(h, "summary", in("UTC"))["cache"] == json({{"hit_rate", hit}, {"savings_usd", saved}}));
  CHECK(saved == Approx(0.02625).epsilon(1e-12));
}
