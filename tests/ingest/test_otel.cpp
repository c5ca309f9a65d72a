// OpenTelemetry api_request events on real captures (tests/data/claude-otel,
// see its README): parsing, the 5m/1h split of events without it, and the
// merge with transcript lines, in both orders, with and without request ids.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "ingest/otel.hpp"
#include "ingest/otel_sink.hpp"
#include "ingest/team_token.hpp"
#include "ingest/transcript_parser.hpp"
#include "registry/pricing_table.hpp"
#include "store/request_writer.hpp"
#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using nlohmann::json;

namespace {

const fs::path k_data = test::source_dir() / "tests" / "data" / "claude-otel";
const char* const k_project = "-tmp-clown-otel-capture-work";

// Every api_request event of a scenario, in POST order.
std::vector<ingest::OtelRequest> events_of(const fs::path& scenario) {
  std::vector<fs::path> bodies;
  for (const auto& e : fs::directory_iterator(scenario / "otel"))
    if (e.path().filename().string().find("-logs.body") != std::string::npos) bodies.push_back(e.path());
  std::sort(bodies.begin(), bodies.end());
  std::vector<ingest::OtelRequest> out;
  for (const auto& b : bodies) {
    auto batch = ingest::parse_otlp_logs(test::read_text(b));
    REQUIRE(batch);
    for (auto& r : batch->requests) out.push_back(std::move(r));
  }
  return out;
}

struct Answered {
  store::TokenCounts tokens;  // with the 5m/1h split the provider billed
  int64_t requests = 0;
};
Answered provider_answered(const fs::path& scenario) {
  Answered a;
  for (const auto& r : test::read_jsonl(scenario / "provider-record.jsonl")) {
    if (r.value("status", 0) != 200 || !r.contains("usage")) continue;
    const auto& u = r["usage"];
    a.tokens += store::TokenCounts{u["input_tokens"].get<int64_t>(),
                                   u["output_tokens"].get<int64_t>(),
                                   u["cache_creation"]["ephemeral_5m_input_tokens"].get<int64_t>(),
                                   u["cache_creation"]["ephemeral_1h_input_tokens"].get<int64_t>(),
                                   u["cache_read_input_tokens"].get<int64_t>(),
                                   0};
    ++a.requests;
  }
  return a;
}

std::string session_of(const fs::path& scenario) {
  return test::read_jsonl(scenario / "hooks" / "session-start.jsonl").at(0).at("session_id").get<std::string>();
}

std::vector<store::RequestUsage> transcript_requests(const fs::path& version, const std::string& session) {
  ingest::LineParser parser;
  auto scan = ingest::scan_transcript(version / "projects" / k_project / (session + ".jsonl"), {}, parser);
  REQUIRE(scan);
  return scan->requests.take();
}

struct Stored {
  store::TokenCounts tokens;
  int64_t rows = 0;
  std::map<std::string, int64_t> by_query_source;
};
Stored stored(SQLite::Database& db) {
  Stored s;
  SQLite::Statement q(db,
                      "SELECT input, output, cache_write_5m, cache_write_1h, cache_read, query_source FROM requests");
  while (q.executeStep()) {
    s.tokens += store::TokenCounts{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(),
                                   q.getColumn(3).getInt64(), q.getColumn(4).getInt64(), 0};
    ++s.rows;
    ++s.by_query_source[q.getColumn(5).getString()];
  }
  return s;
}

// Writes transcript lines and OTel events of `scenarios` (one session) into a
// fresh store, in the given order.
Stored merge(const std::string& version, const std::vector<std::string>& scenarios, bool otel_first) {
  test::TempDir tmp;
  auto store = store::Store::open(Paths{tmp.path()});
  REQUIRE(store);
  const auto& prices = registry::bundled_pricing();
  store::PriceResolver resolver(prices);
  store::RequestWriter writer((*store)->db(), resolver);
  const auto v = k_data / version;
  store::Attribution transcript_source, otel_source;
  otel_source.source = store::RequestSource::otel;
  auto write_lines = [&] {
    for (const auto& r : transcript_requests(v, session_of(v / scenarios[0]))) writer.write(r, transcript_source);
  };
  auto write_events = [&] {
    for (const auto& sc : scenarios)
      for (auto e : events_of(v / sc)) {
        ingest::infer_cache_split(e, prices);
        writer.write(e.usage, otel_source);
      }
  };
  if (otel_first) write_events();
  write_lines();
  if (!otel_first) write_events();
  // Storing everything again changes nothing.
  write_lines();
  write_events();
  return stored((*store)->db());
}

}  // namespace

TEST_CASE("otel: api_request events of 2.1.328 carry ids, query_source and the 5m/1h split", "[otel]") {
  const auto events = events_of(k_data / "2.1.328" / "interactive");
  const auto answered = provider_answered(k_data / "2.1.328" / "interactive");
  REQUIRE(static_cast<int64_t>(events.size()) == answered.requests);
  std::multiset<std::string> sources;
  store::TokenCounts sum;
  for (const auto& e : events) {
    CHECK(e.usage.key.rfind("req:req_", 0) == 0);
    CHECK(e.split_known);
    CHECK(e.run_id == "test-run-1");
    CHECK(e.profile == "test");
    CHECK(e.usage.session_id == session_of(k_data / "2.1.328" / "interactive"));
    CHECK(e.usage.model == "claude-sonnet-4-5");
    sources.insert(e.usage.query_source);
    sum += e.usage.tokens;
  }
  CHECK(sources == std::multiset<std::string>{"compact", "generate_session_title", "repl_main_thread",
                                              "repl_main_thread", "repl_main_thread", "repl_main_thread",
                                              "repl_main_thread"});
  CHECK(sum == answered.tokens);
}

TEST_CASE("otel: 2.1.197 sends no 5m/1h split - Claude Code's cost_usd gives it back exactly", "[otel]") {
  const auto v = k_data / "2.1.197" / "interactive";
  auto events = events_of(v);
  const auto answered = provider_answered(v);
  REQUIRE(static_cast<int64_t>(events.size()) == answered.requests);
  store::TokenCounts sum;
  for (auto& e : events) {
    CHECK_FALSE(e.split_known);
    ingest::infer_cache_split(e, registry::bundled_pricing());
    CHECK(e.split_known);
    sum += e.usage.tokens;
  }
  CHECK(sum == answered.tokens);
  // A cost from other prices (a model Claude Code prices differently) leaves
  // every write 5-minute rather than guess.
  auto odd = events_of(v).at(0);
  *odd.cost_usd += 0.0000013;
  const auto writes = odd.usage.tokens.cache_write_5m;
  ingest::infer_cache_split(odd, registry::bundled_pricing());
  CHECK_FALSE(odd.split_known);
  CHECK(odd.usage.tokens.cache_write_5m == writes);
}

TEST_CASE("otel: a transcript line and its event are one request, whichever is stored first", "[otel]") {
  for (const char* version : {"2.1.328", "2.1.197"}) {
    for (bool otel_first : {true, false}) {
      INFO(version << (otel_first ? " otel first" : " transcript first"));
      const auto v = k_data / version;
      // The interactive session, resumed twice: one transcript, three processes.
      const std::vector<std::string> scenarios = {"interactive", "resume", "resume2"};
      Answered want;
      for (const auto& sc : scenarios) {
        const auto a = provider_answered(v / sc);
        want.tokens += a.tokens;
        want.requests += a.requests;
      }
      const auto got = merge(version, scenarios, otel_first);
      CHECK(got.rows == want.requests);
      CHECK(got.tokens == want.tokens);
      // Background requests are known by their query_source; every main-loop
      // line got its query_source from its event.
      CHECK(got.by_query_source.at("generate_session_title") == 1);
      CHECK(got.by_query_source.at("compact") == 1);
      CHECK(got.by_query_source.count("") == 0);
    }
  }
}

TEST_CASE("otel: without request ids events and lines are matched by content", "[otel]") {
  for (const char* version : {"2.1.328", "2.1.197"}) {
    for (bool otel_first : {true, false}) {
      INFO(version << (otel_first ? " otel first" : " transcript first"));
      const auto v = k_data / version / "noreqid";
      for (const auto& e : events_of(v)) CHECK(e.usage.key.rfind("otel:", 0) == 0);
      const auto want = provider_answered(v);
      const auto got = merge(version, {"noreqid"}, otel_first);
      CHECK(got.rows == want.requests);
      CHECK(got.tokens == want.tokens);
      CHECK(got.by_query_source.count("") == 0);
    }
  }
}

TEST_CASE("otel: payloads that are not OTLP JSON are refused - bad events are skipped", "[otel]") {
  CHECK_FALSE(ingest::parse_otlp_logs("not json"));
  CHECK_FALSE(ingest::parse_otlp_logs("[1,2]"));
  CHECK_FALSE(ingest::parse_otlp_logs(R"({"resourceLogs": 5})"));
  auto empty = ingest::parse_otlp_logs("{}");
  REQUIRE(empty);
  CHECK(empty->requests.empty());
  auto record = [](const std::string& input) {
    return R"({"resourceLogs":[{"resource":{"attributes":[]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1795929204925000000",)"
           R"("body":{"stringValue":"claude_code.api_request"},"attributes":[{"key":"session.id","value":{"stringValue":"s"}},)"
           R"({"key":"model","value":{"stringValue":"m"}},{"key":"input_tokens","value":)" +
           input +
           R"(},{"key":"output_tokens","value":{"intValue":2}},{"key":"cache_read_tokens","value":{"intValue":0}},)"
           R"({"key":"cache_creation_tokens","value":{"intValue":0}},{"key":"request_id","value":{"stringValue":"r"}}]}]}]}]})";
  };
  // OTLP/JSON may send 64-bit integers as decimal strings.
  auto as_string = ingest::parse_otlp_logs(record(R"({"intValue":"17"})"));
  REQUIRE(as_string);
  REQUIRE(as_string->requests.size() == 1);
  CHECK(as_string->requests[0].usage.tokens.input == 17);
  CHECK(as_string->requests[0].usage.ts_ms == 1795929204925);
  for (const char* bad : {R"({"intValue":-1})", R"({"intValue":"x"})", R"({"stringValue":"17"})",
                          R"({"intValue":2000000000})", R"({"doubleValue":1.5})"}) {
    INFO(bad);
    auto parsed = ingest::parse_otlp_logs(record(bad));
    REQUIRE(parsed);
    CHECK(parsed->records == 1);
    CHECK(parsed->requests.empty());
  }
}

TEST_CASE("otel: a run's events go to its spool, other sessions' to the inbox the daemon drains", "[otel]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  const std::string run = "0123456789abcdef";
  fs::create_directories(paths.run_dir(run));
  auto body = test::read_text(k_data / "2.1.328" / "print" / "otel" / "001-logs.body");
  const auto events = events_of(k_data / "2.1.328" / "print");
  // The capture's run id is "test-run-1": not a clown run id, so the inbox.
  auto receipt = ingest::receive_otlp_logs(paths, body, registry::bundled_pricing());
  REQUIRE(receipt);
  CHECK(receipt->spooled == 0);
  CHECK(receipt->inboxed == receipt->requests);
  // The same events tagged with a run that is in progress: its spool.
  std::string tagged = body;
  for (size_t at = tagged.find("test-run-1"); at != std::string::npos; at = tagged.find("test-run-1", at))
    tagged.replace(at, 10, run);
  receipt = ingest::receive_otlp_logs(paths, tagged, registry::bundled_pricing());
  REQUIRE(receipt);
  CHECK(receipt->spooled == receipt->requests);
  CHECK(ingest::read_run_spool(paths, run).size() == static_cast<size_t>(receipt->requests));
  // The inbox is stored once, under the profile the events name.
  auto drained = ingest::drain_otel_inbox(paths);
  REQUIRE(drained);
  auto again = ingest::drain_otel_inbox(paths);
  REQUIRE(again);
  CHECK(again->stored == 0);
  auto store = store::Store::open_readonly(paths);
  REQUIRE(store);
  CHECK((*store)->db().execAndGet("SELECT COUNT(*) FROM requests WHERE profile='test' AND source='otel'").getInt() ==
        receipt->requests);
  CHECK(ingest::otel_token(paths)->size() == 32);
  CHECK(*ingest::otel_token(paths) == *ingest::otel_token(paths));
}

TEST_CASE("otel: processes creating the token at once all get the same whole token", "[otel]") {
  // Two `clown run`s starting together once read a token file the other had
  // created but not yet written ("otel.token is damaged").
  for (int round = 0; round < 20; ++round) {
    test::TempDir tmp;
    Paths paths{tmp.path() / "home"};
    std::vector<std::string> got(8);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < got.size(); ++i)
      threads.emplace_back([&, i] {
        auto t = ingest::otel_token(paths);
        got[i] = t ? *t : "error: " + t.error().message;
      });
    for (auto& t : threads) t.join();
    for (const auto& g : got) {
      INFO(g);
      CHECK(g.size() == 32);
      CHECK(g == got[0]);
    }
    CHECK(test::read_text(paths.otel_token_file()) == got[0]);
    CHECK(std::distance(fs::directory_iterator(paths.root), fs::directory_iterator{}) == 1);  // no temp file left
  }
}

namespace {

// A minimal api_request log record with the given record and resource attributes.
std::string api_request_payload(const json& resource_attrs, const json& record_attrs) {
  json attrs = json::array({{{"key", "event.name"}, {"value", {{"stringValue", "api_request"}}}},
                            {{"key", "event.timestamp"}, {"value", {{"stringValue", "2026-11-29T05:15:06.435Z"}}}},
                            {{"key", "model"}, {"value", {{"stringValue", "claude-sonnet-4-5"}}}},
                            {{"key", "input_tokens"}, {"value", {{"intValue", "1"}}}},
                            {{"key", "output_tokens"}, {"value", {{"intValue", "2"}}}},
                            {{"key", "cache_read_tokens"}, {"value", {{"intValue", "0"}}}},
                            {{"key", "cache_creation_tokens"}, {"value", {{"intValue", "0"}}}},
                            {{"key", "request_id"}, {"value", {{"stringValue", "req_x"}}}}});
  for (const auto& a : record_attrs) attrs.push_back(a);
  return json{{"resourceLogs",
               {{{"resource", {{"attributes", resource_attrs}}},
                 {"scopeLogs", {{{"logRecords", {{{"attributes", attrs}}}}}}}}}}}
      .dump();
}

json attr(const std::string& key, const std::string& value) {
  return {{"key", key}, {"value", {{"stringValue", value}}}};
}

ingest::OtelRequest remote_one(const json& resource, const json& record, const ingest::RemoteOrigin& origin) {
  auto batch = ingest::parse_otlp_logs(api_request_payload(resource, record), &origin);
  REQUIRE(batch);
  REQUIRE(batch->requests.size() == 1);
  return batch->requests[0];
}

}  // namespace

TEST_CASE("otel: another machine's events name its machine and user, never a local run or profile", "[otel][team]") {
  const ingest::RemoteOrigin origin{"", "10.0.0.7"};
  const ingest::RemoteOrigin forwarded{"0f8e0000-0000-4000-8000-000000000001", "10.0.0.7"};
  // clown.machine_id wins; user.email beats clown.user beats Claude Code's ids.
  auto r = remote_one(json::array({attr("clown.machine_id", "laptop-2"), attr("host.name", "lap"),
                                   attr("clown.run_id", "abcd"), attr("clown.user", "alice")}),
                      json::array({attr("user.email", "a@example.com"), attr("user.id", "hash")}), forwarded);
  CHECK(r.machine == "laptop-2");
  CHECK(r.user == "a@example.com");
  CHECK(r.run_id.empty());
  CHECK(r.profile == "remote");
  // The forwarding clownd's id, then host.name, then the peer.
  r = remote_one(json::array({attr("host.name", "lap"), attr("clown.profile", "work"), attr("clown.user", "alice")}),
                 json::array({attr("user.id", "hash")}), forwarded);
  CHECK(r.machine == "0f8e0000-0000-4000-8000-000000000001");
  CHECK(r.user == "alice");
  CHECK(r.profile == "work");
  r = remote_one(json::array({attr("host.name", "lap")}), json::array({attr("user.account_uuid", "u-1")}), origin);
  CHECK(r.machine == "lap");
  CHECK(r.user == "u-1");
  r = remote_one(json::array(), json::array({attr("user.id", "hash")}), origin);
  CHECK(r.machine == "10.0.0.7");
  CHECK(r.user == "hash");
  // At most 200 bytes of a sender's text.
  r = remote_one(json::array({attr("clown.machine_id", std::string(5000, 'm'))}), json::array(), origin);
  CHECK(r.machine == std::string(200, 'm'));
  // Through the inbox line and back.
  const auto back = ingest::otel_request_from_json(ingest::to_json(r));
  REQUIRE(back);
  CHECK(back->machine == r.machine);
  // A local payload keeps its run and names no machine.
  auto local = ingest::parse_otlp_logs(api_request_payload(json::array({attr("clown.run_id", "abcd")}), json::array()));
  REQUIRE(local);
  CHECK(local->requests.at(0).machine.empty());
  CHECK(local->requests.at(0).run_id == "abcd");
}

TEST_CASE("team token and OTel token: processes creating them at once all get the one stored", "[otel][team]") {
  // The daemon's first start and `clown team token` (two `clown run`s for
  // the OTel token) may create the file at the same moment: before, the team
  // token was replaced by a rename, so one of them could print a token the
  // other had just overwritten.
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  for (int round = 0; round < 20; ++round) {
    std::error_code ec;
    std::filesystem::remove(ingest::team_token_file(paths), ec);
    std::filesystem::remove(paths.otel_token_file(), ec);
    constexpr int k_threads = 8;
    std::vector<std::string> team(k_threads), otel(k_threads);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < k_threads; ++i)
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < k_threads) {
        }
        auto t = ingest::team_token(paths, false);
        auto o = ingest::otel_token(paths);
        team[static_cast<size_t>(i)] = t ? *t : "error: " + t.error().message;
        otel[static_cast<size_t>(i)] = o ? *o : "error: " + o.error().message;
      });
    for (auto& t : threads) t.join();
    const auto stored_team = ingest::stored_team_token(paths);
    REQUIRE(stored_team);
    CHECK(stored_team->size() == 64);
    for (int i = 0; i < k_threads; ++i) {
      CHECK(team[static_cast<size_t>(i)] == *stored_team);
      CHECK(otel[static_cast<size_t>(i)] == otel[0]);
    }
  }
  // --rotate replaces it; a damaged (short) one is replaced too.
  const auto before = *ingest::stored_team_token(paths);
  auto rotated = ingest::team_token(paths, true);
  REQUIRE(rotated);
  CHECK(*rotated != before);
  CHECK(*ingest::stored_team_token(paths) == *rotated);
  REQUIRE(write_file_atomic(ingest::team_token_file(paths), "short\n", 0600));
  auto replaced = ingest::team_token(paths, false);
  REQUIRE(replaced);
  CHECK(replaced->size() == 64);
  CHECK(*ingest::stored_team_token(paths) == *replaced);
}
