#include <catch2/catch.hpp>

#include "common/format.hpp"
#include "common/time.hpp"
#include "reports/blocks.hpp"
#include "reports/statusline.hpp"
#include "store/store.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::reports;

namespace {

const std::string k_dot = " \xC2\xB7 ";

std::string capture(const std::string& version, const std::string& name) {
  return test::read_text(test::source_dir() / "tests/data/claude/statusline" / version / name);
}

int64_t at(const char* iso) { return *parse_iso8601_ms(iso); }

test::SeedRequest spend(const char* ts, const char* session, const char* profile, double usd) {
  test::SeedRequest r = test::make_request(ts, session, profile, "claude-sonnet-4-5", "/p");
  r.input = 1;
  r.cost_input = usd;
  return r;
}

int64_t rate_limit_rows(const Paths& paths) {
  auto store = store::Store::open(paths);
  REQUIRE(store);
  return (*store)->db().execAndGet("SELECT count(*) FROM rate_limits").getInt64();
}

}  // namespace

TEST_CASE("statusline input: captured 2.1.328 and 2.1.197 inputs, with and without rate_limits", "[statusline]") {
  auto oauth = parse_statusline_input(capture("2.1.328", "oauth-03.json"));
  REQUIRE(oauth);
  CHECK(oauth->session_id == "617ca966-bc60-4a7a-9342-c13b1cf0ff60");
  CHECK(oauth->model_id == "claude-sonnet-4-5");
  CHECK(short_model_name(*oauth) == "sonnet-4.5");
  CHECK(*oauth->session_cost == Approx(0.0517806).epsilon(1e-9));
  CHECK(*oauth->context_percent == 20);
  REQUIRE(oauth->limits.size() == 2);
  CHECK(oauth->limits[0].window == store::QuotaWindow::five_hour);
  CHECK(oauth->limits[0].used_percent == 24);
  CHECK(oauth->limits[0].resets_at_ms == 1795946400000);
  CHECK(oauth->limits[1].window == store::QuotaWindow::seven_day);
  CHECK(oauth->limits[1].used_percent == 50.4);
  CHECK(oauth->limits[1].resets_at_ms == 1796450400000);

  auto first = parse_statusline_input(capture("2.1.328", "apikey-01.json"));
  REQUIRE(first);
  CHECK(first->limits.empty());
  CHECK_FALSE(first->context_percent);  // null before the first answer
  CHECK(*first->session_cost == 0);

  auto old = parse_statusline_input(capture("2.1.197", "oauth-03.json"));
  REQUIRE(old);
  CHECK(old->limits.size() == 2);
}

TEST_CASE("statusline input: resets_at as an ISO-8601 string, bad input", "[statusline]") {
  auto in = parse_statusline_input(
      R"({"rate_limits": {"five_hour": {"used_percentage": 38, "resets_at": "2026-11-29T10:00:00Z"},
          "seven_day": {"used_percentage": 12.5, "resets_at": "2026-12-05T06:00:00.000+00:00"}}})");
  REQUIRE(in);
  REQUIRE(in->limits.size() == 2);
  CHECK(in->limits[0].resets_at_ms == at("2026-11-29T10:00:00Z"));
  CHECK(in->limits[1].resets_at_ms == at("2026-12-05T06:00:00Z"));
  // A window without a usable reset time or percentage is left out.
  in = parse_statusline_input(R"({"rate_limits": {"five_hour": {"used_percentage": 38, "resets_at": "soon"},
                                 "seven_day": {"resets_at": 1796450400}}})");
  REQUIRE(in);
  CHECK(in->limits.empty());
  for (const char* bad : {"", "not json", "[1,2]", "{\"session_id\": ", "\xff\xfe"}) {
    INFO(bad);
    auto r = parse_statusline_input(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().message ==
          "the statusline input is not a JSON object (clown statusline reads Claude Code's statusLine JSON on stdin)");
  }
}

TEST_CASE("statusline render: segments in order, blocks with time left and burn rate, colours", "[statusline]") {
  auto in = parse_statusline_input(capture("2.1.328", "oauth-03.json"));
  REQUIRE(in);
  const int64_t now = at("2026-11-29T10:48:00Z");
  StatuslineFigures fig{7.10, StatuslineBlock{at("2026-11-29T09:00:00Z"), at("2026-11-29T14:00:00Z"), 3.20}};
  config::StatuslineConfig cfg;
  CHECK(render_statusline(*in, "work-claude", fig, cfg, false, now) ==
        "work-claude" + k_dot + "sonnet-4.5" + k_dot + "session $0.05" + k_dot + "today $7.10" + k_dot +
            "block $3.20 (3h12m left, $1.8/h)" + k_dot + "ctx 20%" + k_dot + "5h 24%");
  // No figures (store unreadable, nothing cached): those segments are left out.
  CHECK(render_statusline(*in, "w", std::nullopt, cfg, false, now) ==
        "w" + k_dot + "sonnet-4.5" + k_dot + "session $0.05" + k_dot + "ctx 20%" + k_dot + "5h 24%");
  cfg.segments = {"seven_day", "five_hour", "context"};
  CHECK(render_statusline(*in, "w", fig, cfg, false, now) == "7d 50%" + k_dot + "5h 24%" + k_dot + "ctx 20%");
  // Yellow from warning_percent, red from critical_percent.
  cfg.warning_percent = 20;
  cfg.critical_percent = 50;
  CHECK(render_statusline(*in, "w", fig, cfg, true, now) ==
        "\x1b[31m7d 50%\x1b[0m" + k_dot + "\x1b[33m5h 24%\x1b[0m" + k_dot + "\x1b[33mctx 20%\x1b[0m");
  cfg.segments = {"block"};
  fig.block->cost = 25;
  CHECK(render_statusline(*in, "w", fig, cfg, false, at("2026-11-29T13:59:00Z")) == "block $25.00 (1m left, $5.0/h)");
}

TEST_CASE("statusline: today's spend and the active block from the store, live session cost added, quota recorded once",
          "[statusline]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  test::write_text(paths.config_file(), "timezone = \"UTC\"\n");
  test::seed(paths, {spend("2026-11-29T09:10:00Z", "s1", "work", 2.0), spend("2026-11-29T08:10:00Z", "s1", "home", 5.0),
                     spend("2026-11-28T12:00:00Z", "s0", "work", 100.0)});
  const auto input = capture("2.1.328", "oauth-03.json");
  const int64_t now = at("2026-11-29T10:00:00Z");
  auto line = statusline(paths, input, "work", false, now);
  REQUIRE(line);
  // The session (617ca966…) is not stored yet: its $0.05 counts towards today and the block.
  CHECK(*line == "work" + k_dot + "sonnet-4.5" + k_dot + "session $0.05" + k_dot + "today $2.05" + k_dot +
                     "block $2.05 (4h00m left, $2.1/h)" + k_dot + "ctx 20%" + k_dot + "5h 24%");
  CHECK(rate_limit_rows(paths) == 2);
  // Again: the same answer from the cache, no new rows.
  CHECK(*statusline(paths, input, "work", false, now) == *line);
  CHECK(fs::exists(paths.telemetry_dir() / "statusline" / "work.json"));
  CHECK(rate_limit_rows(paths) == 2);
  // A new percentage is a new row; the store changed, so the figures are recomputed.
  std::string higher = input;
  const std::string old_percent = "\"used_percentage\":24";
  higher.replace(higher.find(old_percent), old_percent.size(), "\"used_percentage\":31");
  test::seed(paths, {spend("2026-11-29T09:20:00Z", "s2", "work", 1.0)});
  line = statusline(paths, higher, "work", false, now);
  REQUIRE(line);
  CHECK(line->find("today $3.05") != std::string::npos);
  CHECK(line->find("5h 31%") != std::string::npos);
  CHECK(rate_limit_rows(paths) == 3);
  // Once the session is stored, its cost is not added twice.
  test::seed(paths, {spend("2026-11-29T09:30:00Z", "617ca966-bc60-4a7a-9342-c13b1cf0ff60", "work", 0.5)});
  CHECK(statusline(paths, higher, "work", false, now)->find("today $3.50") != std::string::npos);
  // A profile without history: only the session's own cost.
  CHECK(statusline(paths, input, "new", false, now)->find("today $0.05") != std::string::npos);
}

TEST_CASE("statusline: [statusline] in config.toml, and its errors", "[statusline]") {
  auto cfg = config::parse_config(
      "[statusline]\nsegments = [\"profile\", \"seven_day\"]\ncolor = false\nwarning_percent = 60\n"
      "critical_percent = 90\n",
      "config.toml");
  REQUIRE(cfg);
  CHECK(cfg->statusline.segments == std::vector<std::string>{"profile", "seven_day"});
  CHECK_FALSE(cfg->statusline.color);
  CHECK(cfg->statusline.warning_percent == 60);
  CHECK(cfg->statusline.critical_percent == 90);
  auto bad = config::parse_config("[statusline]\nsegments = [\"profile\", \"weather\"]\n", "config.toml");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message ==
        "config.toml:2: statusline.segments must be a list of segment names (profile, model, session, today, block, "
        "context, five_hour, seven_day)");
  bad = config::parse_config("[statusline]\ncolor = \"yes\"\n", "config.toml");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "config.toml:2: statusline.color must be true or false");
}

TEST_CASE("statusline: the active block walked forward from the cached chain is the one clown usage blocks shows",
          "[statusline]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  test::write_text(paths.config_file(), "timezone = \"UTC\"\n");
  // Three days without a pause of 5 h (one request every 50 min, $1 each),
  // then a pause, then two more: every block edge depends on the history.
  std::vector<test::SeedRequest> rows;
  for (int64_t t = at("2026-11-26T00:20:00Z"); t < at("2026-11-29T00:00:00Z"); t += 50 * 60 * 1000)
    rows.push_back(spend(format_iso8601_ms(t).c_str(), "s", "work", 1.0));
  test::seed(paths, rows);
  // The session is stored: nothing of its own is added.
  const std::string input = R"({"session_id": "s", "model": {"id": "claude-sonnet-4-5"}})";
  UsageFilter filter;
  filter.profile = "work";
  // The walk from the last anchor (at first, from the first request; again
  // on a new day) agrees with the blocks report, which reads all the history.
  int active = 0, inactive = 0;
  auto check = [&](const char* now_iso) {
    const int64_t now = at(now_iso);
    INFO(now_iso);
    const auto expected = active_block(paths, filter, now);
    REQUIRE(expected);
    const auto line = statusline(paths, input, "work", false, now);
    REQUIRE(line);
    if (!expected->has_value()) {
      CHECK(line->find("block") == std::string::npos);
      ++inactive;
      return;
    }
    ++active;
    const auto& b = **expected;
    const int64_t left = (b.end_ms - now) / 60000;
    char buf[64];
    if (left >= 60)
      std::snprintf(buf, sizeof buf, "block $%.2f (%dh%02dm left", b.total_cost, static_cast<int>(left / 60),
                    static_cast<int>(left % 60));
    else
      std::snprintf(buf, sizeof buf, "block $%.2f (%dm left", b.total_cost, static_cast<int>(left));
    INFO(*line);
    CHECK(line->find(buf) != std::string::npos);
  };
  check("2026-11-28T23:55:00Z");
  check("2026-11-29T03:00:00Z");
  check("2026-11-29T05:30:00Z");
  test::seed(paths, {spend("2026-11-29T06:10:00Z", "s", "work", 2.0)});
  check("2026-11-29T07:00:00Z");
  test::seed(paths, {spend("2026-11-29T07:40:00Z", "s", "work", 3.0)});
  check("2026-11-29T07:50:00Z");
  check("2026-11-29T10:59:00Z");
  check("2026-11-29T11:30:00Z");
  CHECK(active == 4);
  CHECK(inactive == 3);
}

TEST_CASE("statusline: the session's own spend from its transcript, the part the store does not hold added once",
          "[statusline]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  test::write_text(paths.config_file(), "timezone = \"UTC\"\n");
  // The session's first request is stored already (e.g. through clownd's OTLP receiver).
  test::seed(paths,
             {spend("2026-11-29T09:00:00Z", "live", "work", 1.0), spend("2026-11-29T08:30:00Z", "s0", "work", 4.0)});
  const std::string input =
      R"({"session_id": "live", "transcript_path": "/t.jsonl", "model": {"id": "claude-sonnet-4-5"},
          "cost": {"total_cost_usd": 9.99}})";
  int reads = 0;
  const SessionSpendReader reader = [&](const StatuslineInput& in) -> std::optional<SessionSpend> {
    ++reads;
    CHECK(in.transcript_path == "/t.jsonl");
    return SessionSpend{1.5, {{at("2026-11-29T09:00:00Z"), 1.0}, {at("2026-11-29T09:30:00Z"), 0.5}}};
  };
  const int64_t now = at("2026-11-29T10:00:00Z");
  // clown's price of the session ($1.50, not Claude Code's $9.99); today and the
  // block are the store's $5.00 plus the $0.50 it does not hold yet.
  CHECK(*statusline(paths, input, "work", false, now, reader) == "work" + k_dot + "sonnet-4-5" + k_dot +
                                                                     "session $1.50" + k_dot + "today $5.50" + k_dot +
                                                                     "block $5.50 (3h00m left, $2.8/h)");
  CHECK(reads == 1);
  // Without a readable transcript: Claude Code's estimate, and the store's figures (the session is stored).
  const SessionSpendReader none = [](const StatuslineInput&) { return std::nullopt; };
  CHECK(*statusline(paths, input, "work", false, now, none) == "work" + k_dot + "sonnet-4-5" + k_dot + "session $9.99" +
                                                                   k_dot + "today $5.00" + k_dot +
                                                                   "block $5.00 (3h00m left, $2.5/h)");
}
