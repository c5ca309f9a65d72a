#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "reports/blocks.hpp"
#include "reports/report.hpp"
#include "reports/report_json.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::reports;
using nlohmann::json;

namespace {

int64_t at(const char* iso) { return *parse_iso8601_ms(iso); }

// A request of 100 input + 20 output tokens costing $1 (input $0.50, output $0.50).
test::SeedRequest req(const char* ts, const char* session = "s1") {
  test::SeedRequest r = test::make_request(ts, session, "work", "claude-sonnet-4-5", "/p");
  r.input = 100, r.output = 20;
  r.cost_input = 0.5, r.cost_output = 0.5;
  return r;
}

struct Home {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  explicit Home(const std::vector<test::SeedRequest>& requests) { test::seed(paths, requests); }
};

BlocksReport blocks(const Home& h, const char* now, BlockOptions options = {}, const char* zone = "UTC",
                    const char* period = "") {
  UsageFilter f;
  f.timezone = zone;
  f.period = period;
  ReportOptions o;
  o.blocks = options;
  auto r = build_report(h.paths, f, ReportKind::blocks, o, at(now));
  if (!r) FAIL(r.error().message);
  return std::get<BlocksReport>(*r);
}

json blocks_json(const Home& h, const char* now, const char* zone) {
  UsageFilter f;
  f.timezone = zone;
  auto r = usage_json_at(h.paths, f, "blocks", {}, at(now));
  if (!r) FAIL(r.error().message);
  return *r;
}

}  // namespace

TEST_CASE("blocks: a block starts at its first request floored to the UTC hour and lasts 5 h", "[reports][blocks]") {
  Home h({req("2026-11-24T10:17:00Z"), req("2026-11-24T11:00:00Z"), req("2026-11-24T14:59:59.999Z")});
  const auto r = blocks(h, "2026-11-25T00:00:00Z");
  REQUIRE(r.blocks.size() == 1);
  const auto& b = r.blocks[0];
  CHECK_FALSE(b.gap);
  CHECK(b.start_ms == at("2026-11-24T10:00:00Z"));
  CHECK(b.end_ms == at("2026-11-24T15:00:00Z"));
  CHECK(b.first_ms == at("2026-11-24T10:17:00Z"));
  CHECK(b.last_ms == at("2026-11-24T14:59:59.999Z"));
  CHECK(b.requests == 3);
  CHECK(b.sessions == 1);
  CHECK(b.tokens.total() == 360);
  CHECK(b.total_cost == 3.0);
  CHECK(b.models == std::vector<std::string>{"claude-sonnet-4-5"});
  CHECK_FALSE(b.active);
  CHECK_FALSE(b.burn);
  CHECK(r.totals.requests == 3);
}

TEST_CASE("blocks: a request exactly at the block's end starts the next block", "[reports][blocks]") {
  Home h({req("2026-11-24T10:00:00Z"), req("2026-11-24T15:00:00Z"), req("2026-11-24T15:45:00Z")});
  const auto r = blocks(h, "2026-11-25T00:00:00Z");
  REQUIRE(r.blocks.size() == 2);
  CHECK(r.blocks[0].start_ms == at("2026-11-24T10:00:00Z"));
  CHECK(r.blocks[0].requests == 1);
  CHECK(r.blocks[1].start_ms == at("2026-11-24T15:00:00Z"));
  CHECK(r.blocks[1].end_ms == at("2026-11-24T20:00:00Z"));
  CHECK(r.blocks[1].requests == 2);
}

TEST_CASE("blocks: 5 h or more without requests starts a new block and shows a gap row", "[reports][blocks]") {
  // 10:30 -> 15:20 is 4 h 50 min: a new block (after the end) but no gap row.
  // 15:20 -> 20:20 is exactly 5 h: a new block; it starts at 20:00, the old one ended at 20:00: no gap to show.
  // 20:20 -> next day 03:10 is 6 h 50 min: a gap row from the end (01:00) to the next start (03:00).
  Home h({req("2026-11-24T10:30:00Z"), req("2026-11-24T15:20:00Z"), req("2026-11-24T20:20:00Z"),
          req("2026-11-25T03:10:00Z")});
  const auto r = blocks(h, "2026-11-26T00:00:00Z");
  REQUIRE(r.blocks.size() == 5);
  CHECK(r.blocks[0].start_ms == at("2026-11-24T10:00:00Z"));
  CHECK(r.blocks[1].start_ms == at("2026-11-24T15:00:00Z"));
  CHECK(r.blocks[2].start_ms == at("2026-11-24T20:00:00Z"));
  CHECK(r.blocks[3].gap);
  CHECK(r.blocks[3].start_ms == at("2026-11-25T01:00:00Z"));
  CHECK(r.blocks[3].end_ms == at("2026-11-25T03:00:00Z"));
  CHECK(r.blocks[3].requests == 0);
  CHECK(r.blocks[4].start_ms == at("2026-11-25T03:00:00Z"));
  CHECK(r.totals.requests == 4);

  const json j = blocks_json(h, "2026-11-26T00:00:00Z", "UTC");
  CHECK(j["blocks"][3] == json({{"gap", true},
                                {"start", "2026-11-25T01:00:00+00:00"},
                                {"end", "2026-11-25T03:00:00+00:00"},
                                {"duration_secs", 7200.0}}));
}

TEST_CASE("blocks: time zones change how edges are written, never where they are", "[reports][blocks]") {
  Home h({req("2026-11-24T10:17:00Z"), req("2026-11-24T16:05:00Z")});
  for (const char* zone : {"UTC", "Asia/Kolkata", "America/New_York", "Australia/Eucla"}) {
    INFO(zone);
    const auto r = blocks(h, "2026-11-25T00:00:00Z", {}, zone);
    REQUIRE(r.blocks.size() == 3);  // 5 h 48 min apart: block, gap, block
    CHECK(r.blocks[0].start_ms == at("2026-11-24T10:00:00Z"));
    CHECK(r.blocks[1].gap);
    CHECK(r.blocks[1].start_ms == at("2026-11-24T15:00:00Z"));
    CHECK(r.blocks[2].start_ms == at("2026-11-24T16:00:00Z"));
  }
  const json j = blocks_json(h, "2026-11-25T00:00:00Z", "Asia/Kolkata");
  CHECK(j["blocks"][0]["start"] == "2026-11-24T15:30:00+05:30");
  CHECK(j["blocks"][0]["end"] == "2026-11-24T20:30:00+05:30");
}

TEST_CASE("blocks: a DST change inside a block keeps it 5 real hours", "[reports][blocks]") {
  // Europe/Berlin leaves summer time on 2026-10-25 at 01:00 UTC (03:00 CEST -> 02:00 CET).
  Home h({req("2026-10-25T00:30:00Z"), req("2026-10-25T03:10:00Z"), req("2026-10-25T05:00:00Z")});
  const json j = blocks_json(h, "2026-10-26T00:00:00Z", "Europe/Berlin");
  REQUIRE(j["blocks"].size() == 2);
  CHECK(j["blocks"][0]["start"] == "2026-10-25T02:00:00+02:00");
  CHECK(j["blocks"][0]["end"] == "2026-10-25T06:00:00+01:00");
  CHECK(j["blocks"][0]["requests"] == 2);
  CHECK(j["blocks"][1]["start"] == "2026-10-25T06:00:00+01:00");
}

TEST_CASE("blocks: the active block's burn rate and projection at a fixed now", "[reports][blocks]") {
  // 12 requests (1,440 tokens, $12) in the block that started 10:00; now 12:00:
  // 120 min elapsed, 180 min left.
  std::vector<test::SeedRequest> rs;
  for (const char* ts :
       {"2026-11-24T10:05:00Z", "2026-11-24T10:15:00Z", "2026-11-24T10:25:00Z", "2026-11-24T10:35:00Z",
        "2026-11-24T10:45:00Z", "2026-11-24T10:55:00Z", "2026-11-24T11:05:00Z", "2026-11-24T11:15:00Z",
        "2026-11-24T11:25:00Z", "2026-11-24T11:35:00Z", "2026-11-24T11:45:00Z", "2026-11-24T11:55:00Z"})
    rs.push_back(req(ts));
  Home h(rs);
  const auto r = blocks(h, "2026-11-24T12:00:00Z");
  REQUIRE(r.blocks.size() == 1);
  const auto& b = r.blocks[0];
  CHECK(b.active);
  REQUIRE(b.burn);
  CHECK(b.burn->tokens_per_minute == 12.0);
  CHECK(b.burn->cost_per_hour == 6.0);
  CHECK(b.burn->remaining_ms == 3 * 3600 * 1000);
  CHECK(b.burn->projected_tokens == 1440 + 12 * 180);
  CHECK(b.burn->projected_cost == 30.0);

  const json j = blocks_json(h, "2026-11-24T12:00:00Z", "UTC");
  CHECK(j["blocks"][0]["burn_rate"] == json({{"tokens_per_minute", 12.0},
                                             {"cost_per_hour", 6.0},
                                             {"projected_tokens", 3600},
                                             {"projected_cost", 30.0},
                                             {"remaining_secs", 10800.0}}));
  CHECK(j["now"] == "2026-11-24T12:00:00+00:00");

  // Past its end it is no longer active.
  CHECK_FALSE(blocks(h, "2026-11-24T15:00:00Z").blocks[0].active);
  // A plain function gives the same block.
  auto active = active_block(h.paths, UsageFilter{}, at("2026-11-24T12:00:00Z"));
  REQUIRE(active);
  REQUIRE(*active);
  CHECK((*active)->start_ms == b.start_ms);
  CHECK((*active)->burn->projected_cost == 30.0);
  auto none = active_block(h.paths, UsageFilter{}, at("2026-11-24T15:00:00Z"));
  REQUIRE(none);
  CHECK_FALSE(*none);
}

TEST_CASE("blocks: token limit as a number or the highest past block, with warnings", "[reports][blocks]") {
  // Past block: 3 requests (360 tokens); active block at 12:00: 2 requests (240 tokens) in 60 min.
  Home h({req("2026-11-24T01:00:00Z"), req("2026-11-24T01:10:00Z"), req("2026-11-24T01:20:00Z"),
          req("2026-11-24T11:10:00Z"), req("2026-11-24T11:50:00Z")});
  BlockOptions o;
  o.token_limit = "max";
  auto r = blocks(h, "2026-11-24T12:00:00Z", o);
  REQUIRE(r.token_limit == 360);
  CHECK(r.token_limit_is_max);
  REQUIRE(r.blocks.size() == 3);  // block, gap, active block
  CHECK(*r.blocks[0].percent_used == 100.0);
  CHECK(r.blocks[0].limit_level == LimitLevel::warning);  // 100 % is not above 100 %
  const auto& active = r.blocks[2];
  CHECK(*active.percent_used == 240.0 / 360.0 * 100.0);
  CHECK(active.burn->projected_tokens == 1200);  // 4 tokens/min for 240 more minutes
  CHECK(*active.projected_percent == 1200.0 / 360.0 * 100.0);
  CHECK(active.limit_level == LimitLevel::exceeded);

  o.token_limit = "2000";
  r = blocks(h, "2026-11-24T12:00:00Z", o);
  CHECK(r.token_limit == 2000);
  CHECK(*r.blocks[0].percent_used == 18.0);
  CHECK(r.blocks[0].limit_level == LimitLevel::ok);
  CHECK(r.blocks[2].limit_level == LimitLevel::ok);  // 1,200 of 2,000 projected = 60 %

  o.token_limit = "1401";
  CHECK(blocks(h, "2026-11-24T12:00:00Z", o).blocks[2].limit_level == LimitLevel::warning);  // 85.7 %

  o.token_limit = "lots";
  UsageFilter f;
  f.timezone = "UTC";
  ReportOptions ro;
  ro.blocks = o;
  auto bad = build_report(h.paths, f, ReportKind::blocks, ro, at("2026-11-24T12:00:00Z"));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().exit_code == k_exit_usage);
  CHECK(bad.error().message == "invalid token limit 'lots': use a number of tokens such as 500000, or max");
}

TEST_CASE("blocks: --active, --recent and a period choose among blocks cut from all history", "[reports][blocks]") {
  Home h({req("2026-11-10T09:00:00Z"), req("2026-11-23T22:30:00Z"), req("2026-11-24T01:00:00Z"),
          req("2026-11-24T11:30:00Z")});
  BlockOptions active;
  active.active = true;
  auto r = blocks(h, "2026-11-24T12:00:00Z", active);
  REQUIRE(r.blocks.size() == 1);
  CHECK(r.blocks[0].start_ms == at("2026-11-24T11:00:00Z"));
  CHECK(r.totals.requests == 1);

  BlockOptions recent;
  recent.recent = true;
  r = blocks(h, "2026-11-24T12:00:00Z", recent);
  CHECK(r.period.period == "recent");
  REQUIRE(r.blocks.size() == 3);  // 22:00 block (22:30 and 01:00), gap, 11:00 block
  CHECK(r.blocks[0].start_ms == at("2026-11-23T22:00:00Z"));
  CHECK(r.blocks[0].requests == 2);
  CHECK(r.blocks[1].gap);
  CHECK(r.totals.requests == 3);

  // `today` in UTC shows the block that started today; the one that began yesterday at 22:00 is not split.
  r = blocks(h, "2026-11-24T12:00:00Z", {}, "UTC", "today");
  REQUIRE(r.blocks.size() == 1);
  CHECK(r.blocks[0].start_ms == at("2026-11-24T11:00:00Z"));
}

TEST_CASE("blocks: the active block is found through continuous use longer than a day", "[reports][blocks]") {
  // A request every 2 h for 3 days: blocks chain from the first request
  // (00:00, 06:00, 12:00, 18:00 each day; the last request is at 22:30 on the 23rd).
  std::vector<test::SeedRequest> rs;
  std::vector<std::string> times;
  for (int i = 0; i < 36; ++i) times.push_back(format_iso8601_ms(at("2026-11-21T00:30:00Z") + i * 2 * 3600 * 1000));
  for (const auto& t : times) rs.push_back(req(t.c_str()));
  Home h(rs);
  const char* now = "2026-11-23T22:45:00Z";
  const auto all = blocks(h, now);
  REQUIRE_FALSE(all.blocks.empty());
  const auto& last = all.blocks.back();
  REQUIRE(last.active);
  CHECK(last.start_ms == at("2026-11-23T18:00:00Z"));
  CHECK(last.requests == 3);
  auto fast = active_block(h.paths, UsageFilter{}, at(now));
  REQUIRE(fast);
  REQUIRE(*fast);
  CHECK((*fast)->start_ms == last.start_ms);
  CHECK((*fast)->requests == last.requests);
}
