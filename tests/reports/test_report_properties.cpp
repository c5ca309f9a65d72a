// Property: the calendar reports and the 5-hour blocks partition the
// requests, so their rows sum to `--period all` exactly (tokens, requests)
// and to the last bit a different summation order allows (cost), for
// generated corpora in zones with odd offsets and DST.
#include <catch2/catch.hpp>

#include <random>

#include "bench/corpus.hpp"
#include "common/time.hpp"
#include "ingest/importer.hpp"
#include "reports/report.hpp"
#include "reports/report_json.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::reports;
using nlohmann::json;

namespace {

struct Sum {
  int64_t requests = 0, input = 0, output = 0, cache_creation = 0, cache_read = 0;
  double cost = 0;
  void add(const json& group) {
    requests += group["requests"].get<int64_t>();
    input += group["tokens"]["input_tokens"].get<int64_t>();
    output += group["tokens"]["output_tokens"].get<int64_t>();
    cache_creation += group["tokens"]["cache_creation_input_tokens"].get<int64_t>();
    cache_read += group["tokens"]["cache_read_input_tokens"].get<int64_t>();
    cost += group["cost"]["total_cost"].get<double>();
  }
};

json report(const Paths& paths, const std::string& kind, const std::string& zone, int64_t now) {
  UsageFilter f;
  f.period = "all";
  f.timezone = zone;
  auto r = usage_json_at(paths, f, kind, {}, now);
  if (!r) FAIL(r.error().message);
  return *r;
}

void check_partitions(const Paths& paths, int64_t now) {
  for (const char* zone : {"UTC", "America/St_Johns", "Asia/Kathmandu", "Europe/Berlin"}) {
    INFO(zone);
    const json all = report(paths, "summary", zone, now);
    Sum want;
    want.add({{"requests", all["total_requests"]}, {"tokens", all["total_tokens"]}, {"cost", all["total_cost"]}});
    REQUIRE(want.requests > 0);
    for (const auto& [kind, key] : {std::pair{"daily", "daily"}, std::pair{"weekly", "weekly"},
                                    std::pair{"monthly", "monthly"}, std::pair{"blocks", "blocks"}}) {
      INFO(kind);
      Sum got;
      const json r = report(paths, kind, zone, now);
      for (const auto& row : r[key])
        if (!row.value("gap", false)) got.add(row);
      Sum totals;
      totals.add(r["totals"]);
      CHECK(got.requests == want.requests);
      CHECK(got.input == want.input);
      CHECK(got.output == want.output);
      CHECK(got.cache_creation == want.cache_creation);
      CHECK(got.cache_read == want.cache_read);
      CHECK(got.cost == Approx(want.cost).epsilon(1e-12));
      CHECK(totals.requests == want.requests);
      CHECK(totals.cost == Approx(want.cost).epsilon(1e-12));
    }
  }
}

}  // namespace

TEST_CASE("properties: weekly, monthly and blocks of a generated Claude corpus sum to all time",
          "[reports][property]") {
  for (uint64_t seed : {3u, 17u}) {
    INFO("seed " << seed);
    test::TempDir tmp;
    Paths paths{tmp.path() / "home"};
    bench::CorpusSpec spec;
    spec.files = 60;
    spec.scale = 0.02;
    spec.seed = seed;
    spec.one_huge_file = false;
    const auto known = bench::generate_corpus(tmp.path() / "claude", spec);
    ingest::ImportOptions options;
    options.claude_dirs = {tmp.path() / "claude"};
    auto imported = ingest::import_claude(paths, options);
    REQUIRE(imported);
    REQUIRE(imported->new_requests == known.requests);
    check_partitions(paths, *parse_iso8601_ms("2027-01-01T00:00:00Z"));
  }
}

TEST_CASE("properties: requests scattered over two years with long pauses sum to all time", "[reports][property]") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    std::vector<test::SeedRequest> requests;
    int64_t ts = *parse_iso8601_ms("2025-03-01T00:00:00Z");
    for (int i = 0; i < 400; ++i) {
      // Mostly minutes apart, sometimes hours or days (gaps, DST changes, month and year ends).
      const uint64_t pick = rng() % 100;
      ts += pick < 70   ? static_cast<int64_t>(rng() % 600000)
            : pick < 95 ? static_cast<int64_t>(rng() % 21600000)
                        : static_cast<int64_t>(rng() % 864000000);
      auto r =
          test::make_request(format_iso8601_ms(ts), "s" + std::to_string(rng() % 40), "p" + std::to_string(rng() % 3),
                             rng() % 2 ? "claude-sonnet-4-5" : "claude-opus-4-1", "/p");
      r.input = static_cast<int64_t>(rng() % 5000);
      r.output = static_cast<int64_t>(rng() % 3000);
      r.cache_write_5m = static_cast<int64_t>(rng() % 20000);
      r.cache_read = static_cast<int64_t>(rng() % 200000);
      r.cost_input = static_cast<double>(r.input) * 3e-6;
      r.cost_output = static_cast<double>(r.output) * 15e-6;
      r.cost_cache_write = static_cast<double>(r.cache_write_5m) * 3.75e-6;
      r.cost_cache_read = static_cast<double>(r.cache_read) * 3e-7;
      requests.push_back(std::move(r));
    }
    test::TempDir tmp;
    Paths paths{tmp.path() / "home"};
    test::seed(paths, requests);
    check_partitions(paths, ts + 3600 * 1000);
  }
}
