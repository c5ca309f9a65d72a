#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "reports/projects.hpp"
#include "reports/report.hpp"
#include "reports/report_json.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::reports;
using nlohmann::json;

namespace {

test::SeedRequest in(const char* project, const char* session, double usd) {
  test::SeedRequest r = test::make_request("2026-11-24T09:00:00Z", session, "p", "m", project);
  r.input = 1;
  r.cost_input = usd;
  return r;
}

json projects(const Paths& paths, UsageFilter f) {
  f.period = "all";
  f.timezone = "UTC";
  auto r = usage_json_at(paths, f, "projects", {}, *parse_iso8601_ms("2026-11-24T10:00:00Z"));
  if (!r) FAIL(r.error().message);
  return *r;
}

std::vector<std::string> names(const json& report) {
  std::vector<std::string> out;
  for (const auto& p : report["projects"])
    out.push_back(p["project"].get<std::string>() + "=" + std::to_string(p["requests"].get<int>()));
  return out;
}

}  // namespace

TEST_CASE("projects: alias patterns", "[reports][projects]") {
  CHECK(alias_matches("/work/wt/*", "/work/wt/h12"));
  CHECK_FALSE(alias_matches("/work/wt/*", "/work/main"));
  CHECK(alias_matches("h12", "/work/wt/h12"));  // the last component
  CHECK(alias_matches("/work/main/", "/work/main"));
  CHECK_FALSE(alias_matches("wt", "/work/wt/h12"));
  CHECK_FALSE(alias_matches("*", ""));
  const std::vector<config::ProjectAlias> rules = {{"/work/wt/*", "clown"}, {"main", "clown"}};
  CHECK(reported_project("/work/wt/h12", rules) == "clown");
  CHECK(reported_project("/work/main", rules) == "clown");
  CHECK(reported_project("/srv/app", rules) == "/srv/app");
  // A Claude Code worktree counts for its project (and that project's alias).
  CHECK(reported_project("/srv/app/.claude/worktrees/agent-1", rules) == "/srv/app");
  CHECK(reported_project("/work/main/.claude/worktrees/fix", rules) == "clown");
}

TEST_CASE("projects: --project-aliases, then config.toml, group worktrees and subagent rows", "[reports][projects]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto no_cwd = in("", "s1", 4);  // a subagent line without cwd: its session's project
  test::seed(paths, {in("/work/wt/h12", "s1", 1), in("/work/wt/h13", "s2", 2), in("/work/main", "s3", 8),
                     in("/srv/app/.claude/worktrees/agent-1", "s4", 16), in("/srv/app", "s5", 32), no_cwd});
  CHECK(names(projects(paths, {})) ==
        std::vector<std::string>{"/srv/app=2", "/work/main=1", "/work/wt/h12=2", "/work/wt/h13=1"});

  test::write_text(paths.config_file(), "[project_aliases]\n\"/work/wt/*\" = \"clown\"\nmain = \"clown\"\n");
  const json aliased = projects(paths, {});
  CHECK(names(aliased) == std::vector<std::string>{"/srv/app=2", "clown=4"});
  CHECK(aliased["projects"][1]["cost"]["total_cost"] == 15.0);

  UsageFilter cli;
  cli.project_aliases = {"/srv/*=apps,h13=side"};  // before config.toml's
  CHECK(names(projects(paths, cli)) == std::vector<std::string>{"apps=2", "clown=3", "side=1"});

  // --project matches the reported name too.
  UsageFilter only;
  only.project = "clown";
  CHECK(projects(paths, only)["totals"]["requests"] == 4);

  UsageFilter bad;
  bad.project_aliases = {"nonsense"};
  auto r = usage_json_at(paths, bad, "projects", {}, *parse_iso8601_ms("2026-11-24T10:00:00Z"));
  REQUIRE_FALSE(r);
  CHECK(r.error().exit_code == k_exit_usage);
  CHECK(r.error().message == "invalid project alias 'nonsense': use PATTERN=NAME, e.g. '/work/wt/*=clown'");
}
