// `clown usage session`: real Claude Code transcripts with a Task (2.1.197) or
// Agent (2.1.328) subagent (tests/data/claude/README.md), and seeded sessions.
#include <catch2/catch.hpp>

#include <cmath>

#include "common/time.hpp"
#include "ingest/importer.hpp"
#include "reports/analytics_json.hpp"
#include "reports/report.hpp"
#include "reports/report_json.hpp"
#include "reports/session_detail.hpp"
#include "tests/reports/seed.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::reports;
using nlohmann::json;

namespace {

fs::path data_dir(const std::string& version) { return test::source_dir() / "tests" / "data" / "claude" / version; }

Paths imported(const test::TempDir& tmp, const std::string& version) {
  Paths paths{tmp.path() / "home"};
  ingest::ImportOptions o;
  o.claude_dirs = {data_dir(version)};
  auto s = ingest::import_claude(paths, o);
  REQUIRE(s);
  REQUIRE(s->warnings.empty());
  return paths;
}

Expected<SessionReport> session(const Paths& paths, const std::string& id, UsageFilter f = {}) {
  f.timezone = "UTC";
  ReportOptions o;
  o.session_id = id;
  auto r = build_report(paths, f, ReportKind::session, o, *parse_iso8601_ms("2026-12-01T00:00:00Z"));
  if (!r) return tl::unexpected(r.error());
  return std::get<SessionReport>(*r);
}

}  // namespace

TEST_CASE("session: 2.1.328 main agent and its Agent-tool subagent, named from meta.json", "[reports][session]") {
  test::TempDir tmp;
  const Paths paths = imported(tmp, "2.1.328");
  auto r = session(paths, "38ea");  // a unique prefix
  REQUIRE(r);
  CHECK(r->session_id == "38ea6f6a-66f7-4d28-968e-00148ac4215c");
  CHECK(r->profile == "claude-native");
  CHECK(r->project == "/tmp/clown-capture/work");
  CHECK(r->models == std::vector<std::string>{"claude-sonnet-4-5"});
  REQUIRE(r->requests.size() == 5);
  CHECK(r->totals.requests == 5);
  CHECK(r->totals.tokens == store::TokenCounts{1457, 828, 6783, 5962, 97065, 0});
  CHECK(std::fabs(r->totals.total_cost - 0.10711875) < 1e-9);
  CHECK(r->requests.back().cumulative_cost == r->totals.total_cost);

  CHECK(r->main.requests == 3);
  CHECK(r->main.tokens.input == 901);
  CHECK(r->main.tokens.output == 347);
  CHECK(r->main.tokens.cache_creation() == 7067);
  CHECK(r->main.tokens.cache_read == 47716);
  REQUIRE(r->subagents.size() == 1);
  const auto& sub = r->subagents[0];
  CHECK(sub.agent_id == "a28685f183a32d87b");
  CHECK(sub.agent_type == "general-purpose");
  CHECK(sub.description == "Run echo hi");
  CHECK(sub.requests == 2);
  CHECK(sub.tokens.input == 556);
  CHECK(sub.tokens.output == 481);
  CHECK(sub.tokens.cache_creation() == 5678);
  CHECK(sub.tokens.cache_read == 49349);
  CHECK(sub.share == sub.total_cost / r->totals.total_cost);
  CHECK(std::fabs(sub.share + r->main.share - 1.0) < 1e-12);
  int subagent_requests = 0;
  for (const auto& q : r->requests) {
    CHECK(q.query_source.empty());  // transcripts carry no query_source
    CHECK(q.source == "import");
    if (q.role == RequestRole::subagent) {
      ++subagent_requests;
      CHECK(q.subagent == "a28685f183a32d87b");
    } else {
      CHECK(q.role == RequestRole::main);
      CHECK(q.subagent.empty());
    }
  }
  CHECK(subagent_requests == 2);

  // The sessions list shows the subagents' cost.
  UsageFilter all;
  all.period = "all";
  all.timezone = "UTC";
  auto list = usage_json_at(paths, all, "sessions", {}, *parse_iso8601_ms("2026-12-01T00:00:00Z"));
  REQUIRE(list);
  for (const auto& s : (*list)["sessions"])
    CHECK(s["subagent_cost"].get<double>() == (s["session_id"] == r->session_id ? sub.total_cost : 0.0));
}

TEST_CASE("session: 2.1.197 Task-tool subagent", "[reports][session]") {
  test::TempDir tmp;
  const Paths paths = imported(tmp, "2.1.197");
  auto r = session(paths, "855f67bc-7cca-4413-a823-489341e746ab");
  REQUIRE(r);
  CHECK(r->totals.requests == 4);
  CHECK(std::fabs(r->totals.total_cost - 0.08085345) < 1e-9);
  CHECK(r->main.requests == 2);
  REQUIRE(r->subagents.size() == 1);
  CHECK(r->subagents[0].agent_id == "a5c1ff54ece3cc7e2");
  CHECK(r->subagents[0].agent_type == "general-purpose");
  CHECK(r->subagents[0].requests == 2);

  UsageFilter utc;
  utc.timezone = "UTC";
  ReportOptions o;
  o.session_id = "855f";
  auto j = usage_json_at(paths, utc, "session", o, *parse_iso8601_ms("2026-12-01T00:00:00Z"));
  REQUIRE(j);
  CHECK((*j)["session_id"] == "855f67bc-7cca-4413-a823-489341e746ab");
  CHECK((*j)["period"] == "all");
  REQUIRE((*j)["requests"].size() == 4);
  const json& first = (*j)["requests"][0];
  CHECK(first["role"] == "main");
  CHECK(first["agent_id"] == "");
  CHECK(first["source"] == "import");
  CHECK(first["cumulative_cost"] == first["cost"]["total_cost"]);
  CHECK((*j)["agents"]["main"]["requests"] == 2);
  CHECK((*j)["agents"]["subagents"][0]["description"] == "Run echo hi");
  CHECK((*j)["totals"]["requests"] == 4);
}

TEST_CASE("session: ids, prefixes and their errors", "[reports][session]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  test::seed(paths, {test::make_request("2026-11-24T10:00:00Z", "abc", "p", "m", "/x"),
                     test::make_request("2026-11-24T10:01:00Z", "abcd1", "p", "m", "/x"),
                     test::make_request("2026-11-24T10:02:00Z", "abcd2", "p", "m", "/x")});
  CHECK(session(paths, "abc")->session_id == "abc");  // exact beats a prefix of others
  auto r = session(paths, "abcd");
  REQUIRE_FALSE(r);
  CHECK(r.error().exit_code == k_exit_usage);
  CHECK(r.error().message == "session prefix 'abcd' matches 2 sessions (abcd1, abcd2): give more of the id");
  r = session(paths, "zzz");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "no session 'zzz' in the store: list them with `clown usage sessions --period all`");
  r = session(paths, "");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "name a session: clown usage session <id-or-prefix>");
  UsageFilter today;
  today.period = "today";
  r = session(paths, "abc", today);  // 2026-12-01 has none
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "no session 'abc' in this period: list them with `clown usage sessions --period all`");
}

TEST_CASE("session: who made a request", "[reports][session]") {
  using store::RequestSource;
  CHECK(request_role("", false, "", RequestSource::import) == RequestRole::main);
  CHECK(request_role("", false, "", RequestSource::run) == RequestRole::main);
  CHECK(request_role("", true, "", RequestSource::import) == RequestRole::subagent);
  CHECK(request_role("", false, "a1", RequestSource::import) == RequestRole::subagent);
  CHECK(request_role("repl_main_thread", false, "", RequestSource::otel) == RequestRole::main);
  CHECK(request_role("sdk", false, "", RequestSource::otel) == RequestRole::main);
  CHECK(request_role("generate_session_title", false, "", RequestSource::otel) == RequestRole::title);
  CHECK(request_role("compact", false, "", RequestSource::otel) == RequestRole::compaction);
  CHECK(request_role("agent:builtin:general-purpose", false, "", RequestSource::otel) == RequestRole::subagent);
  CHECK(request_role("prompt_suggestion", false, "", RequestSource::otel) == RequestRole::other);
  CHECK(request_role("", false, "", RequestSource::cost_state) == RequestRole::other);
  CHECK(std::string(to_string(RequestRole::compaction)) == "compaction");
}

TEST_CASE("session: what titles and compaction cost, by query_source", "[reports][session]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  auto make = [](std::string ts, std::string qs, int64_t out, double cost_out, std::string source = "otel") {
    auto r = test::make_request(std::move(ts), "s1", "work-claude", "claude-sonnet-4-5-20250929", "/p");
    r.output = out;
    r.cost_output = cost_out;
    r.query_source = std::move(qs);
    r.source = std::move(source);
    return r;
  };
  test::seed(paths,
             {make("2026-11-24T08:00:00Z", "repl_main_thread", 100, 1.5),
              make("2026-11-24T08:01:00Z", "repl_main_thread", 50, 0.75),
              make("2026-11-24T08:02:00Z", "generate_session_title", 10, 0.25),
              make("2026-11-24T08:03:00Z", "compact", 40, 1.0), make("2026-11-24T08:05:00Z", "", 5, 0.125, "import")});
  auto r = session(paths, "s1");
  REQUIRE(r);
  const json by = session_json(*r)["by_query_source"];
  REQUIRE(by.size() == 4);
  CHECK(by[0] == json::parse(R"({"query_source": "repl_main_thread", "kind": "main", "requests": 2,
      "tokens": {"input_tokens": 0, "output_tokens": 150, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
      "cost": {"input_cost": 0.0, "output_cost": 2.25, "cache_creation_cost": 0.0, "cache_read_cost": 0.0,
               "total_cost": 2.25, "cost_complete": true}})"));
  CHECK(by[1]["query_source"] == "compact");
  CHECK(by[1]["kind"] == "compaction");
  CHECK(by[1]["cost"]["total_cost"] == 1.0);
  CHECK(by[2]["query_source"] == "generate_session_title");
  CHECK(by[2]["kind"] == "title");
  CHECK(by[2]["requests"] == 1);
  CHECK(by[3]["query_source"] == "");
  CHECK(by[3]["kind"] == "main");  // a transcript line is the main loop's
  double sum = 0;
  for (const auto& e : by) sum += e["cost"]["total_cost"].get<double>();
  CHECK(sum == r->totals.total_cost);
}
