// clown run wires `clown statusline` into Claude Code's settings, and the
// budget gate before a launch (docs/cost.md#budget-gate).
#include <chrono>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include "common/format.hpp"
#include "common/time.hpp"
#include "tests/integration/cli_fixture.hpp"
#include "tests/reports/seed.hpp"

using namespace clown::test;

namespace {

void make_profile(const ClownHome& h, const std::string& alias) {
  auto r = h.clown({"profiles", "create", alias, "--agent-bin", fake_agent_binary().string(), "--provider", "self"});
  REQUIRE(r.exit_code == 0);
}

fs::path capture(const char* name) { return source_dir() / "tests/data/claude/statusline/2.1.328" / name; }

// `usd` of spend by `alias` a second ago (today, in UTC).
void spend(const ClownHome& h, const std::string& alias, double usd) {
  auto r = make_request(clown::format_iso8601_ms(clown::now_ms() - 1000), "s-old", alias, "claude-sonnet-4-5", "/p");
  r.input = 1;
  r.cost_input = usd;
  seed(h.paths(), {r});
}

}  // namespace

TEST_CASE("clown run shows clown statusline in Claude Code unless the user has one or statusline = false",
          "[statusline]") {
  ClownHome h;
  make_profile(h, "p");
  const auto out = h.work() / "agent.json";
  const EnvChanges env = {{"FAKE_AGENT_OUT", out.string()}, {"FAKE_AGENT_STATUSLINE", capture("oauth-03.json")}};
  auto r = h.clown({"run", "p"}, {.env = env});
  REQUIRE(r.exit_code == 0);
  auto rec = nlohmann::json::parse(read_text(out));
  REQUIRE(rec["settings"].contains("statusLine"));
  CHECK(rec["settings"]["statusLine"]["type"] == "command");
  CHECK(rec["settings"]["statusLine"]["command"] ==
        "CLOWN_HOME='" + h.root().string() + "' CLOWN_PROFILE='p' '" + clown_binary().string() + "' statusline");
  // Nothing stored today: today and the block are the session's own cost.
  CHECK(rec["statusline"] ==
        "p \xC2\xB7 sonnet-4.5 \xC2\xB7 session $0.05 \xC2\xB7 today $0.05 \xC2\xB7 ctx 20% \xC2\xB7 5h 24%\n");
  CHECK(rec["statusline_again"] == rec["statusline"]);
  // Its quota snapshot was recorded once for the profile, however often it was shown.
  auto limits = h.clown({"usage", "limits", "--json", "--period", "all"});
  REQUIRE(limits.exit_code == 0);
  const auto j = nlohmann::json::parse(limits.out);
  REQUIRE(j["windows"].size() == 2);
  CHECK(j["windows"][0]["profile"] == "p");
  CHECK(j["windows"][0]["window"] == "five_hour");
  CHECK(j["windows"][0]["last_percent"] == 24.0);
  CHECK(j["windows"][0]["resets_at"] == "2026-11-29T10:00:00+00:00");
  CHECK(j["windows"][0]["points"].size() == 1);
  CHECK(j["windows"][1]["window"] == "seven_day");
  CHECK(j["windows"][1]["last_percent"] == 50.4);

  // The user's own status line wins.
  fs::create_directories(h.user_home() / ".claude");
  write_text(h.user_home() / ".claude" / "settings.json", R"({"statusLine": {"type": "command", "command": "mine"}})");
  REQUIRE(h.clown({"run", "p"}, {.env = env}).exit_code == 0);
  CHECK_FALSE(nlohmann::json::parse(read_text(out))["settings"].contains("statusLine"));
  fs::remove(h.user_home() / ".claude" / "settings.json");

  // statusline = false turns it off.
  REQUIRE(h.clown({"profiles", "set", "p", "statusline=false"}).exit_code == 0);
  CHECK(read_text(h.root() / "profiles" / "p.toml").find("statusline = false") != std::string::npos);
  REQUIRE(h.clown({"run", "p"}, {.env = env}).exit_code == 0);
  rec = nlohmann::json::parse(read_text(out));
  CHECK_FALSE(rec["settings"].contains("statusLine"));
  CHECK_FALSE(rec.contains("statusline"));
}

TEST_CASE("clown run checks the profile's budgets: warns at warning and critical, refuses when exceeded", "[budget]") {
  ClownHome h;
  make_profile(h, "p");
  const auto out = h.work() / "agent.json";
  const EnvChanges env = {{"FAKE_AGENT_OUT", out.string()}};
  write_text(h.root() / "config.toml", "timezone = \"UTC\"\n[daemon]\nport = 0\n[budgets.profiles.p]\ndaily = 10\n");

  SECTION("safe: nothing said") {
    spend(h, "p", 2);
    auto r = h.clown({"run", "p"}, {.env = env});
    CHECK(r.exit_code == 0);
    CHECK(r.err == "");
  }
  SECTION("warning: one line, and it starts") {
    spend(h, "p", 6);
    auto r = h.clown({"run", "p"}, {.env = env});
    CHECK(r.exit_code == 0);
    CHECK(r.err == "clown: budget warning: profile 'p''s daily budget: $6.00 of $10.00 (60%, warning)\n");
    CHECK(fs::exists(out));
  }
  SECTION("critical: one line, and it starts") {
    spend(h, "p", 8.5);
    auto r = h.clown({"run", "p"}, {.env = env});
    CHECK(r.exit_code == 0);
    CHECK(r.err == "clown: budget critical: profile 'p''s daily budget: $8.50 of $10.00 (85%, critical)\n");
  }
  SECTION("exceeded: exit 2 saying how to override; --over-budget and budget_gate = warn start it") {
    spend(h, "p", 12);
    auto r = h.clown({"run", "p"}, {.env = env});
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          "clown: error: over budget, not starting: profile 'p''s daily budget: $12.00 of $10.00 (120%, exceeded); "
          "run anyway with: clown run --over-budget p, or raise [budgets.profiles.p] daily in config.toml\n");
    CHECK_FALSE(fs::exists(out));
    r = h.clown({"run", "--over-budget", "p", "--", "x"}, {.env = env});
    CHECK(r.exit_code == 0);
    CHECK(r.err ==
          "clown: over budget, starting anyway: profile 'p''s daily budget: $12.00 of $10.00 (120%, exceeded)\n");
    CHECK(nlohmann::json::parse(read_text(out))["argv"].back() == "x");
    REQUIRE(h.clown({"profiles", "set", "p", "budget_gate=warn"}).exit_code == 0);
    r = h.clown({"run", "p"}, {.env = env});
    CHECK(r.exit_code == 0);
    REQUIRE(h.clown({"profiles", "set", "p", "budget_gate=off"}).exit_code == 0);
    r = h.clown({"run", "p"}, {.env = env});
    CHECK(r.exit_code == 0);
    CHECK(r.err == "");
    auto bad = h.clown({"profiles", "set", "p", "budget_gate=maybe"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "clown: error: budget_gate takes warn, block or off, not 'maybe'\n");
  }
  SECTION("another profile's budget does not stop this one") {
    write_text(h.root() / "config.toml", "timezone = \"UTC\"\n[daemon]\nport = 0\n[budgets.profiles.q]\ndaily = 1\n");
    spend(h, "q", 5);
    CHECK(h.clown({"run", "p"}, {.env = env}).exit_code == 0);
  }
}

TEST_CASE("clown statusline never waits for a writer: with usage.db locked it prints at once, records later",
          "[statusline]") {
  ClownHome h;
  write_text(h.root() / "config.toml", "timezone = \"UTC\"\n");
  spend(h, "p", 2);
  const std::string input = read_text(capture("oauth-03.json"));
  // A busy handler would wait this long: the test's deadline is far below it.
  const EnvChanges env = {{"CLOWN_PROFILE", "p"}, {"CLOWN_DB_BUSY_TIMEOUT_MS", "120000"}};
  auto r = h.clown({"statusline"}, {.env = env, .stdin_data = input});
  REQUIRE(r.exit_code == 0);
  const std::string line = "p \xC2\xB7 sonnet-4.5 \xC2\xB7 session $0.05 \xC2\xB7 today $2.05 \xC2\xB7 block $2.05 (";
  CHECK(r.out.rfind(line, 0) == 0);

  std::string higher = input;
  const std::string old_percent = "\"used_percentage\":24";
  higher.replace(higher.find(old_percent), old_percent.size(), "\"used_percentage\":31");
  SQLite::Database writer(h.paths().usage_db().string(), SQLite::OPEN_READWRITE);
  writer.exec("BEGIN IMMEDIATE");
  writer.exec("DELETE FROM rate_limits WHERE 0");  // holds the write lock, changes nothing
  const auto start = std::chrono::steady_clock::now();
  r = h.clown({"statusline"}, {.env = env, .stdin_data = higher});
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < std::chrono::seconds(60));
  REQUIRE(r.exit_code == 0);
  CHECK(r.err == "");
  // The figures (a committed snapshot) and the new percentage, unrecorded for now.
  CHECK(r.out.rfind(line, 0) == 0);
  CHECK(r.out.find("5h 31%\n") != std::string::npos);
  CHECK(writer.execAndGet("SELECT count(*) FROM rate_limits").getInt() == 2);
  writer.exec("ROLLBACK");
  // The next update records it.
  r = h.clown({"statusline"}, {.env = env, .stdin_data = higher});
  REQUIRE(r.exit_code == 0);
  CHECK(writer.execAndGet("SELECT count(*) FROM rate_limits WHERE used_percent = 31").getInt() == 1);
}
