// `clown usage live`: one frame as plain text (--once, or on a non-terminal)
// from a seeded store, and the full-screen monitor in a pseudo-terminal.
#include <catch2/catch.hpp>

#include "tests/reports/seed.hpp"
#include "tests/support/clown_home.hpp"
#include "tests/support/pty_terminal.hpp"

using namespace clown;

TEST_CASE("live: --once prints the frame of a seeded store", "[live][cli]") {
  test::ClownHome home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  test::write_text(home.root() / "config.toml",
                   "[daemon]\nport = 0\n[budgets]\ndaily = 10\n[budgets.profiles.work-claude]\nmonthly = 50\n");
  auto r = home.clown({"usage", "live", "--once", "--at", "2026-11-24T10:00:00Z", "--timezone", "UTC"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  // Today (UTC) holds r2, r3 and r4 (tests/reports/seed.hpp); the active
  // block began at 08:00 with r2, so at 10:00 it has 3 h left and burns
  // $15.88 in 2 h.
  CHECK(r.out ==
        "clown usage live  |  2026-11-24T10:00:00Z  |  UTC  |  every 1s  |  q quits\n"
        "\n"
        "Today   $15.88  |  360 tokens  |  3 requests\n"
        "Block   $15.88  |  360 tokens  |  burn $7.94/h  |  projected $39.69  |  3h00m left\n"
        "Budgets\n"
        "  overall         daily       $15.88 of $10.00     159%  exceeded\n"
        "  work-claude     monthly     $23.06 of $50.00      46%  safe\n"
        "\n"
        "Runs now (0)\n"
        "  none\n"
        "\n"
        "Last requests\n"
        "      AGE  PROFILE         MODEL                       TOKENS      COST\n"
        "      50m  claude-native   glm-4.6                         15  unpriced\n"
        "    1h00m  claude-native   opus-4-1                        15    $15.00\n"
        "    2h00m  work-claude     sonnet-4-5                     330     $0.88\n"
        "   10h30m  work-claude     sonnet-4-5                   6,324     $2.19\n"
        "   22h00m  work-claude     sonnet-4-5                   3,000    $20.00\n");
  // Not a terminal (stdout is a pipe here): the same frame without --once.
  auto piped = home.clown({"usage", "live", "--at", "2026-11-24T10:00:00Z", "--timezone", "UTC"});
  CHECK(piped.exit_code == 0);
  CHECK(piped.out == r.out);

  r = home.clown({"usage", "live", "--once", "--at", "yesterday"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: invalid --at 'yesterday': use an ISO-8601 time such as 2026-11-24T09:30:00Z\n");
  r = home.clown({"usage", "live", "--once", "--timezone", "Mars/Base"});
  CHECK(r.exit_code == 2);
}

TEST_CASE("live: the monitor draws in a terminal and q leaves with status 0", "[live][cli]") {
  test::ClownHome home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  test::Terminal::Env env;
  for (const auto& [k, v] : home.options().env) env[k] = v;
  env["TERM"] = "xterm-256color";
  test::Terminal term({test::clown_binary().string(), "usage", "live", "--interval", "1"}, env, home.dir(), 30, 100);
  term.expect("Last requests");
  // The screen may be drawn in more than one write: wait for the rows too.
  term.expect("sonnet-4-5");
  CHECK(term.screen().find("clown usage live  |  ") != std::string::npos);
  term.type("q");
  CHECK(term.wait_exit(std::chrono::seconds(20)) == 0);
}

TEST_CASE("live: Ctrl-C leaves the monitor with status 0 too", "[live][cli]") {
  test::ClownHome home;
  test::Terminal::Env env;
  for (const auto& [k, v] : home.options().env) env[k] = v;
  env["TERM"] = "xterm-256color";
  test::Terminal term({test::clown_binary().string(), "usage", "live"}, env, home.dir(), 24, 80);
  term.expect("Runs now (0)");
  term.type("\x03");
  CHECK(term.wait_exit(std::chrono::seconds(20)) == 0);
}

TEST_CASE("live: a resized terminal gets the frame redrawn at its new width; q restores it", "[live][cli]") {
  test::ClownHome home;
  test::seed(home.paths(), test::fixture_requests(), test::fixture_runs());
  test::Terminal::Env env;
  for (const auto& [k, v] : home.options().env) env[k] = v;
  env["TERM"] = "xterm-256color";
  // 40 columns: the header line ("clown usage live  |  <time>  |  <zone>  |
  // every 60s  |  q quits") is cut before its end.
  test::Terminal term({test::clown_binary().string(), "usage", "live", "--interval", "60"}, env, home.dir(), 24, 40);
  term.expect("Last requests");
  CHECK(term.screen().find("q quits") == std::string::npos);
  // Wider (and the refresh a minute away): the next frame, drawn for the
  // resize, shows the whole header and the requests' cost column.
  term.resize(30, 120);
  term.expect("every 60s  |  q quits", std::chrono::seconds(20));
  term.expect("COST", std::chrono::seconds(20));
  // Narrower again: redrawn at 40 columns, nothing past them.
  term.resize(24, 40);
  CHECK(term.wait_until([&] { return term.screen().find("q quits") == std::string::npos; }, std::chrono::seconds(20)));
  term.expect("Last requests", std::chrono::seconds(20));
  term.type("q");
  CHECK(term.wait_exit(std::chrono::seconds(20)) == 0);
  // ncurses left the alternate screen on the way out (endwin): the screen is
  // the one from before the monitor (empty), not its last frame.
  CHECK(term.screen().find("Last requests") == std::string::npos);
}
