// Reconciling imports with Claude Code's own per-session totals, on real
// captures (tests/data/claude-otel/README.md): interactive sessions make
// billed background requests (session title, /compact) no transcript shows;
// Claude Code's cost-state lines (2.1.328) and .claude.json lastModelUsage
// (2.1.197) count them.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "ingest/importer.hpp"
#include "ingest/session_claims.hpp"
#include "registry/pricing_table.hpp"
#include "store/request_writer.hpp"
#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using nlohmann::json;

namespace {

const fs::path k_data = test::source_dir() / "tests" / "data" / "claude-otel";

struct Sums {
  int64_t input = 0, output = 0, cache_creation = 0, cache_read = 0;
  double cost = 0;
  bool operator==(const Sums& o) const {
    return input == o.input && output == o.output && cache_creation == o.cache_creation && cache_read == o.cache_read;
  }
};

// What the test provider answered (status 200) in a scenario, and its cost at
// claude-sonnet-4-5's prices ($3 / $15 / $3.75 5m / $6 1h / $0.30 reads per M).
Sums provider_sums(const fs::path& scenario) {
  Sums s;
  for (const auto& r : test::read_jsonl(scenario / "provider-record.jsonl")) {
    if (r.value("status", 0) != 200 || !r.contains("usage")) continue;
    const auto& u = r["usage"];
    s.input += u["input_tokens"].get<int64_t>();
    s.output += u["output_tokens"].get<int64_t>();
    s.cache_creation += u["cache_creation_input_tokens"].get<int64_t>();
    s.cache_read += u["cache_read_input_tokens"].get<int64_t>();
    const auto& split = u["cache_creation"];
    s.cost +=
        (u["input_tokens"].get<double>() * 3 + u["output_tokens"].get<double>() * 15 +
         split["ephemeral_5m_input_tokens"].get<double>() * 3.75 +
         split["ephemeral_1h_input_tokens"].get<double>() * 6 + u["cache_read_input_tokens"].get<double>() * 0.3) /
        1e6;
  }
  return s;
}

std::string session_of(const fs::path& scenario) {
  return test::read_jsonl(scenario / "hooks" / "session-start.jsonl").at(0).at("session_id").get<std::string>();
}

Sums store_sums(const Paths& paths, const std::string& session) {
  auto store = store::Store::open_readonly(paths);
  REQUIRE(store);
  SQLite::Statement q((*store)->db(),
                      "SELECT TOTAL(input), TOTAL(output), TOTAL(cache_write_5m + cache_write_1h), TOTAL(cache_read), "
                      "TOTAL(cost_total) FROM requests WHERE session_id = ?");
  q.bind(1, session);
  REQUIRE(q.executeStep());
  return {q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(), q.getColumn(3).getInt64(),
          q.getColumn(4).getDouble()};
}

// Every bit of a double.
std::string hex_float(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", v);
  return buf;
}

ingest::ImportSummary import(const Paths& paths, const fs::path& dir) {
  ingest::ImportOptions o;
  o.claude_dirs = {dir};
  auto s = ingest::import_claude(paths, o);
  REQUIRE(s);
  return *s;
}

}  // namespace

TEST_CASE("reconcile 2.1.328: cost-state counts the title and /compact requests no transcript shows", "[reconcile]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  const auto v = k_data / "2.1.328";
  const auto first = import(paths, v);
  CHECK(first.unlogged_sessions >= 1);
  // Every session's tokens equal what the provider answered for it; a resumed
  // session's cost-state is cumulative over its processes.
  std::map<std::string, Sums> want;
  for (const char* sc :
       {"interactive", "resume", "resume2", "print", "noreqid", "gzip", "settingsenv", "down", "slow", "err500"}) {
    const auto p = provider_sums(v / sc);
    auto& w = want[session_of(v / sc)];
    w.input += p.input;
    w.output += p.output;
    w.cache_creation += p.cache_creation;
    w.cache_read += p.cache_read;
    w.cost += p.cost;
  }
  for (const auto& [session, w] : want) {
    INFO("session " << session);
    const auto got = store_sums(paths, session);
    CHECK(got == w);
    CHECK(got.cost == Approx(w.cost).epsilon(1e-9));
  }
  // The interactive session: 5 main-loop requests in its transcript, the
  // title and the /compact summary only in cost-state.
  const auto interactive = session_of(v / "interactive");
  auto store = store::Store::open_readonly(paths);
  REQUIRE(store);
  SQLite::Statement q((*store)->db(), "SELECT source, COUNT(*) FROM requests WHERE session_id=? GROUP BY source");
  q.bind(1, interactive);
  std::map<std::string, int> by_source;
  while (q.executeStep()) by_source[q.getColumn(0).getString()] = q.getColumn(1).getInt();
  CHECK(by_source == std::map<std::string, int>{{"cost-state", 1}, {"import", 7}});
  // Importing again changes nothing.
  const auto again = import(paths, v);
  CHECK(again.new_requests == 0);
  for (const auto& [session, w] : want) CHECK(store_sums(paths, session) == w);
}

TEST_CASE("reconcile 2.1.197: .claude.json lastModelUsage counts the last session's background requests",
          "[reconcile]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  const auto v = k_data / "2.1.197";
  // A config dir holding the `down` session (TUI: title + two main-loop
  // requests) and .claude.json as Claude Code left it after that session.
  const auto dir = tmp.path() / "config";
  const std::string session = session_of(v / "down");
  const auto project = "-tmp-clown-otel-capture-work";
  fs::create_directories(dir / "projects" / project);
  fs::copy_file(v / "projects" / project / (session + ".jsonl"), dir / "projects" / project / (session + ".jsonl"));
  test::write_text(dir / ".claude.json", test::read_text(v / "claude-json-after-down.json"));
  const auto summary = import(paths, dir);
  CHECK(summary.new_requests == 2);
  CHECK(summary.unlogged_sessions == 1);
  const auto want = provider_sums(v / "down");
  const auto got = store_sums(paths, session);
  CHECK(got == want);
  // The unlogged title request's 5m/1h split comes from Claude Code's costUSD:
  // the cost matches what the provider billed.
  CHECK(got.cost == Approx(want.cost).epsilon(1e-9));
  CHECK(import(paths, dir).new_requests == 0);
  CHECK(store_sums(paths, session) == want);
}

namespace {

std::string request_line(const std::string& id, int64_t in, int64_t out, const std::string& ts) {
  return R"({"type":"assistant","sessionId":"s1","timestamp":")" + ts + R"(","requestId":"req_)" + id +
         R"(","cwd":"/w","message":{"id":"msg_)" + id +
         R"(","model":"claude-sonnet-4-5","content":[{"type":"text","text":"x"}],"usage":{"input_tokens":)" +
         std::to_string(in) + R"(,"output_tokens":)" + std::to_string(out) +
         R"(,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}})"
         "\n";
}

std::string cost_state_line(int64_t in, int64_t out) {
  return R"({"type":"cost-state","sessionId":"s1","modelUsage":{"claude-sonnet-4-5":{"inputTokens":)" +
         std::to_string(in) + R"(,"outputTokens":)" + std::to_string(out) +
         R"(,"cacheReadInputTokens":0,"cacheCreationInputTokens":0}}})"
         "\n";
}

// source -> {rows, input, output, max ts_ms, max project}
struct BySource {
  int64_t rows = 0, input = 0, output = 0, ts = 0;
  std::string project;
  bool operator==(const BySource&) const = default;
};
std::map<std::string, BySource> by_source(const Paths& paths) {
  auto store = store::Store::open_readonly(paths);
  REQUIRE(store);
  SQLite::Statement q((*store)->db(),
                      "SELECT source, COUNT(*), SUM(input), SUM(output), max(ts_ms), max(project) FROM requests "
                      "WHERE session_id='s1' GROUP BY source");
  std::map<std::string, BySource> out;
  while (q.executeStep())
    out[q.getColumn(0).getString()] = {q.getColumn(1).getInt64(), q.getColumn(2).getInt64(), q.getColumn(3).getInt64(),
                                       q.getColumn(4).getInt64(), q.getColumn(5).getString()};
  return out;
}

}  // namespace

TEST_CASE("reconcile: the unlogged row follows the session's requests as they arrive", "[reconcile]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  const auto dir = tmp.path() / "config";
  const auto file = dir / "projects" / "-w" / "s1.jsonl";
  fs::create_directories(file.parent_path());
  test::write_text(file, request_line("a", 10, 5, "2026-11-22T10:00:00.000Z") +
                             request_line("b", 20, 5, "2026-11-22T10:01:00.000Z") + cost_state_line(100, 50));
  CHECK(import(paths, dir).unlogged_sessions == 1);
  const int64_t t1 = 1795341660000;  // 2026-11-22T10:01:00Z
  // The claim beyond the two requests, at the last request's time and place.
  CHECK(by_source(paths) ==
        std::map<std::string, BySource>{{"cost-state", {1, 70, 40, t1, "/w"}}, {"import", {2, 30, 10, t1, "/w"}}});
  // A third request arrives with the same claim: the unlogged row shrinks by it.
  test::write_text(
      file, test::read_text(file) + request_line("c", 30, 10, "2026-11-22T10:02:00.000Z") + cost_state_line(100, 50));
  CHECK(import(paths, dir).unlogged_sessions == 1);
  const int64_t t2 = t1 + 60000;
  CHECK(by_source(paths) ==
        std::map<std::string, BySource>{{"cost-state", {1, 40, 30, t2, "/w"}}, {"import", {3, 60, 20, t2, "/w"}}});
  // Requests beyond the claim: no unlogged row is left.
  test::write_text(file, test::read_text(file) + request_line("d", 50, 40, "2026-11-22T10:03:00.000Z"));
  CHECK(import(paths, dir).unlogged_sessions == 0);
  CHECK(by_source(paths) == std::map<std::string, BySource>{{"import", {4, 110, 60, t2 + 60000, "/w"}}});
}

TEST_CASE("reconcile: a cold import (one pass over the table) and an incremental one store the same unlogged rows",
          "[reconcile]") {
  // A cold import reads the sessions' rows in one pass before its indexes
  // exist; an import into a store that has requests reads each session
  // through its index. Same captures, same rows, to the last bit of cost.
  test::TempDir tmp;
  const auto v = k_data / "2.1.328";
  Paths cold{tmp.path() / "cold"};
  const auto c = import(cold, v);
  Paths warm{tmp.path() / "warm"};
  {
    // One unrelated request first: the import below is not a cold one.
    const auto other = tmp.path() / "other";
    fs::create_directories(other / "projects" / "-x");
    std::ofstream(other / "projects" / "-x" / "s.jsonl")
        << (R"({"type":"assistant","sessionId":"other","timestamp":"2026-01-01T00:00:00.000Z",)"
            R"("requestId":"req_other","message":{"id":"m","model":"claude-sonnet-4-5",)"
            R"("usage":{"input_tokens":1,"output_tokens":1}}})"
            "\n");
    import(warm, other);
  }
  const auto w = import(warm, v);
  CHECK(c.unlogged_sessions >= 1);
  CHECK(w.unlogged_sessions == c.unlogged_sessions);
  auto rows = [](const Paths& p) {
    auto store = store::Store::open_readonly(p);
    REQUIRE(store);
    SQLite::Statement q((*store)->db(),
                        "SELECT dedup_key, session_id, model, input, output, cache_write_5m, cache_write_1h, "
                        "cache_read, web_search, cost_total, ts_ms, project FROM requests WHERE source IN "
                        "('cost-state', 'claude-json') ORDER BY dedup_key");
    std::vector<std::string> out;
    while (q.executeStep()) {
      std::string row;
      for (int i = 0; i < q.getColumnCount(); ++i)
        row += (i == 9 ? hex_float(q.getColumn(i).getDouble()) : q.getColumn(i).getString()) + "|";
      out.push_back(row);
    }
    return out;
  };
  const auto cold_rows = rows(cold);
  CHECK_FALSE(cold_rows.empty());
  CHECK(rows(warm) == cold_rows);
  // The cold import built its indexes after its commit.
  auto store = store::Store::open_readonly(cold);
  REQUIRE(store);
  CHECK((*store)
            ->db()
            .execAndGet("SELECT count(*) FROM sqlite_master WHERE type='index' AND name IN "
                        "('requests_ts_profile_cost', 'requests_session')")
            .getInt() == 2);
  CHECK((*store)->db().execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("reconcile: a bulk load's tally gives the rows the index gives, a larger copy read back", "[reconcile]") {
  // A cold import sums each session's requests as it stores them; a larger
  // copy that replaced a stored row's counts makes that session read back,
  // and so does a session past the tally's bound.
  test::TempDir tmp;
  const auto& prices = registry::bundled_pricing();
  auto request = [](const std::string& key, const std::string& session, int64_t in, int64_t out, int64_t ts) {
    store::RequestUsage r;
    r.key = key;
    r.session_id = session;
    r.model = "claude-sonnet-4-5-20250929";
    r.cwd = "/w/" + session;
    r.ts_ms = ts;
    r.tokens.input = in;
    r.tokens.output = out;
    return r;
  };
  // s1: a partial copy, then the final one (merged); s2: two requests; s3: none.
  const std::vector<store::RequestUsage> load = {
      request("req:a", "s1", 5, 1, 1000), request("req:b", "s2", 7, 70, 2000), request("req:a", "s1", 5, 400, 1000),
      request("req:c", "s2", 3, 30, 3000)};
  auto claim = [](const std::string& session, int64_t in, int64_t out) {
    ingest::SessionClaim c;
    c.session_id = session;
    c.ts_ms = 5000;
    c.models["claude-sonnet-4-5"].tokens = {in, out, 0, 0, 0, 0};
    return c;
  };
  // s1 claims what it holds after the merge; s2 claims more than it holds; s3 only claims.
  const std::vector<ingest::SessionClaim> claims = {claim("s1", 5, 400), claim("s2", 12, 150), claim("s3", 1, 2)};
  auto run = [&](const Paths& paths, bool bulk, size_t tally_sessions = ingest::SessionTally::k_max_tally_sessions) {
    auto store = store::Store::open(paths);
    REQUIRE(store);
    auto& db = (*store)->db();
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    if (bulk) store::drop_request_indexes(db);
    store::PriceResolver resolver(prices);
    store::RequestWriter writer(db, resolver);
    ingest::SessionTally tally(tally_sessions);
    for (const auto& r : load) {
      const auto outcome = writer.write(r, store::Attribution{});
      if (outcome == store::WriteOutcome::inserted)
        tally.inserted(r, store::RequestSource::import, writer.last_cost_total());
      else if (outcome == store::WriteOutcome::merged)
        tally.changed(writer.table().session_of(writer.last_key()));
    }
    for (const auto& c : claims) ingest::save_claim(db, c, store::Attribution{});
    if (bulk && tally.needs_index()) store::create_session_index(db);  // as the importer does
    const auto written = ingest::reconcile_sessions(db, writer, {"s1", "s2", "s3"}, prices, bulk ? &tally : nullptr);
    tx.commit();
    SQLite::Statement q(db,
                        "SELECT group_concat(session_id || ':' || input || '/' || output || '@' || ts_ms || ' ' || "
                        "project, ', ') FROM (SELECT * FROM requests WHERE source='cost-state' ORDER BY session_id)");
    REQUIRE(q.executeStep());
    return std::make_pair(written, q.getColumn(0).getString());
  };
  const auto by_index = run(Paths{tmp.path() / "index"}, false);
  const auto by_tally = run(Paths{tmp.path() / "tally"}, true);
  // s2 is 2/50 short; s3 holds nothing and its claim goes at the claim's time.
  CHECK(by_index == std::make_pair(int64_t{2}, std::string("s2:2/50@3000 /w/s2, s3:1/2@5000 ")));
  CHECK(by_tally == by_index);
  // A tally of one session: s2 (past it) and s1 (changed) are read through the index.
  CHECK(run(Paths{tmp.path() / "small"}, true, 1) == by_index);
}

TEST_CASE("reconcile: a cold import of more sessions than its tally holds reads the rest through the index",
          "[reconcile]") {
  // Each session: one request of 10 input tokens, and Claude Code's own
  // total of 11: every session is one input token short, past the tally's
  // 4,096 sessions or not.
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  const auto dir = tmp.path() / "claude";
  const int sessions = static_cast<int>(ingest::SessionTally::k_max_tally_sessions) + 100;
  fs::create_directories(dir / "projects" / "-w");
  for (int i = 0; i < sessions; ++i) {
    const std::string s = "s" + std::to_string(i);
    std::ofstream(dir / "projects" / "-w" / (s + ".jsonl"))
        << R"({"type":"assistant","sessionId":")" << s << R"(","timestamp":"2026-11-01T00:00:00.000Z",)"
        << R"("requestId":"req_)" << i << R"(","cwd":"/w","message":{"id":"m)" << i
        << R"(","model":"claude-sonnet-4-5","usage":{"input_tokens":10,"output_tokens":20}}})"
        << "\n"
        << R"({"type":"cost-state","sessionId":")" << s
        << R"(","modelUsage":{"claude-sonnet-4-5":{"inputTokens":11,"outputTokens":20}}})"
        << "\n";
  }
  const auto s = import(paths, dir);
  CHECK(s.new_requests == sessions);
  CHECK(s.unlogged_sessions == sessions);
  auto store = store::Store::open_readonly(paths);
  REQUIRE(store);
  SQLite::Statement q((*store)->db(),
                      "SELECT source, COUNT(*), TOTAL(input), TOTAL(output) FROM requests GROUP BY source ORDER BY "
                      "source");
  std::vector<std::string> rows;
  while (q.executeStep())
    rows.push_back(q.getColumn(0).getString() + " " + q.getColumn(1).getString() + " " +
                   std::to_string(q.getColumn(2).getInt64()) + " " + std::to_string(q.getColumn(3).getInt64()));
  const std::string n = std::to_string(sessions);
  CHECK(rows == std::vector<std::string>{
                    "cost-state " + n + " " + n + " 0",
                    "import " + n + " " + std::to_string(sessions * 10) + " " + std::to_string(sessions * 20)});
}
