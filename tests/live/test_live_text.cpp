// The text of a live frame (what the monitor draws and --once prints).
#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "live/live_text.hpp"

using namespace clown;

namespace {

int64_t at(const char* iso) { return *parse_iso8601_ms(iso); }

live::LiveFrame sample() {
  live::LiveFrame f;
  f.now_ms = at("2026-11-24T10:00:00Z");
  f.timezone = "UTC";
  f.today.total_cost = 12.5;
  f.today.tokens.input = 1000;
  f.today.tokens.output = 234;
  f.today.tokens.cache_read = 1'000'000;
  f.today.requests = 7;
  reports::BurnRate burn;
  burn.cost_per_hour = 2.1;
  burn.projected_cost = 9.5;
  burn.remaining_ms = (3 * 3600 + 12 * 60 + 30) * 1000;
  f.block = live::LiveBlock{at("2026-11-24T08:00:00Z"), at("2026-11-24T13:00:00Z"), 51234, 4.2, burn};
  reports::BudgetStatus daily;
  daily.limit = 10;
  daily.spent = 12.5;
  daily.percent = 125;
  daily.level = reports::BudgetLevel::exceeded;
  reports::BudgetStatus work;
  work.profile = "work";
  work.window = reports::BudgetWindow::monthly;
  work.limit = 100;
  work.spent = 55;
  work.percent = 55;
  work.level = reports::BudgetLevel::warning;
  f.budgets = {daily, work};
  f.runs = {{"work", "claude", "claude-sonnet-4-5-20250929", 725, 40'000, 0.42, 3}};
  f.recent = {{at("2026-11-24T09:59:15Z"), "work", "claude-sonnet-4-5-20250929", 12'345, 0.0123, true},
              {at("2026-11-24T08:30:00Z"), "claude-native", "glm-4.6", 800, 0, false}};
  return f;
}

}  // namespace

TEST_CASE("live: a frame with runs, a block, budgets and requests", "[live]") {
  const auto lines = live::frame_lines(sample(), 1);
  const std::vector<std::string> expected = {
      "clown usage live  |  2026-11-24T10:00:00Z  |  UTC  |  every 1s  |  q quits",
      "",
      "Today   $12.50  |  1,001,234 tokens  |  7 requests",
      "Block   $4.20  |  51,234 tokens  |  burn $2.10/h  |  projected $9.50  |  3h12m left",
      "Budgets",
      "  overall         daily       $12.50 of $10.00     125%  exceeded",
      "  work            monthly     $55.00 of $100.00     55%  warning",
      "",
      "Runs now (1)",
      "  PROFILE         MODEL                  ELAPSED        TOKENS      COST",
      "  work            sonnet-4-5             12m 05s        40,000     $0.42",
      "",
      "Last requests",
      "      AGE  PROFILE         MODEL                       TOKENS      COST",
      "      45s  work            sonnet-4-5                  12,345     $0.01",
      "    1h30m  claude-native   glm-4.6                        800  unpriced",
  };
  CHECK(lines == expected);
}

TEST_CASE("live: an empty store, and lines cut to the width", "[live]") {
  live::LiveFrame f;
  f.now_ms = at("2026-11-24T10:00:00Z");
  f.timezone = "Europe/Berlin";
  const std::vector<std::string> expected = {
      "clown usage live  |  2026-11-24T10:00:00Z  |  Europe/Berlin  |  every 5s  |  q quits",
      "",
      "Today   $0.00  |  0 tokens  |  0 requests",
      "Block   no active 5-hour block",
      "Budgets none configured ([budgets] in config.toml)",
      "",
      "Runs now (0)",
      "  none",
      "",
      "Last requests",
      "  none",
  };
  CHECK(live::frame_lines(f, 5) == expected);
  const auto cut = live::frame_lines(f, 5, 16);
  CHECK(cut[0] == "clown usage live");
  CHECK(cut[2] == "Today   $0.00  |");
}
