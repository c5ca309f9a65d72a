#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "config/config.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using config::parse_config;

namespace {

config::Config parsed(const std::string& text) {
  auto c = parse_config(text, "/h/config.toml");
  if (!c) FAIL(c.error().message);
  return *c;
}

std::string error_of(const std::string& text) {
  auto c = parse_config(text, "/h/config.toml");
  REQUIRE_FALSE(c);
  return c.error().message;
}

}  // namespace

TEST_CASE("config: budgets overall and per profile, integers and floats", "[config]") {
  const auto c = parsed(
      "[budgets]\n"
      "daily = 10\n"
      "monthly = 150.5\n"
      "[budgets.profiles.work]\n"
      "weekly = 40\n"
      "[budgets.profiles.\"side-project\"]\n"
      "daily = 0\n");
  CHECK(c.budgets.overall.daily == 10.0);
  CHECK_FALSE(c.budgets.overall.weekly);
  CHECK(c.budgets.overall.monthly == 150.5);
  REQUIRE(c.budgets.profiles.size() == 2);
  CHECK(c.budgets.profiles.at("work").weekly == 40.0);
  CHECK_FALSE(c.budgets.profiles.at("work").daily);
  CHECK(c.budgets.profiles.at("side-project").daily == 0.0);
}

TEST_CASE("config: plans, project aliases, start of week and insight thresholds", "[config]") {
  const auto c = parsed(
      "start_of_week = \"Sunday\"\n"
      "[[plans]]\n"
      "name = \"Team\"\n"
      "monthly_usd = 30\n"
      "[[plans]]\n"
      "name = \"Max 5x\"\n"
      "monthly_usd = 90.0\n"
      "[project_aliases]\n"
      "\"/work/wt/*\" = \"clown\"\n"
      "scratch = \"misc\"\n"
      "[insights]\n"
      "z_threshold = 4\n"
      "min_history_days = 10\n"
      "concentration_share = 0.5\n");
  CHECK(c.start_of_week == 0);
  REQUIRE(c.plans.size() == 2);
  CHECK(c.plans[0].name == "Team");
  CHECK(c.plans[0].monthly_usd == 30.0);
  CHECK(c.plans[1].name == "Max 5x");
  CHECK(c.plans[1].monthly_usd == 90.0);
  REQUIRE(c.project_aliases.size() == 2);
  CHECK(c.project_aliases[0].pattern == "/work/wt/*");
  CHECK(c.project_aliases[0].name == "clown");
  CHECK(c.project_aliases[1].pattern == "scratch");
  CHECK(c.insights.z_threshold == 4.0);
  CHECK(c.insights.min_history_days == 10);
  CHECK(c.insights.concentration_share == 0.5);
  CHECK(c.insights.session_percentile == 99.0);  // default kept
}

TEST_CASE("config: defaults without the new sections", "[config]") {
  const auto c = parsed("timezone = \"UTC\"\n");
  CHECK(c.start_of_week == 1);
  CHECK(c.budgets.overall.empty());
  CHECK(c.budgets.profiles.empty());
  CHECK(c.plans.empty());
  CHECK(c.project_aliases.empty());
  CHECK(c.insights.z_threshold == 3.5);
  CHECK(c.insights.min_history_days == 7);
}

TEST_CASE("config: a wrong type names file, line and key", "[config]") {
  CHECK(error_of("[budgets]\ndaily = \"ten\"\n") ==
        "/h/config.toml:2: budgets.daily must be a number of USD, 0 or more (e.g. 25 or 12.5)");
  CHECK(error_of("[budgets]\nweekly = -5\n") ==
        "/h/config.toml:2: budgets.weekly must be a number of USD, 0 or more (e.g. 25 or 12.5)");
  CHECK(error_of("budgets = 3\n") == "/h/config.toml:1: budgets must be a table ([budgets])");
  CHECK(error_of("[budgets.profiles]\nwork = 5\n") ==
        "/h/config.toml:2: budgets.profiles.work must be a table ([budgets.profiles.work]) with daily, weekly or "
        "monthly");
  CHECK(error_of("[budgets.profiles.work]\nmonthly = true\n") ==
        "/h/config.toml:2: budgets.profiles.work.monthly must be a number of USD, 0 or more (e.g. 25 or 12.5)");
  CHECK(error_of("\n[[plans]]\nname = \"Team\"\n") ==
        "/h/config.toml:2: plans[0].monthly_usd must be set (the plan's price per month in USD)");
  CHECK(error_of("[[plans]]\nname = 7\nmonthly_usd = 5\n") ==
        "/h/config.toml:2: plans[0].name must be a non-empty string");
  CHECK(error_of("plans = \"pro\"\n") ==
        "/h/config.toml:1: plans must be an array of tables ([[plans]] with name and monthly_usd)");
  CHECK(error_of("[project_aliases]\n\"/a\" = 1\n") ==
        "/h/config.toml:2: project_aliases.\"/a\" must be a non-empty string (the project name to report)");
  CHECK(error_of("start_of_week = \"someday\"\n") ==
        "/h/config.toml:1: start_of_week must be a day name such as \"monday\" or \"sunday\"");
  CHECK(error_of("[insights]\n\nz_threshold = 0\n") ==
        "/h/config.toml:3: insights.z_threshold must be a number from 0.5 to 100");
  CHECK(error_of("[insights]\nmin_history_days = 2.5\n") ==
        "/h/config.toml:2: insights.min_history_days must be a whole number from 1 to 365");
  // The port, zone and price URL matter: "8765x" must not silently become 8765.
  CHECK(error_of("[daemon]\nport = \"8765x\"\n") ==
        "/h/config.toml:2: daemon.port must be a whole number from 1 to 65535 (or 0: any free port)");
  CHECK(error_of("[daemon]\nport = 70000\n") ==
        "/h/config.toml:2: daemon.port must be a whole number from 1 to 65535 (or 0: any free port)");
  CHECK(error_of("timezone = 1\n") ==
        "/h/config.toml:1: timezone must be a string naming an IANA zone, e.g. "
        "\"Europe/Berlin\"");
  CHECK(error_of("[registry]\npricing_url = false\n") ==
        "/h/config.toml:2: registry.pricing_url must be a string (an https:// URL)");
}

TEST_CASE("config: keys clown does not read are warnings naming file, line and key", "[config]") {
  const auto c = parsed("timezone = \"UTC\"\nmodle = 1\n[daemon]\nprot = 9000\n[budgets]\ndialy = 5\n");
  CHECK(c.daemon_port == 8765);
  CHECK(c.warnings == std::vector<std::string>{
                          "/h/config.toml:2: unknown key 'modle' (ignored)",
                          "/h/config.toml:4: unknown key 'daemon.prot' (ignored); did you mean 'daemon.port'?",
                          "/h/config.toml:6: unknown key 'budgets.dialy' (ignored); did you mean 'budgets.daily'?"});
  CHECK(parsed("[daemon]\nport = 0\n[budgets.profiles.work]\nmonthly = 5\n").warnings.empty());
}

TEST_CASE("config: malformed TOML names file, line and column", "[config]") {
  const auto message = error_of("[budgets\ndaily = 1\n");
  CHECK(message.rfind("/h/config.toml:1:", 0) == 0);
}

TEST_CASE("config: weekday names", "[config]") {
  CHECK(config::weekday_from("monday") == 1);
  CHECK(config::weekday_from("SUN") == 0);
  CHECK(config::weekday_from("Sat") == 6);
  CHECK_FALSE(config::weekday_from("mo"));
  CHECK_FALSE(config::weekday_from(""));
  CHECK(config::weekday_name(0) == "sunday");
  CHECK(config::weekday_name(3) == "wednesday");
}

TEST_CASE("config: load_config reads $CLOWN_HOME/config.toml and names it in errors", "[config]") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  test::write_text(paths.config_file(), "[budgets]\ndaily = []\n");
  auto c = config::load_config(paths);
  REQUIRE_FALSE(c);
  CHECK(c.error().message ==
        paths.config_file().string() + ":2: budgets.daily must be a number of USD, 0 or more (e.g. 25 or 12.5)");
}

TEST_CASE("config: [otel] upstream, headers and queue limits, with wrong types named", "[config]") {
  const auto c = parsed(
      "[otel]\n"
      "upstream = \"https://collector.example.com/otlp\"\n"
      "headers = {Authorization = \"Bearer abc\", \"X-Scope-OrgID\" = \"team\"}\n"
      "queue_max_payloads = 50\n"
      "queue_max_mb = 2\n");
  CHECK(c.otel.upstream == "https://collector.example.com/otlp");
  CHECK(c.otel.headers ==
        std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer abc"}, {"X-Scope-OrgID", "team"}});
  CHECK(c.otel.queue_max_payloads == 50);
  CHECK(c.otel.queue_max_bytes == 2 * 1024 * 1024);
  CHECK(c.warnings.empty());
  CHECK(parsed("").otel.queue_max_payloads == 10000);
  CHECK(parsed("").otel.queue_max_bytes == 64 * 1024 * 1024);
  CHECK(error_of("[otel]\nupstream = \"collector:4318\"\n") ==
        "/h/config.toml:2: otel.upstream must be a string with an http:// or https:// URL (the collector's base URL)");
  CHECK(error_of("[otel]\nupstream = 4318\n") ==
        "/h/config.toml:2: otel.upstream must be a string with an http:// or https:// URL (the collector's base URL)");
  CHECK(error_of("[otel]\nheaders = {Authorization = 5}\n") ==
        "/h/config.toml:2: otel.headers.Authorization must be a string (the header's value)");
  CHECK(error_of("[otel]\nheaders = \"Authorization=x\"\n") ==
        "/h/config.toml:2: otel.headers must be a table ([otel.headers])");
  CHECK(error_of("[otel]\nqueue_max_payloads = 0\n") ==
        "/h/config.toml:2: otel.queue_max_payloads must be a whole number from 1 to 10000000");
  CHECK(parsed("[otel]\nupstrem = \"https://x\"\n").warnings ==
        std::vector<std::string>{
            "/h/config.toml:2: unknown key 'otel.upstrem' (ignored); did you mean 'otel.upstream'?"});
}

TEST_CASE("config: [otel] headers from a config.toml group or others can read are refused, saying what to do",
          "[config]") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  test::write_text(paths.config_file(),
                   "[otel]\nupstream = \"https://c.example\"\nheaders = {Authorization = \"s\"}\n");
  const auto file = paths.config_file().string();
  ::chmod(file.c_str(), 0640);
  auto c = config::load_config(paths);
  REQUIRE(c);
  CHECK(c->otel.upstream == "https://c.example");
  CHECK(c->otel.headers.empty());
  CHECK(c->otel.headers_refused == "not using [otel] headers: permissions 0640 for " + file +
                                       " let group or others read these secrets; run: chmod 600 " + file +
                                       " (or store them with: clown otel upstream URL --header K=V)");
  ::chmod(file.c_str(), 0600);
  c = config::load_config(paths);
  REQUIRE(c);
  CHECK(c->otel.headers == std::vector<std::pair<std::string, std::string>>{{"Authorization", "s"}});
  CHECK(c->otel.headers_refused.empty());
  // Without headers there is no secret: any mode is fine.
  test::write_text(paths.config_file(), "[otel]\nupstream = \"https://c.example\"\n");
  ::chmod(file.c_str(), 0644);
  c = config::load_config(paths);
  REQUIRE(c);
  CHECK(c->otel.headers_refused.empty());
}

TEST_CASE("config: [team] role and listen, with wrong values named", "[config]") {
  const auto c = parsed("[team]\nrole = \"central\"\nlisten = \"10.0.0.5:14318\"\n");
  CHECK(c.team.role == config::TeamRole::central);
  CHECK(c.team.listen_host == "10.0.0.5");
  CHECK(c.team.listen_port == 14318);
  CHECK(c.warnings.empty());
  CHECK(parsed("").team.role == config::TeamRole::none);
  CHECK(parsed("").team.listen_host == "0.0.0.0");
  CHECK(parsed("").team.listen_port == 4318);
  CHECK(parsed("[team]\nlisten = \"4400\"\n").team.listen_port == 4400);
  CHECK(error_of("[team]\nrole = \"server\"\n") ==
        "/h/config.toml:2: team.role must be \"central\" (accept other machines' OTLP) or \"none\"");
  CHECK(error_of("[team]\nrole = 1\n") ==
        "/h/config.toml:2: team.role must be \"central\" (accept other machines' OTLP) or \"none\"");
  CHECK(error_of("[team]\nlisten = \"0.0.0.0:99999\"\n") ==
        "/h/config.toml:2: team.listen must be a string \"address:port\", e.g. \"0.0.0.0:4318\"");
  CHECK(error_of("[team]\nlisten = 4318\n") ==
        "/h/config.toml:2: team.listen must be a string \"address:port\", e.g. \"0.0.0.0:4318\"");
  CHECK(parsed("[team]\nrol = \"central\"\n").warnings ==
        std::vector<std::string>{"/h/config.toml:2: unknown key 'team.rol' (ignored); did you mean 'team.role'?"});
}
