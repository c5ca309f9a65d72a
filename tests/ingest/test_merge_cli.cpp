// Many machines (docs/file-formats.md#export-jsonl): two stores with their
// own machine ids and some requests in common, exported and merged into a
// third and into each other, hold exactly the union; merging again changes
// nothing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "store/machine_id.hpp"
#include "store/requests_table.hpp"
#include "store/store.hpp"
#include "tests/support/clown_home.hpp"

using namespace clown;
using nlohmann::json;

namespace {

using Home = test::ClownHome;

struct Row {
  std::string key;
  int64_t ts_ms;
  int64_t input, output;
  double cost_input;    // binary fractions: sums are exact in any order
  bool legacy = false;  // stored before schema 6: machine ''
};

void seed(const Home& home, const std::vector<Row>& rows) {
  auto store = store::Store::open(home.paths());
  REQUIRE(store);
  auto& db = (*store)->db();
  store::RequestTable table(db);
  for (const auto& row : rows) {
    store::RequestRecord r;
    r.dedup_key = row.key;
    r.ts_ms = row.ts_ms;
    r.session_id = "s-" + row.key.substr(0, 3);
    r.profile = "work";
    r.agent = "claude";
    r.provider = "anthropic";
    r.model = "claude-sonnet-4-5";
    r.project = "/w";
    r.tokens.input = row.input;
    r.tokens.output = row.output;
    r.cost.input = row.cost_input;
    r.priced = true;
    r.price_key = "claude-sonnet-4-5";
    r.source = store::RequestSource::import;
    REQUIRE(table.upsert(r) == store::RequestTable::Outcome::inserted);
    if (row.legacy) {
      SQLite::Statement q(db, "UPDATE requests SET machine = '' WHERE dedup_key = ?");
      q.bind(1, row.key);
      q.exec();
    }
  }
}

// Requests, input, output and cost of the whole store, from the report.
std::string totals(const Home& home, const std::string& machine = "") {
  std::vector<std::string> args = {"usage", "--period", "all", "--json"};
  if (!machine.empty()) args.insert(args.end(), {"--machine", machine});
  auto r = home.clown(args);
  REQUIRE(r.exit_code == 0);
  const json j = json::parse(r.out);
  return std::to_string(j["total_requests"].get<int64_t>()) + " " +
         std::to_string(j["total_tokens"]["input_tokens"].get<int64_t>()) + " " +
         std::to_string(j["total_tokens"]["output_tokens"].get<int64_t>()) + " " + j["total_cost"]["total_cost"].dump();
}

// Every stored row, to compare a store before and after a merge.
std::string contents(const Home& home) {
  auto r = home.clown({"usage", "sql",
                       "SELECT group_concat(dedup_key || ' ' || machine || ' ' || input || ' ' || cost_total, ';') "
                       "FROM (SELECT * FROM requests ORDER BY dedup_key)",
                       "--csv"});
  REQUIRE(r.exit_code == 0);
  return r.out;
}

fs::path export_to(const Home& home, const fs::path& file) {
  auto r = home.clown({"usage", "export", "--format", "jsonl"});
  REQUIRE(r.exit_code == 0);
  std::ofstream(file) << r.out;
  return file;
}

json merge(const Home& home, const std::vector<fs::path>& files) {
  std::vector<std::string> args = {"usage", "merge", "--json"};
  for (const auto& f : files) args.push_back(f.string());
  auto r = home.clown(args);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

std::string id_of(const Home& home) {
  auto id = store::machine_id(home.paths());
  REQUIRE(id);
  return *id;
}

}  // namespace

TEST_CASE("ingest: export and merge across machines: the union exactly, idempotent", "[ingest][merge][cli]") {
  Home a, b, c;
  // The same key without a request id means different requests on each machine.
  const std::string history = "stats-cache|/home/u/.claude|claude-sonnet-4-5";
  const std::vector<Row> rows_a = {{"req:shared", 1764000000000, 100, 10, 0.5},
                                   {"req:a1", 1764000001000, 200, 20, 0.25},
                                   {"msg:a2", 1764000002000, 300, 30, 0.125, true},
                                   {"nomsg:s:1764000003000", 1764000003000, 400, 40, 1.0},
                                   {history, 1700000000000, 5000, 500, 2.0}};
  const std::vector<Row> rows_b = {{"req:shared", 1764000000000, 100, 10, 0.5},
                                   {"req:b1", 1764000005000, 7, 8, 0.0625},
                                   {"nomsg:s:1764000003000", 1764000003000, 9, 1, 0.03125},
                                   {history, 1700000000000, 6000, 600, 4.0}};
  seed(a, rows_a);
  seed(b, rows_b);
  const std::string id_a = id_of(a), id_b = id_of(b);
  REQUIRE(store::is_machine_id(id_a));
  REQUIRE(id_a != id_b);
  CHECK(totals(a) == "5 6000 600 3.875");
  CHECK(totals(b) == "4 6116 619 4.59375");
  // The union: req:shared once, everything else from both.
  const std::string union_totals = "8 12016 1209 7.96875";

  const fs::path file_a = export_to(a, c.dir() / "a.jsonl"), file_b = export_to(b, c.dir() / "b.jsonl");
  {
    std::ifstream in(file_a);
    std::string header;
    std::getline(in, header);
    CHECK(header.rfind("{\"format\":\"clown-requests\",\"version\":1,\"machine\":\"" + id_a + "\",", 0) == 0);
    const json h = json::parse(header);
    CHECK(h["format"] == "clown-requests");
    CHECK(h["version"] == 1);
    CHECK(h["machine"] == id_a);
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
      const json l = json::parse(line);
      CHECK(l["machine"] == id_a);  // the legacy '' row too
      ++lines;
    }
    CHECK(lines == 5);
  }

  auto s = merge(c, {file_a, file_b});
  CHECK(s["inserted"] == 8);
  CHECK(s["duplicates"] == 1);
  CHECK(totals(c) == union_totals);
  CHECK(totals(c, id_a) == "5 6000 600 3.875");
  CHECK(totals(c, id_b) == "3 6016 609 4.09375");  // req:shared is A's here
  {
    auto r = c.clown({"usage", "--period", "all", "--json"});
    const json by_machine = json::parse(r.out)["aggregates"]["by_machine"];
    CHECK(by_machine.size() == 2);
    CHECK(by_machine[id_a]["requests"] == 5);
    CHECK(by_machine[id_b]["requests"] == 3);  // req:shared counts for the machine merged first
  }

  {
    // The exports filter by machine too.
    auto r = c.clown({"usage", "export", "--period", "all", "--machine", id_b});
    REQUIRE(r.exit_code == 0);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1 + 3);
    r = c.clown({"usage", "export", "--format", "jsonl", "--machine", id_a});
    REQUIRE(r.exit_code == 0);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1 + 5);
  }

  s = merge(a, {file_b});
  CHECK(s["inserted"] == 3);
  CHECK(s["duplicates"] == 1);
  s = merge(b, {file_a});
  CHECK(s["inserted"] == 4);
  CHECK(totals(a) == union_totals);
  CHECK(totals(b) == union_totals);

  // Merging again, or files holding a machine's own rows, changes nothing.
  const std::string before_a = contents(a), before_b = contents(b), before_c = contents(c);
  s = merge(c, {file_a, file_b});
  CHECK(s["inserted"] == 0);
  CHECK(s["updated"] == 0);
  s = merge(a, {file_a, file_b});
  CHECK(s["own"] == 5);
  CHECK(s["inserted"] == 0);
  CHECK(s["updated"] == 0);
  // A's export now holds B's rows too (machine B): B skips them as its own.
  const fs::path file_a2 = export_to(a, c.dir() / "a2.jsonl");
  s = merge(b, {file_a2});
  CHECK(s["requests"] == 8);
  CHECK(s["own"] == 3);
  CHECK(s["inserted"] == 0);
  CHECK(s["updated"] == 0);
  s = merge(c, {file_a2});
  CHECK(s["inserted"] == 0);
  CHECK(s["updated"] == 0);
  CHECK(contents(a) == before_a);
  CHECK(contents(b) == before_b);
  CHECK(contents(c) == before_c);
  CHECK(totals(a) == union_totals);
  CHECK(totals(b) == union_totals);
  CHECK(totals(c) == union_totals);
}

TEST_CASE("ingest: merge refuses a wrong or newer format and malformed lines, merging nothing",
          "[ingest][merge][cli]") {
  Home home;
  const std::string header =
      R"({"format":"clown-requests","version":1,"machine":"0f8e2c1a-5b3d-4e7f-9a1b-2c3d4e5f6a7b"})";
  const std::string good =
      R"({"dedup_key":"req:x","ts_ms":1764000000000,"session_id":"s","run_id":"","profile":"p","agent":"claude",)"
      R"("provider":"anthropic","model":"m","project":"","sidechain":false,"input":1,"output":2,"cache_write_5m":0,)"
      R"("cache_write_1h":0,"cache_read":0,"web_search":0,"cost_input":0.5,"cost_output":0,"cost_cache_write":0,)"
      R"("cost_cache_read":0,"cost_web_search":0,"cost_total":0.5,"priced":true,"price_key":"m","source":"import",)"
      R"("config_dir":"","query_source":"","subagent":"","machine":"0f8e2c1a-5b3d-4e7f-9a1b-2c3d4e5f6a7b"})";
  auto run = [&](const std::string& name, const std::string& text) {
    const fs::path file = home.dir() / name;
    std::ofstream(file) << text;
    return std::make_pair(file.string(), home.clown({"usage", "merge", file.string()}));
  };

  auto [f1, r1] = run("other.jsonl", R"({"format":"something-else","version":1})"
                                     "\n");
  CHECK(r1.exit_code == 2);
  CHECK(r1.err.find(f1 + ":1: not a clown requests export") != std::string::npos);

  auto [f2, r2] = run("newer.jsonl", R"({"format":"clown-requests","version":2,"machine":"x"})"
                                     "\n" +
                                         good + "\n");
  CHECK(r2.exit_code == 2);
  CHECK(r2.err ==
        "clown: error: " + f2 + " is format version 2, newer than this clown (1); upgrade clown on this machine\n");

  auto [f3, r3] = run("truncated.jsonl", header + "\n" + good + "\n" + good.substr(0, 40));
  CHECK(r3.exit_code == 2);
  CHECK(r3.err == "clown: error: " + f3 + ":3: not a JSON line (truncated or corrupt)\n");

  auto [f4, r4] = run("missing.jsonl", header + "\n" + good + "\n" +
                                           R"({"dedup_key":"req:y"})"
                                           "\n");
  CHECK(r4.exit_code == 2);
  CHECK(r4.err == "clown: error: " + f4 + ":3: field \"session_id\" is missing or not a string\n");

  std::string wrong_type = good;
  wrong_type.replace(wrong_type.find("\"input\":1"), 9, "\"input\":\"1\"");
  auto [f5, r5] = run("type.jsonl", header + "\n" + wrong_type + "\n");
  CHECK(r5.exit_code == 2);
  CHECK(r5.err == "clown: error: " + f5 + ":2: field \"input\" is missing or not an integer\n");

  std::string bad_user = good;
  bad_user.replace(bad_user.size() - 1, 1, ",\"user\":7}");
  auto [f7, r7] = run("user.jsonl", header + "\n" + bad_user + "\n");
  CHECK(r7.exit_code == 2);
  CHECK(r7.err == "clown: error: " + f7 + ":2: field \"user\" is missing or not a string\n");

  std::string bad_machine = good;
  bad_machine.replace(bad_machine.find("0f8e2c1a-5b3d-4e7f-9a1b-2c3d4e5f6a7b"), 36, "host\\u0007name");
  auto [f8, r8] = run("machine.jsonl", header + "\n" + bad_machine + "\n");
  CHECK(r8.exit_code == 2);
  CHECK(r8.err == "clown: error: " + f8 + ":2: field \"machine\" is not a machine id or name\n");

  // Nothing of the files with a bad line was merged.
  auto r = home.clown({"usage", "sql", "SELECT COUNT(*) AS n FROM requests", "--csv"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "n\r\n0\r\n");
  // The good file alone merges.
  auto [f6, r6] = run("good.jsonl", header + "\n" + good + "\n");
  CHECK(r6.exit_code == 0);
  r = home.clown({"usage", "sql", "SELECT COUNT(*) AS n FROM requests", "--csv"});
  CHECK(r.out == "n\r\n1\r\n");
}

TEST_CASE("ingest: a central clownd's user identity survives export and merge", "[ingest][merge][cli]") {
  Home central, other;
  seed(central, {{"req:remote", 1764000000000, 100, 10, 0.5}, {"req:local", 1764000001000, 200, 20, 0.25}});
  {
    // As the team listener stores another machine's request (schema 10).
    auto store = store::Store::open(central.paths());
    REQUIRE(store);
    (*store)->db().exec(
        "UPDATE requests SET user = 'alice@example.com', machine = 'laptop-2' WHERE dedup_key = 'req:remote'");
  }
  const fs::path file = export_to(central, other.dir() / "central.jsonl");
  std::ifstream in(file);
  std::string line;
  int with_user = 0, lines = 0;
  while (std::getline(in, line)) {
    if (lines++ == 0) continue;  // the header
    const json j = json::parse(line);
    if (j.contains("user")) {
      ++with_user;
      CHECK(j["user"] == "alice@example.com");
      CHECK(j["dedup_key"] == "req:remote");
    }
  }
  CHECK(lines == 3);
  CHECK(with_user == 1);  // this machine's own rows carry none
  CHECK(merge(other, {file})["inserted"] == 2);
  auto r = other.clown({"usage", "sql", "SELECT dedup_key, machine, user FROM requests ORDER BY dedup_key", "--json"});
  REQUIRE(r.exit_code == 0);
  const json rows = json::parse(r.out);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == json{{"dedup_key", "req:local"}, {"machine", id_of(central)}, {"user", ""}});
  CHECK(rows[1] == json{{"dedup_key", "req:remote"}, {"machine", "laptop-2"}, {"user", "alice@example.com"}});
}
