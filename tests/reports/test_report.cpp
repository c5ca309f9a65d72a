#include <catch2/catch.hpp>

#include <filesystem>

#include "common/time.hpp"
#include "reports/export.hpp"
#include "reports/report.hpp"
#include "reports/report_json.hpp"
#include "reports/report_rollup.hpp"
#include "store/machine_id.hpp"
#include "store/store.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::store;
using namespace clown::reports;
using nlohmann::json;

namespace {

json tokens(int64_t in, int64_t out, int64_t cc, int64_t cr) {
  return {{"input_tokens", in},
          {"output_tokens", out},
          {"cache_creation_input_tokens", cc},
          {"cache_read_input_tokens", cr}};
}
// complete: false when some of the requests summed are unpriced (glm-4.6 in the fixture).
json cost(double in, double out, double cc, double cr, double total, bool complete = true) {
  return {{"input_cost", in},      {"output_cost", out},  {"cache_creation_cost", cc},
          {"cache_read_cost", cr}, {"total_cost", total}, {"cost_complete", complete}};
}

json report(const Paths& paths, const std::string& kind, UsageFilter f, Paging paging = {}) {
  auto r = usage_json_at(paths, f, kind, paging, test::fixture_now());
  if (!r) FAIL(r.error().message);
  return *r;
}

UsageFilter filter(const std::string& period, const std::string& zone) {
  UsageFilter f;
  f.period = period;
  f.timezone = zone;
  return f;
}

struct Fixture {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  Fixture() { test::seed(paths, test::fixture_requests(), test::fixture_runs()); }
};

const std::string k_sonnet = "claude-sonnet-4-5-20250929";

}  // namespace

TEST_CASE("reports: summary: exact object for today in Europe/Berlin", "[reports]") {
  Fixture fx;
  json expected = {
      {"period", "today"},
      {"since", "2026-11-24T00:00:00+01:00"},
      {"until", "2026-11-25T00:00:00+01:00"},
      {"timezone", "Europe/Berlin"},
      {"total_tokens", tokens(118, 230, 1031, 5305)},
      {"total_cost", cost(1.75, 3.75, 4.125, 8.1875, 18.0625, false)},
      {"total_requests", 4},
      {"total_sessions", 2},
      {"total_runtime_secs", 660.0},
      {"unpriced_models", {"glm-4.6"}},
      {"aggregates",
       {{"by_profile",
         {{"work-claude",
           {{"tokens", tokens(110, 220, 1024, 5300)},
            {"cost", cost(0.75, 1.75, 0.125, 0.1875, 3.0625)},
            {"requests", 2},
            {"sessions", 1},
            {"runtime_secs", 660.0},
            {"last_used", "2026-11-24T09:10:00+01:00"}}},
          {"claude-native",
           {{"tokens", tokens(8, 10, 7, 5)},
            {"cost", cost(1, 2, 4, 8, 15, false)},
            {"requests", 2},
            {"sessions", 1},
            {"runtime_secs", 0.0},
            {"last_used", "2026-11-24T10:10:00+01:00"}}}}},
        {"by_agent",
         {{"claude",
           {{"tokens", tokens(118, 230, 1031, 5305)},
            {"cost", cost(1.75, 3.75, 4.125, 8.1875, 18.0625, false)},
            {"requests", 4},
            {"sessions", 2},
            {"runtime_secs", 660.0},
            {"last_used", "2026-11-24T10:10:00+01:00"}}}}},
        {"by_model",
         {{k_sonnet,
           {{"tokens", tokens(110, 220, 1024, 5300)},
            {"cost", cost(0.75, 1.75, 0.125, 0.1875, 3.0625)},
            {"requests", 2}}},
          {"claude-opus-4-1", {{"tokens", tokens(1, 2, 7, 5)}, {"cost", cost(1, 2, 4, 8, 15)}, {"requests", 1}}},
          {"glm-4.6", {{"tokens", tokens(7, 8, 0, 0)}, {"cost", cost(0, 0, 0, 0, 0, false)}, {"requests", 1}}}}}}}};
  // Every request was stored on this machine.
  expected["aggregates"]["by_machine"] = {{store::machine_id(fx.paths).value(),
                                           {{"tokens", tokens(118, 230, 1031, 5305)},
                                            {"cost", cost(1.75, 3.75, 4.125, 8.1875, 18.0625, false)},
                                            {"requests", 4},
                                            {"sessions", 2}}}};
  json got = report(fx.paths, "summary", filter("today", "Europe/Berlin"));
  CHECK(got["budgets"] == json::array());  // none configured
  got.erase("budgets");
  got.erase("cache");  // tests/reports/test_calendar.cpp
  CHECK(got == expected);
}

TEST_CASE("reports: summary: the same data cut in UTC puts 23:30Z on the previous day", "[reports]") {
  Fixture fx;
  const json got = report(fx.paths, "summary", filter("today", "UTC"));
  CHECK(got["since"] == "2026-11-24T00:00:00+00:00");
  CHECK(got["total_requests"] == 3);
  CHECK(got["total_tokens"] == tokens(18, 30, 7, 305));
  CHECK(got["total_cost"] == cost(1.25, 2.5, 4, 8.125, 15.875, false));
  CHECK(got["total_sessions"] == 2);
  CHECK(got["total_runtime_secs"] == 0.0);  // run-1 started on 2026-11-23 in UTC

  const json yesterday = report(fx.paths, "summary", filter("yesterday", "UTC"));
  CHECK(yesterday["total_requests"] == 2);
  CHECK(yesterday["total_runtime_secs"] == 960.0);
  CHECK(yesterday["unpriced_models"] == json::array());
}

TEST_CASE("reports: summary: empty store gives zeros", "[reports]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  const json got = report(paths, "summary", filter("all", "UTC"));
  CHECK(got["since"].is_null());
  CHECK(got["until"].is_null());
  CHECK(got["total_requests"] == 0);
  CHECK(got["total_tokens"] == tokens(0, 0, 0, 0));
  CHECK(got["aggregates"] == json({{"by_profile", json::object()},
                                   {"by_agent", json::object()},
                                   {"by_model", json::object()},
                                   {"by_machine", json::object()}}));
}

TEST_CASE("reports: filters apply to totals, groups and runtime", "[reports]") {
  Fixture fx;
  auto f = filter("all", "UTC");
  f.model = "claude-sonnet-4-5";  // prefix of the dated name
  json got = report(fx.paths, "summary", f);
  CHECK(got["total_requests"] == 3);
  CHECK(got["total_tokens"] == tokens(1110, 2220, 1024, 5300));
  CHECK(got["total_cost"]["total_cost"] == 23.0625);
  CHECK(got["total_runtime_secs"] == 960.0);
  CHECK(got["aggregates"]["by_model"].size() == 1);

  f = filter("all", "UTC");
  f.project = "beta";
  got = report(fx.paths, "summary", f);
  CHECK(got["total_requests"] == 2);
  CHECK(got["total_cost"]["total_cost"] == 15.0);
  CHECK(got["total_runtime_secs"] == 0.0);

  f = filter("all", "UTC");
  f.project = "/home/u/alpha/";
  CHECK(report(fx.paths, "summary", f)["total_requests"] == 3);

  f = filter("all", "UTC");
  f.profile = "claude-native";
  got = report(fx.paths, "summary", f);
  CHECK(got["total_requests"] == 2);
  CHECK(got["total_sessions"] == 1);
  CHECK(got["aggregates"]["by_profile"].size() == 1);
  CHECK(got["unpriced_models"] == json({"glm-4.6"}));

  f = filter("all", "UTC");
  f.agent = "codex";
  got = report(fx.paths, "summary", f);
  CHECK(got["total_requests"] == 0);
  CHECK(got["total_runtime_secs"] == 0.0);

  f = filter("all", "UTC");
  f.model = "claude-sonnet";  // boundary-aware: matches claude-sonnet-4-5-…
  CHECK(report(fx.paths, "summary", f)["total_requests"] == 3);
  f.model = "claude-son";
  CHECK(report(fx.paths, "summary", f)["total_requests"] == 0);
}

TEST_CASE("reports: daily: days are cut in the report zone", "[reports]") {
  Fixture fx;
  const json berlin = report(fx.paths, "daily", filter("week", "Europe/Berlin"));
  const json expected_days = {{{"date", "2026-11-23"},
                               {"tokens", tokens(1000, 2000, 0, 0)},
                               {"cost", cost(4, 16, 0, 0, 20)},
                               {"requests", 1},
                               {"sessions", 1},
                               {"models", {k_sonnet}}},
                              {{"date", "2026-11-24"},
                               {"tokens", tokens(118, 230, 1031, 5305)},
                               {"cost", cost(1.75, 3.75, 4.125, 8.1875, 18.0625, false)},
                               {"requests", 4},
                               {"sessions", 2},
                               {"models", {"claude-opus-4-1", k_sonnet, "glm-4.6"}}}};
  json days = berlin["daily"];
  for (auto& d : days) d.erase("cache");  // tests/reports/test_calendar.cpp checks it
  CHECK(days == expected_days);
  CHECK(berlin["totals"]["requests"] == 5);
  CHECK(berlin["totals"]["sessions"] == 3);
  CHECK(berlin["totals"]["runtime_secs"] == 960.0);
  CHECK(berlin["unpriced_models"] == json({"glm-4.6"}));

  const json utc = report(fx.paths, "daily", filter("week", "UTC"));
  REQUIRE(utc["daily"].size() == 2);
  CHECK(utc["daily"][0]["date"] == "2026-11-23");
  CHECK(utc["daily"][0]["requests"] == 2);
  CHECK(utc["daily"][1]["requests"] == 3);
}

TEST_CASE("reports: daily: a 25-hour DST day keeps both of its midnight-adjacent hours", "[reports]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  auto req = [](const char* ts, int64_t input) {
    test::SeedRequest r = test::make_request(ts, "s", "p", "m", "/x");
    r.input = input;
    return r;
  };
  test::seed(paths, {req("2026-10-24T21:30:00Z", 1),         // 23:30 CEST 24 Oct
                     req("2026-10-24T22:30:00Z", 10),        // 00:30 CEST 25 Oct
                     req("2026-10-25T00:30:00Z", 100),       // 02:30 CEST (first 02:30)
                     req("2026-10-25T01:30:00Z", 1000),      // 02:30 CET (second 02:30)
                     req("2026-10-25T22:30:00Z", 10000),     // 23:30 CET 25 Oct
                     req("2026-10-25T23:30:00Z", 100000)});  // 00:30 CET 26 Oct
  auto f = filter("today", "Europe/Berlin");
  f.since = "2026-10-24";
  f.until = "2026-10-26";
  const json daily = report(paths, "daily", f);
  REQUIRE(daily["daily"].size() == 3);
  CHECK(daily["daily"][0]["date"] == "2026-10-24");
  CHECK(daily["daily"][0]["tokens"]["input_tokens"] == 1);
  CHECK(daily["daily"][1]["date"] == "2026-10-25");
  CHECK(daily["daily"][1]["tokens"]["input_tokens"] == 11110);
  CHECK(daily["daily"][2]["date"] == "2026-10-26");
  CHECK(daily["daily"][2]["tokens"]["input_tokens"] == 100000);
  CHECK(daily["period"] == "custom");
  CHECK(daily["since"] == "2026-10-24T00:00:00+02:00");
  CHECK(daily["until"] == "2026-10-27T00:00:00+01:00");

  f.since = "2026-10-25";
  f.until = "2026-10-25";
  const json hourly = report(paths, "hourly", f);
  std::vector<std::string> hours;
  for (const auto& h : hourly["hourly"]) hours.push_back(h["hour"]);
  CHECK(hours == std::vector<std::string>{"2026-10-25T00:00:00+02:00", "2026-10-25T02:00:00+02:00",
                                          "2026-10-25T02:00:00+01:00", "2026-10-25T23:00:00+01:00"});
}

TEST_CASE("reports: hourly: quarter-hour zones bucket on their own hours", "[reports]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  test::SeedRequest a = test::make_request("2026-11-24T04:10:00Z", "s", "p", "m", "/x");  // 09:55 +05:45
  a.input = 1;
  test::SeedRequest b = test::make_request("2026-11-24T04:20:00Z", "s", "p", "m", "/x");  // 10:05 +05:45
  b.input = 2;
  test::SeedRequest c = test::make_request("2026-11-24T05:14:59.999Z", "s", "p", "m", "/x");  // 10:59:59.999
  c.input = 4;
  test::seed(paths, {a, b, c});
  const json got = report(paths, "hourly", filter("today", "Asia/Kathmandu"));
  REQUIRE(got["hourly"].size() == 2);
  CHECK(got["hourly"][0]["hour"] == "2026-11-24T09:00:00+05:45");
  CHECK(got["hourly"][0]["tokens"]["input_tokens"] == 1);
  CHECK(got["hourly"][1]["hour"] == "2026-11-24T10:00:00+05:45");
  CHECK(got["hourly"][1]["tokens"]["input_tokens"] == 6);
  CHECK(got["hourly"][1]["models"] == json({"m"}));
}

TEST_CASE("reports: models, profiles and projects reports", "[reports]") {
  Fixture fx;
  const json models = report(fx.paths, "models", filter("all", "UTC"));
  REQUIRE(models["models"].size() == 3);
  CHECK(models["models"][0] == json({{"model", k_sonnet},
                                     {"series", "claude-sonnet-4-5"},
                                     {"tokens", tokens(1110, 2220, 1024, 5300)},
                                     {"cost", cost(4.75, 17.75, 0.125, 0.1875, 23.0625)},
                                     {"requests", 3},
                                     {"sessions", 2},
                                     {"priced", true}}));
  CHECK(models["models"][1]["model"] == "claude-opus-4-1");
  CHECK(models["models"][2] == json({{"model", "glm-4.6"},
                                     {"series", "glm-4.6"},
                                     {"tokens", tokens(7, 8, 0, 0)},
                                     {"cost", cost(0, 0, 0, 0, 0, false)},
                                     {"requests", 1},
                                     {"sessions", 1},
                                     {"priced", false}}));
  CHECK(models["totals"] == json({{"tokens", tokens(1118, 2230, 1031, 5305)},
                                  {"cost", cost(5.75, 19.75, 4.125, 8.1875, 38.0625, false)},
                                  {"requests", 5},
                                  {"sessions", 3},
                                  {"runtime_secs", 960.0}}));

  const json profiles = report(fx.paths, "profiles", filter("all", "UTC"));
  REQUIRE(profiles["profiles"].size() == 2);
  CHECK(profiles["profiles"][0] == json({{"profile", "work-claude"},
                                         {"tokens", tokens(1110, 2220, 1024, 5300)},
                                         {"cost", cost(4.75, 17.75, 0.125, 0.1875, 23.0625)},
                                         {"requests", 3},
                                         {"sessions", 2},
                                         {"runtime_secs", 960.0},
                                         {"last_used", "2026-11-24T08:10:00+00:00"}}));
  CHECK(profiles["profiles"][1]["profile"] == "claude-native");

  const json projects = report(fx.paths, "projects", filter("all", "UTC"));
  REQUIRE(projects["projects"].size() == 2);
  CHECK(projects["projects"][0]["project"] == "/home/u/alpha");
  CHECK(projects["projects"][0]["sessions"] == 2);
  CHECK(projects["projects"][0]["last_used"] == "2026-11-24T08:00:00+00:00");
  CHECK(projects["projects"][1] == json({{"project", "/home/u/beta"},
                                         {"tokens", tokens(8, 10, 7, 5)},
                                         {"cost", cost(1, 2, 4, 8, 15, false)},
                                         {"requests", 2},
                                         {"sessions", 1},
                                         {"last_used", "2026-11-24T09:10:00+00:00"}}));
}

TEST_CASE("reports: models: usage by what made the requests (main loop, titles, compaction)", "[reports]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  auto make = [](std::string ts, std::string qs, int64_t out, double cost_out) {
    auto r = test::make_request(std::move(ts), "s1", "work-claude", "claude-sonnet-4-5-20250929", "/p");
    r.output = out;
    r.cost_output = cost_out;
    r.query_source = std::move(qs);
    return r;
  };
  test::seed(paths,
             {make("2026-11-24T08:00:00Z", "repl_main_thread", 100, 1.5),
              make("2026-11-24T08:01:00Z", "repl_main_thread", 50, 0.75),
              make("2026-11-24T08:02:00Z", "generate_session_title", 10, 0.25),
              make("2026-11-24T08:03:00Z", "compact", 40, 1.0), make("2026-11-24T08:04:00Z", "agent:custom", 20, 0.5),
              make("2026-11-24T08:05:00Z", "", 5, 0.125)});
  const json got = report(paths, "models", filter("all", "UTC"));
  const json& by = got["by_query_source"];
  REQUIRE(by.size() == 5);
  CHECK(by[0]["query_source"] == "repl_main_thread");
  CHECK(by[0]["kind"] == "main");
  CHECK(by[0]["requests"] == 2);
  CHECK(by[0]["tokens"]["output_tokens"] == 150);
  CHECK(by[0]["cost"]["total_cost"] == 2.25);
  CHECK(by[1]["query_source"] == "compact");
  CHECK(by[1]["kind"] == "compaction");
  CHECK(by[2]["query_source"] == "agent:custom");
  CHECK(by[2]["kind"] == "subagent");
  CHECK(by[3]["query_source"] == "generate_session_title");
  CHECK(by[3]["kind"] == "title");
  CHECK(by[3]["cost"]["total_cost"] == 0.25);
  CHECK(by[4]["query_source"] == "");
  CHECK(by[4]["kind"] == "main");
  double sum = 0;
  for (const auto& e : by) sum += e["cost"]["total_cost"].get<double>();
  CHECK(sum == got["totals"]["cost"]["total_cost"].get<double>());
}

TEST_CASE("reports: sessions: most recent first, paged, with a total", "[reports]") {
  Fixture fx;
  const json all = report(fx.paths, "sessions", filter("all", "UTC"));
  CHECK(all["total"] == 3);
  REQUIRE(all["sessions"].size() == 3);
  CHECK(all["sessions"][0]["session_id"] == "s2");
  CHECK(all["sessions"][2]["session_id"] == "s3");

  const json page = report(fx.paths, "sessions", filter("all", "UTC"), Paging{1, 1});
  CHECK(page["total"] == 3);
  CHECK(page["limit"] == 1);
  CHECK(page["offset"] == 1);
  REQUIRE(page["sessions"].size() == 1);
  CHECK(page["sessions"][0] == json({{"session_id", "s1"},
                                     {"subagent_cost", 0.0},
                                     {"profile", "work-claude"},
                                     {"project", "/home/u/alpha"},
                                     {"first", "2026-11-23T23:30:00+00:00"},
                                     {"last", "2026-11-24T08:00:00+00:00"},
                                     {"models", {k_sonnet}},
                                     {"tokens", tokens(110, 220, 1024, 5300)},
                                     {"cost", cost(0.75, 1.75, 0.125, 0.1875, 3.0625)},
                                     {"requests", 2}}));
  CHECK(report(fx.paths, "sessions", filter("all", "UTC"), Paging{10, 5})["sessions"].empty());
}

TEST_CASE("reports: unknown report kinds and negative offsets are usage errors", "[reports]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  auto r = usage_json_at(paths, filter("all", "UTC"), "fortnightly", {}, test::fixture_now());
  REQUIRE_FALSE(r);
  CHECK(r.error().exit_code == k_exit_usage);
  CHECK(
      r.error().message ==
      "unknown report 'fortnightly': use one of summary, daily, hourly, models, profiles, sessions, projects, weekly, "
      "monthly, blocks, session, roi, budget, insights, limits, activity");
  r = usage_json_at(paths, filter("all", "UTC"), "sessions", Paging{10, -1}, test::fixture_now());
  REQUIRE_FALSE(r);
  CHECK(r.error().exit_code == k_exit_usage);
}

TEST_CASE("reports: the timezone defaults to config.toml", "[reports]") {
  Fixture fx;
  test::write_text(fx.paths.config_file(), "timezone = \"Europe/Berlin\"\n");
  const json got = report(fx.paths, "summary", filter("today", ""));
  CHECK(got["timezone"] == "Europe/Berlin");
  CHECK(got["total_requests"] == 4);
}

TEST_CASE("reports: the all-time rollup cache gives the same numbers and follows new requests", "[reports]") {
  Fixture fx;
  const auto f = filter("all", "UTC");
  // Unaligned instants bypass the cache: the reference numbers.
  auto direct = filter("all", "UTC");
  direct.since = "2000-01-01T00:00:00.001Z";
  auto expected = report(fx.paths, "summary", direct);
  expected.erase("period");
  expected.erase("since");

  auto set_db_mtime = [&](std::chrono::hours shift) {
    const auto t = std::filesystem::file_time_type::clock::now() + shift;
    for (const char* suffix : {"", "-wal"}) {
      std::error_code ec;
      std::filesystem::last_write_time(fx.paths.usage_db().string() + suffix, t, ec);
    }
  };
  // A database written "just now" is racy: used, but not cached.
  set_db_mtime(std::chrono::hours(1));
  auto first = report(fx.paths, "summary", f);
  CHECK_FALSE(std::filesystem::exists(report_cache_file(fx.paths)));
  // Age the database so the rollup is saved.
  set_db_mtime(std::chrono::hours(-1));
  auto second = report(fx.paths, "summary", f);
  CHECK(std::filesystem::exists(report_cache_file(fx.paths)));
  auto third = report(fx.paths, "summary", f);  // from the cache / memo
  for (auto* j : {&first, &second, &third}) {
    j->erase("period");
    j->erase("since");
    CHECK(*j == expected);
  }

  // Opening the store for writing without writing keeps the cache valid
  // (the closing writer deletes the empty WAL a reader created).
  { REQUIRE(Store::open(fx.paths)); }
  const auto marker = std::filesystem::file_time_type::clock::now() - std::chrono::hours(2);
  std::filesystem::last_write_time(report_cache_file(fx.paths), marker);
  auto fourth = report(fx.paths, "summary", f);
  CHECK(std::filesystem::last_write_time(report_cache_file(fx.paths)) == marker);
  fourth.erase("period");
  fourth.erase("since");
  CHECK(fourth == expected);

  // New requests invalidate it.
  test::SeedRequest extra =
      test::make_request("2026-11-24T09:59:00Z", "s9", "work-claude", "claude-opus-4-1", "/home/u/alpha");
  extra.input = 5;
  extra.cost_input = 0.5;
  test::seed(fx.paths, {extra});
  const auto after = report(fx.paths, "summary", f);
  CHECK(after["total_requests"] == 6);
  CHECK(after["total_tokens"]["input_tokens"] == 1123);
  CHECK(after["total_cost"]["total_cost"] == 38.5625);
}

TEST_CASE("reports: export: CSV rows exactly, RFC 4180 quoting", "[reports]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  auto reqs = test::fixture_requests();
  reqs[2].project = "/home/u/a \"quoted\", dir";
  test::seed(paths, reqs, test::fixture_runs());
  auto f = filter("today", "Europe/Berlin");
  f.profile = "claude-native";
  std::ostringstream csv;
  REQUIRE(export_usage(paths, f, "csv", csv, test::fixture_now()));
  CHECK(csv.str() ==
        "timestamp,date,session_id,run_id,profile,agent,provider,model,project,sidechain,input_tokens,"
        "output_tokens,cache_creation_5m_tokens,cache_creation_1h_tokens,cache_read_tokens,web_search_requests,"
        "input_cost,output_cost,cache_creation_cost,cache_read_cost,web_search_cost,total_cost,priced,source\r\n"
        "2026-11-24T09:00:00.000Z,2026-11-24,s2,,claude-native,claude,anthropic,claude-opus-4-1,"
        "\"/home/u/a \"\"quoted\"\", dir\",0,1,2,3,4,5,0,1,2,4,8,0,15,1,import\r\n"
        "2026-11-24T09:10:00.000Z,2026-11-24,s2,,claude-native,claude,anthropic,glm-4.6,/home/u/beta,0,7,8,0,0,0,0,"
        "0,0,0,0,0,0,0,import\r\n");

  f = filter("today", "Europe/Berlin");
  std::ostringstream all;
  REQUIRE(export_usage(paths, f, "csv", all, test::fixture_now()));
  const std::string text = all.str();
  CHECK(std::count(text.begin(), text.end(), '\n') == 5);  // header + r1..r4
  CHECK(text.find("\r\n2026-11-23T23:30:00.000Z,2026-11-24,s1,run-1,work-claude,") != std::string::npos);
  CHECK(text.find(",0.5,1.25,0.125,0.0625,0.25,2.1875,1,import\r\n") != std::string::npos);
}

TEST_CASE("reports: export: JSON carries the period and one object per request", "[reports]") {
  Fixture fx;
  auto f = filter("today", "UTC");
  f.model = "glm-4.6";
  std::ostringstream out;
  REQUIRE(export_usage(fx.paths, f, "json", out, test::fixture_now()));
  const json got = json::parse(out.str());
  CHECK(got["period"] == "today");
  CHECK(got["timezone"] == "UTC");
  REQUIRE(got["requests"].size() == 1);
  CHECK(got["requests"][0] == json({{"timestamp", "2026-11-24T09:10:00.000Z"},
                                    {"date", "2026-11-24"},
                                    {"session_id", "s2"},
                                    {"run_id", ""},
                                    {"profile", "claude-native"},
                                    {"agent", "claude"},
                                    {"provider", "anthropic"},
                                    {"model", "glm-4.6"},
                                    {"project", "/home/u/beta"},
                                    {"sidechain", false},
                                    {"input_tokens", 7},
                                    {"output_tokens", 8},
                                    {"cache_creation_5m_tokens", 0},
                                    {"cache_creation_1h_tokens", 0},
                                    {"cache_read_tokens", 0},
                                    {"web_search_requests", 0},
                                    {"input_cost", 0.0},
                                    {"output_cost", 0.0},
                                    {"cache_creation_cost", 0.0},
                                    {"cache_read_cost", 0.0},
                                    {"web_search_cost", 0.0},
                                    {"total_cost", 0.0},
                                    {"priced", false},
                                    {"source", "import"}}));
  std::ostringstream bad;
  auto r = export_usage(fx.paths, f, "xml", bad, test::fixture_now());
  REQUIRE_FALSE(r);
  CHECK(r.error().exit_code == k_exit_usage);
}

TEST_CASE("reports: large ranges use the all-time rollup and cut it exactly at local midnights", "[reports]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  // 30,000 requests, one a minute from 2026-10-01T00:00Z (more than the
  // direct-query limit inside the range below).
  std::vector<test::SeedRequest> reqs;
  const int64_t start = *parse_iso8601_ms("2026-10-01T00:00:00Z");
  for (int i = 0; i < 30000; ++i) {
    auto r = test::make_request(format_iso8601_ms(start + int64_t{i} * 60000), "s" + std::to_string(i / 100), "p",
                                i % 2 ? "m1" : "m2", "/x");
    r.input = 1;
    r.cost_input = 0.5;
    reqs.push_back(r);
  }
  test::seed(paths, reqs);
  auto f = filter("all", "Asia/Kathmandu");
  f.since = "2026-10-02";
  f.until = "2026-10-20";
  auto check = [&] {
    const json daily = report(paths, "daily", f);
    REQUIRE(daily["daily"].size() == 19);
    CHECK(daily["daily"][0]["date"] == "2026-10-02");
    CHECK(daily["daily"][0]["requests"] == 1440);
    CHECK(daily["daily"][18]["date"] == "2026-10-20");
    CHECK(daily["totals"]["requests"] == 27360);
    CHECK(daily["totals"]["tokens"]["input_tokens"] == 27360);
    CHECK(daily["totals"]["cost"]["total_cost"] == 13680.0);
    // Sessions of 100 minutes: the range is minutes 1095 (2026-10-01T18:15Z) to
    // 28454, i.e. sessions s10..s284.
    CHECK(daily["totals"]["sessions"] == 275);
  };
  check();  // built now (racy database: not cached)
  const auto old = std::filesystem::file_time_type::clock::now() - std::chrono::hours(1);
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    std::filesystem::last_write_time(paths.usage_db().string() + suffix, old, ec);
  }
  check();  // builds and saves the cache
  CHECK(std::filesystem::exists(report_cache_file(paths)));
  check();  // from the cache
}

TEST_CASE("reports: a profile with runs but no requests shows its runtime", "[reports]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  test::SeedRun idle{"run-9", "idle", "claude", "anthropic", "", "/tmp", "2026-11-24T09:00:00Z", "2026-11-24T09:30:00Z",
                     1800.5};
  test::seed(paths, test::fixture_requests(), {idle});
  const json got = report(paths, "summary", filter("today", "UTC"));
  CHECK(got["total_runtime_secs"] == 1800.5);
  CHECK(got["aggregates"]["by_profile"]["idle"] == json({{"tokens", tokens(0, 0, 0, 0)},
                                                         {"cost", cost(0, 0, 0, 0, 0)},
                                                         {"requests", 0},
                                                         {"sessions", 0},
                                                         {"runtime_secs", 1800.5},
                                                         {"last_used", "2026-11-24T09:30:00+00:00"}}));
}

TEST_CASE("reports: sessions interleaved in time are counted once", "[reports]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  test::seed(paths, {test::make_request("2026-11-24T08:00:00Z", "s1", "p", "m", "/x"),
                     test::make_request("2026-11-24T08:20:00Z", "s2", "p", "m", "/x"),
                     test::make_request("2026-11-24T08:40:00Z", "s1", "p", "m", "/x"),
                     test::make_request("2026-11-24T09:00:00Z", "s2", "q", "m", "/x")});
  const json got = report(paths, "summary", filter("today", "UTC"));
  CHECK(got["total_sessions"] == 2);
  CHECK(got["aggregates"]["by_profile"]["p"]["sessions"] == 2);
  CHECK(got["aggregates"]["by_profile"]["q"]["sessions"] == 1);
  const json daily = report(paths, "daily", filter("today", "UTC"));
  CHECK(daily["daily"][0]["sessions"] == 2);
  CHECK(daily["totals"]["sessions"] == 2);
  CHECK(report(paths, "sessions", filter("today", "UTC"))["total"] == 2);
}

TEST_CASE("reports: stats-cache history counts in totals but is no session", "[reports]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  auto history = test::make_request("2026-11-24T01:00:00Z", "stats-cache", "claude-native", "m", "");
  history.source = "stats-cache";
  history.input = 1000;
  auto live = test::make_request("2026-11-24T02:00:00Z", "s1", "claude-native", "m", "/x");
  live.input = 1;
  test::seed(paths, {history, live});
  const json got = report(paths, "summary", filter("today", "UTC"));
  CHECK(got["total_requests"] == 2);
  CHECK(got["total_tokens"]["input_tokens"] == 1001);
  CHECK(got["total_sessions"] == 1);
  CHECK(got["aggregates"]["by_profile"]["claude-native"]["sessions"] == 1);
  const json sessions = report(paths, "sessions", filter("today", "UTC"));
  CHECK(sessions["total"] == 1);
  CHECK(sessions["sessions"][0]["session_id"] == "s1");
  CHECK(sessions["totals"]["requests"] == 2);
}
