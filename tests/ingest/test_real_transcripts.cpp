// Real Claude Code transcripts (tests/data/claude, see its README): clown's
// per-session tokens equal Claude Code's own last cost-state exactly, and its
// cost matches totalCostUSD to 1e-9. Also the run attribution path over them.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "ingest/importer.hpp"
#include "runs/run_usage.hpp"
#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::store;
using namespace clown::ingest;
using namespace clown::runs;
using nlohmann::json;

namespace {

fs::path data_dir(const std::string& version) { return test::source_dir() / "tests" / "data" / "claude" / version; }

// Copies <version>/projects into a fresh config dir (the fixtures stay read-only).
fs::path copy_config(const test::TempDir& tmp, const std::string& version) {
  auto dir = tmp.path() / "config";
  fs::create_directories(dir);
  fs::copy(data_dir(version) / "projects", dir / "projects", fs::copy_options::recursive);
  return dir;
}

std::vector<json> json_lines(const fs::path& file) {
  std::vector<json> out;
  std::ifstream in(file);
  std::string l;
  while (std::getline(in, l)) {
    auto j = json::parse(l, nullptr, false);
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

// Last cost-state line per session, from every transcript under dir.
std::map<std::string, json> last_cost_states(const fs::path& dir) {
  std::map<std::string, json> last;
  for (const auto& e : fs::recursive_directory_iterator(dir / "projects"))
    if (e.path().extension() == ".jsonl")
      for (auto& j : json_lines(e.path()))
        if (j.value("type", "") == "cost-state") last[j.value("sessionId", "")] = j;
  return last;
}

struct SessionSums {
  int64_t input = 0, output = 0, read = 0, creation = 0, w5 = 0, w1 = 0, web = 0, requests = 0;
  double cost = 0;
};

SessionSums session_sums(const Paths& paths, const std::string& session, const std::string& model) {
  auto store = Store::open_readonly(paths);
  REQUIRE(store);
  SQLite::Statement q((*store)->db(),
                      "SELECT TOTAL(input), TOTAL(output), TOTAL(cache_read), TOTAL(cache_write_5m + cache_write_1h), "
                      "TOTAL(cache_write_5m), TOTAL(cache_write_1h), TOTAL(web_search), COUNT(*), TOTAL(cost_total) "
                      "FROM requests WHERE session_id = ? AND model = ?");
  q.bind(1, session);
  q.bind(2, model);
  REQUIRE(q.executeStep());
  auto i = [&](int c) { return static_cast<int64_t>(q.getColumn(c).getDouble()); };
  return {i(0), i(1), i(2), i(3), i(4), i(5), i(6), i(7), q.getColumn(8).getDouble()};
}

HookEvent event(const std::string& kind, const std::string& session, const fs::path& transcript) {
  HookEvent e;
  e.event = kind;
  e.session_id = session;
  e.transcript_path = transcript.string();
  e.cwd = "/tmp/clown-capture/work";
  return e;
}

// [first, last] timestamp of the session's lines (subagents included).
std::pair<int64_t, int64_t> session_span(const fs::path& transcript) {
  int64_t lo = INT64_MAX, hi = 0;
  std::vector<fs::path> files{transcript};
  auto sub = fs::path(transcript).replace_extension("") / "subagents";
  if (fs::exists(sub))
    for (const auto& e : fs::directory_iterator(sub))
      if (e.path().extension() == ".jsonl") files.push_back(e.path());
  for (const auto& f : files)
    for (auto& j : json_lines(f))
      if (j.contains("timestamp") && j["timestamp"].is_string() && j.value("type", "") == "assistant") {
        auto ms = parse_iso8601_ms(j["timestamp"].get<std::string>());
        lo = std::min(lo, *ms);
        hi = std::max(hi, *ms);
      }
  return {lo, hi};
}

}  // namespace

TEST_CASE("real transcripts 2.1.328: per-session tokens equal the last cost-state, cost to 1e-9", "[real]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto config = copy_config(tmp, "2.1.328");
  ImportOptions o;
  o.claude_dirs = {config};
  auto s = import_claude(paths, o);
  REQUIRE(s);
  CHECK(s->skipped_lines == 0);
  auto states = last_cost_states(config);
  REQUIRE(states.size() == 2);
  for (const auto& [session, state] : states) {
    INFO(session);
    double total_cost = 0;
    for (const auto& [model, mu] : state["modelUsage"].items()) {
      INFO(model);
      auto got = session_sums(paths, session, model);
      CHECK(got.input == mu["inputTokens"].get<int64_t>());
      CHECK(got.output == mu["outputTokens"].get<int64_t>());
      CHECK(got.read == mu["cacheReadInputTokens"].get<int64_t>());
      CHECK(got.creation == mu["cacheCreationInputTokens"].get<int64_t>());
      CHECK(got.w5 == mu["cacheCreationEphemeral5mInputTokens"].get<int64_t>());
      CHECK(got.w1 == mu["cacheCreationEphemeral1hInputTokens"].get<int64_t>());
      CHECK(got.web == mu["webSearchRequests"].get<int64_t>());
      CHECK(std::fabs(got.cost - mu["costUSD"].get<double>()) < 1e-9);
      total_cost += got.cost;
    }
    CHECK(std::fabs(total_cost - state["totalCostUSD"].get<double>()) < 1e-9);
  }
}

TEST_CASE("real transcripts 2.1.197 (no cost-state): the README's known totals", "[real]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto config = copy_config(tmp, "2.1.197");
  ImportOptions o;
  o.claude_dirs = {config};
  REQUIRE(import_claude(paths, o));
  auto a = session_sums(paths, "855f67bc-7cca-4413-a823-489341e746ab", "claude-sonnet-4-5");
  CHECK(a.requests == 4);
  CHECK(a.input == 1037);
  CHECK(a.output == 807);
  CHECK(a.w5 == 4399);
  CHECK(a.w1 == 4584);
  CHECK(a.read == 72124);
  CHECK(std::fabs(a.cost - 0.08085345) < 1e-9);
  auto b = session_sums(paths, "b3576331-3b6d-49d0-8e6f-259a89f61b10", "claude-sonnet-4-5");
  CHECK(b.requests == 3);
  CHECK(b.input == 1043);
  CHECK(b.output == 569);
  CHECK(b.w5 == 6787);
  CHECK(b.w1 == 1752);
  CHECK(b.read == 23364);
  CHECK(std::fabs(b.cost - 0.05463645) < 1e-9);
}

TEST_CASE("run usage: a run gets exactly its hooks' transcripts (subagents included), once", "[run]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto config = copy_config(tmp, "2.1.328");
  auto transcript = config / "projects" / "-tmp-clown-capture-work" / "38ea6f6a-66f7-4d28-968e-00148ac4215c.jsonl";
  auto [lo, hi] = session_span(transcript);
  RunInfo info;
  info.run_id = "run-a";
  info.profile = "work";
  info.agent_id = "claude";
  info.provider_id = "anthropic";
  info.started_ms = lo - 500;
  info.ended_ms = hi + 500;
  info.exit_code = 0;
  std::vector<HookEvent> events{event("session-start", "38ea6f6a-66f7-4d28-968e-00148ac4215c", transcript),
                                event("session-end", "38ea6f6a-66f7-4d28-968e-00148ac4215c", transcript)};
  auto usage = collect_run_usage(paths, info, events);
  REQUIRE(usage);
  CHECK(usage->requests == 5);
  CHECK(usage->tokens == TokenCounts{1457, 828, 6783, 5962, 97065, 0});
  CHECK(std::fabs(usage->cost.total() - 0.10711875) < 1e-9);
  CHECK(usage->session_ids == std::vector<std::string>{"38ea6f6a-66f7-4d28-968e-00148ac4215c"});
  CHECK(usage->unpriced_models.empty());
  {
    auto store = Store::open_readonly(paths);
    REQUIRE(store);
    auto& db = (*store)->db();
    CHECK(db.execAndGet("SELECT COUNT(*) FROM requests WHERE run_id='run-a' AND profile='work' AND source='run'")
              .getInt() == 5);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM requests WHERE sidechain=1").getInt() == 2);
    CHECK(db.execAndGet("SELECT profile || '/' || exit_code FROM runs WHERE run_id='run-a'").getString() == "work/0");
    // The subagent's meta.json names it.
    CHECK(db.execAndGet("SELECT session_id || '|' || agent_id || '|' || agent_type || '|' || description "
                        "FROM subagents")
              .getString() == "38ea6f6a-66f7-4d28-968e-00148ac4215c|a28685f183a32d87b|general-purpose|Run echo hi");
  }

  // Another run naming the same transcripts gets nothing: first attribution wins.
  info.run_id = "run-b";
  info.profile = "other";
  auto second = collect_run_usage(paths, info, events);
  REQUIRE(second);
  CHECK(second->requests == 0);
  CHECK(second->tokens == TokenCounts{});

  // A later import of the same config dir counts nothing twice.
  ImportOptions o;
  o.claude_dirs = {config};
  auto s = import_claude(paths, o);
  REQUIRE(s);
  CHECK(s->new_requests == 3);  // only the other session's requests
}

TEST_CASE("run usage: only requests timestamped inside the run (with 2 s slack) count", "[run]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto config = copy_config(tmp, "2.1.328");
  auto transcript = config / "projects" / "-tmp-clown-capture-work" / "f68ecd51-5840-462e-ad22-69eab295730b.jsonl";
  auto [lo, hi] = session_span(transcript);
  std::vector<HookEvent> events{event("session-start", "f68ecd51-5840-462e-ad22-69eab295730b", transcript)};
  RunInfo before;
  before.run_id = "early";
  before.profile = "p";
  before.started_ms = lo - 100000;
  before.ended_ms = lo - 2001;
  auto none = collect_run_usage(paths, before, events);
  REQUIRE(none);
  CHECK(none->requests == 0);
  RunInfo edge = before;
  edge.run_id = "edge";
  edge.ended_ms = lo - 2000;  // the first request is exactly at the slack's edge
  auto one = collect_run_usage(paths, edge, events);
  REQUIRE(one);
  CHECK(one->requests == 1);
  RunInfo rest = before;
  rest.run_id = "rest";
  rest.started_ms = lo;
  rest.ended_ms = hi;
  auto others = collect_run_usage(paths, rest, events);
  REQUIRE(others);
  CHECK(others->requests == 2);
  CHECK(others->tokens.input + one->tokens.input == 1043);
}

TEST_CASE("run usage: requests an import stored during the run are claimed by the run", "[run]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto config = copy_config(tmp, "2.1.328");
  ImportOptions o;
  o.claude_dirs = {config};
  REQUIRE(import_claude(paths, o));
  auto transcript = config / "projects" / "-tmp-clown-capture-work" / "f68ecd51-5840-462e-ad22-69eab295730b.jsonl";
  auto [lo, hi] = session_span(transcript);
  RunInfo info;
  info.run_id = "r";
  info.profile = "work";
  info.started_ms = lo;
  info.ended_ms = hi;
  auto usage =
      collect_run_usage(paths, info, {event("session-start", "f68ecd51-5840-462e-ad22-69eab295730b", transcript)});
  REQUIRE(usage);
  CHECK(usage->requests == 3);
  CHECK(usage->tokens.input == 1043);
  auto store = Store::open_readonly(paths);
  REQUIRE(store);
  CHECK((*store)->db().execAndGet("SELECT COUNT(*) FROM requests WHERE profile='work' AND run_id='r'").getInt() == 3);
}

TEST_CASE("run usage: a session that never wrote a transcript is zero, not an error", "[run]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  RunInfo info;
  info.run_id = "r";
  info.profile = "p";
  info.started_ms = 1;
  info.ended_ms = 2;
  auto usage = collect_run_usage(paths, info, {event("session-start", "s", tmp.path() / "nope" / "s.jsonl")});
  REQUIRE(usage);
  CHECK(usage->requests == 0);
  CHECK(usage->session_ids == std::vector<std::string>{"s"});
}

TEST_CASE("run usage: an isolated profile's imported history is claimed by that profile's run", "[run]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  fs::create_directories(paths.home_for("work"));
  fs::copy(data_dir("2.1.328") / "projects", paths.home_for("work") / "projects", fs::copy_options::recursive);
  ImportOptions o;
  o.claude_dirs = {paths.home_for("work")};
  auto s = import_claude(paths, o);
  REQUIRE(s);
  CHECK(s->new_requests == 8);
  auto transcript =
      paths.home_for("work") / "projects" / "-tmp-clown-capture-work" / "f68ecd51-5840-462e-ad22-69eab295730b.jsonl";
  auto [lo, hi] = session_span(transcript);
  RunInfo info;
  info.run_id = "r2";
  info.profile = "other";
  info.started_ms = lo;
  info.ended_ms = hi;
  // Another profile's run cannot take the work profile's history...
  auto theirs =
      collect_run_usage(paths, info, {event("session-start", "f68ecd51-5840-462e-ad22-69eab295730b", transcript)});
  REQUIRE(theirs);
  CHECK(theirs->requests == 0);
  // ...the work profile's own run can.
  info.run_id = "r";
  info.profile = "work";
  auto mine =
      collect_run_usage(paths, info, {event("session-start", "f68ecd51-5840-462e-ad22-69eab295730b", transcript)});
  REQUIRE(mine);
  CHECK(mine->requests == 3);
}
