#include <catch2/catch.hpp>

#include "store/cost.hpp"

using namespace clown;
using namespace clown::store;

namespace {

registry::ModelPrice sonnet() {
  registry::ModelPrice p;
  p.input = 3e-6;
  p.output = 15e-6;
  p.cache_write_5m = 3.75e-6;
  p.cache_write_1h = 6e-6;
  p.cache_read = 0.3e-6;
  return p;
}

registry::ModelPrice sonnet_long() {
  auto p = sonnet();
  p.input_above_200k = 6e-6;
  p.output_above_200k = 22.5e-6;
  p.cache_write_5m_above_200k = 7.5e-6;
  p.cache_read_above_200k = 0.6e-6;
  return p;
}

}  // namespace

TEST_CASE("cost: every part at its price", "[cost]") {
  TokenCounts t{166, 349, 3528, 469, 38430, 0};
  auto c = request_cost(t, sonnet());
  CHECK(c.input == Approx(166 * 3e-6).epsilon(1e-12));
  CHECK(c.output == Approx(349 * 15e-6).epsilon(1e-12));
  CHECK(c.cache_write == Approx(3528 * 3.75e-6 + 469 * 6e-6).epsilon(1e-12));
  CHECK(c.cache_read == Approx(38430 * 0.3e-6).epsilon(1e-12));
  CHECK(c.total() == Approx(0.033306).epsilon(1e-12));
}

TEST_CASE("cost: 1-hour writes at 2x input when the entry has no 1-hour price", "[cost]") {
  auto p = sonnet();
  p.cache_write_1h.reset();
  p.input = 1e-6;
  auto c = request_cost(TokenCounts{0, 0, 0, 1000, 0, 0}, p);
  CHECK(c.cache_write == Approx(2000 * 1e-6).epsilon(1e-12));
}

TEST_CASE("cost: web searches are $0.01 each", "[cost]") {
  auto c = request_cost(TokenCounts{0, 0, 0, 0, 0, 3}, sonnet());
  CHECK(c.web_search == Approx(0.03).epsilon(1e-12));
  CHECK(c.total() == Approx(0.03).epsilon(1e-12));
}

TEST_CASE("cost: above 200k input-side tokens every token uses the long-context prices", "[cost]") {
  // input 1,000 + writes 100,000 (5m) + 50,000 (1h) + reads 50,000 = 201,000 > 200,000
  TokenCounts t{1000, 2000, 100000, 50000, 50000, 1};
  auto c = request_cost(t, sonnet_long());
  CHECK(c.input == Approx(1000 * 6e-6).epsilon(1e-12));
  CHECK(c.output == Approx(2000 * 22.5e-6).epsilon(1e-12));
  // no 1-hour above-200k price: 2x the above-200k input price
  CHECK(c.cache_write == Approx(100000 * 7.5e-6 + 50000 * 12e-6).epsilon(1e-12));
  CHECK(c.cache_read == Approx(50000 * 0.6e-6).epsilon(1e-12));
  CHECK(c.web_search == Approx(0.01).epsilon(1e-12));

  auto p = sonnet_long();
  p.cache_write_1h_above_200k = 10e-6;
  CHECK(request_cost(t, p).cache_write == Approx(100000 * 7.5e-6 + 50000 * 10e-6).epsilon(1e-12));
}

TEST_CASE("cost: exactly 200k is not above 200k - models without long-context prices never switch", "[cost]") {
  TokenCounts at{100000, 10, 0, 0, 100000, 0};
  auto c = request_cost(at, sonnet_long());
  CHECK(c.input == Approx(100000 * 3e-6).epsilon(1e-12));
  TokenCounts above{100001, 10, 0, 0, 100000, 0};
  CHECK(request_cost(above, sonnet_long()).input == Approx(100001 * 6e-6).epsilon(1e-12));
  CHECK(request_cost(above, sonnet()).input == Approx(100001 * 3e-6).epsilon(1e-12));
}

TEST_CASE("cost: unpriced models are reported, never $0 silently", "[cost]") {
  auto table = registry::PricingTable::from_json(
      R"({"claude-sonnet-4-5":{"input_cost_per_token":3e-6,"output_cost_per_token":1.5e-5,"litellm_provider":"anthropic","mode":"chat"}})");
  REQUIRE(table);
  PriceResolver resolver(*table);
  auto unpriced = price_request(resolver, "my-local-model", TokenCounts{10, 10, 0, 0, 0, 0});
  CHECK(!unpriced.priced);
  CHECK(unpriced.price_key.empty());
  auto priced = price_request(resolver, "claude-sonnet-4-5-20250929", TokenCounts{10, 10, 0, 0, 0, 0});
  CHECK(priced.priced);
  CHECK(priced.price_key == "claude-sonnet-4-5");
  auto cost = priced.cost;
  CHECK(cost.total() == Approx(10 * 3e-6 + 10 * 1.5e-5).epsilon(1e-12));
}
