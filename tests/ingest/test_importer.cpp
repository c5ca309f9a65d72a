#include <catch2/catch.hpp>

#include <fstream>

#include "bench/corpus.hpp"
#include "ingest/importer.hpp"
#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::store;
using namespace clown::ingest;

namespace {

std::string line(const std::string& msg, int64_t in, int64_t out, const std::string& model = "claude-sonnet-4-5",
                 const std::string& ts = "2026-11-22T10:00:00.000Z") {
  return R"({"type":"assistant","sessionId":"s","timestamp":")" + ts + R"(","requestId":"req_)" + msg +
         R"(","cwd":"/w","message":{"id":")" + msg + R"(","model":")" + model +
         R"(","content":[{"type":"text","text":"x"}],"usage":{"input_tokens":)" + std::to_string(in) +
         R"(,"output_tokens":)" + std::to_string(out) +
         R"(,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}})"
         "\n";
}

void append(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::app | std::ios::binary);
  f << text;
}

struct Sums {
  int64_t rows = 0, input = 0, output = 0, w5 = 0, w1 = 0, read = 0, web = 0;
};

Sums sums(const Paths& paths, const std::string& where = "1") {
  auto store = Store::open_readonly(paths);
  REQUIRE(store);
  SQLite::Statement q((*store)->db(),
                      "SELECT COUNT(*), TOTAL(input), TOTAL(output), TOTAL(cache_write_5m), TOTAL(cache_write_1h), "
                      "TOTAL(cache_read), TOTAL(web_search) FROM requests WHERE " +
                          where);
  REQUIRE(q.executeStep());
  return {q.getColumn(0).getInt64(),
          static_cast<int64_t>(q.getColumn(1).getDouble()),
          static_cast<int64_t>(q.getColumn(2).getDouble()),
          static_cast<int64_t>(q.getColumn(3).getDouble()),
          static_cast<int64_t>(q.getColumn(4).getDouble()),
          static_cast<int64_t>(q.getColumn(5).getDouble()),
          static_cast<int64_t>(q.getColumn(6).getDouble())};
}

ImportSummary import(const Paths& paths, const fs::path& dir) {
  ImportOptions o;
  o.claude_dirs = {dir};
  auto s = import_claude(paths, o);
  REQUIRE(s);
  return *s;
}

}  // namespace

TEST_CASE("import: a generated corpus with every edge case reproduces its known totals exactly", "[import]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  bench::CorpusSpec spec;
  spec.files = 80;
  spec.scale = 0.03;
  spec.seed = 7;
  auto known = bench::generate_corpus(tmp.path() / "claude", spec);
  REQUIRE(known.requests > 300);
  REQUIRE(known.skipped_lines > 20);

  auto s = import(paths, tmp.path() / "claude");
  CHECK(s.files_seen == known.files);
  CHECK(s.files_read == known.files);
  CHECK(s.bytes_read == known.bytes);
  CHECK(s.new_requests == known.requests);
  CHECK(s.duplicates == known.usage_lines - known.requests);
  CHECK(s.skipped_lines == known.skipped_lines);
  for (const auto& [model, t] : known.by_model) {
    INFO(model);
    auto got = sums(paths, "model = '" + model + "'");
    CHECK(got.rows == known.requests_by_model[model]);
    CHECK(got.input == t.input);
    CHECK(got.output == t.output);
    CHECK(got.w5 == t.cache_write_5m);
    CHECK(got.w1 == t.cache_write_1h);
    CHECK(got.read == t.cache_read);
    CHECK(got.web == t.web_search);
  }
  auto all = sums(paths);
  CHECK(all.rows == known.requests);
  {
    auto store = Store::open_readonly(paths);
    REQUIRE(store);
    // The model nobody prices is stored unpriced with zero cost, never a guess.
    CHECK((*store)
              ->db()
              .execAndGet("SELECT COUNT(*) FROM requests WHERE priced = 0 AND model != 'acme-local-coder'")
              .getInt() == 0);
    CHECK((*store)
              ->db()
              .execAndGet("SELECT COUNT(*) FROM requests WHERE priced = 1 AND model = 'acme-local-coder'")
              .getInt() == 0);
    CHECK((*store)
              ->db()
              .execAndGet("SELECT COUNT(*) FROM requests WHERE profile != 'claude-native' OR source != 'import'")
              .getInt() == 0);
  }

  // Idempotent: the same data again changes nothing and reads nothing.
  auto again = import(paths, tmp.path() / "claude");
  CHECK(again.files_seen == known.files);
  CHECK(again.files_read == 0);
  CHECK(again.new_requests == 0);
  CHECK(again.bytes_read == 0);
  CHECK(sums(paths).rows == known.requests);
  CHECK(sums(paths).output == known.tokens.output);
}

TEST_CASE("import: incremental appends read only new bytes and never a half-written line", "[import]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto file = tmp.path() / "claude" / "projects" / "-w" / "s.jsonl";
  std::string l1 = line("m1", 10, 1), l2 = line("m2", 20, 2), l3 = line("m3", 30, 3), l5 = line("m5", 50, 5);
  append(file, l1 + l2);
  auto s1 = import(paths, tmp.path() / "claude");
  CHECK(s1.new_requests == 2);
  CHECK(s1.bytes_read == static_cast<int64_t>(l1.size() + l2.size()));

  append(file, l3 + l5.substr(0, 30));  // m3 plus the start of a line still being written
  auto s2 = import(paths, tmp.path() / "claude");
  CHECK(s2.files_read == 1);
  CHECK(s2.new_requests == 1);
  CHECK(s2.bytes_read == static_cast<int64_t>(l3.size() + 30));
  CHECK(s2.skipped_lines == 1);

  append(file, l5.substr(30, 10));  // still incomplete
  auto s3 = import(paths, tmp.path() / "claude");
  CHECK(s3.new_requests == 0);
  CHECK(s3.bytes_read == 40);  // the partial line is read again from its start

  append(file, l5.substr(40));
  auto s4 = import(paths, tmp.path() / "claude");
  CHECK(s4.new_requests == 1);
  CHECK(s4.skipped_lines == 0);
  auto all = sums(paths);
  CHECK(all.rows == 4);
  CHECK(all.input == 10 + 20 + 30 + 50);
}

TEST_CASE("import: a file that shrank or was replaced is read again - a deleted file keeps its rows", "[import]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto dir = tmp.path() / "claude";
  auto file = dir / "projects" / "-w" / "s.jsonl";
  append(file, line("m1", 1, 1) + line("m2", 2, 2) + line("m3", 3, 3));
  CHECK(import(paths, dir).new_requests == 3);

  // Replaced (new inode): rewritten with one old request and a new one.
  auto tmpfile = file;
  tmpfile += ".new";
  append(tmpfile, line("m1", 1, 1) + line("m9", 9, 9) + line("m8", 8, 8) + line("m7", 7, 7));
  fs::rename(tmpfile, file);
  auto s = import(paths, dir);
  CHECK(s.files_read == 1);
  CHECK(s.new_requests == 3);
  CHECK(s.duplicates == 1);

  // Shrank in place (same inode): read again from the start.
  {
    std::ofstream trunc(file, std::ios::trunc | std::ios::binary);
    trunc << line("m6", 6, 6);
  }
  auto s2 = import(paths, dir);
  CHECK(s2.files_read == 1);
  CHECK(s2.new_requests == 1);

  // Deleted: Claude Code's 30-day cleanup must not erase clown's history.
  fs::remove(file);
  auto s3 = import(paths, dir);
  CHECK(s3.files_seen == 0);
  auto all = sums(paths);
  CHECK(all.rows == 7);
  CHECK(all.input == 1 + 2 + 3 + 9 + 8 + 7 + 6);
}

TEST_CASE("import: a larger copy in a later file raises the stored request, never adds a second", "[import]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto dir = tmp.path() / "claude";
  append(dir / "projects" / "-w" / "a.jsonl", line("m1", 5, 1));  // streaming partial
  CHECK(import(paths, dir).new_requests == 1);
  append(dir / "projects" / "-w" / "b.jsonl", line("m1", 5, 400));  // resumed copy, final usage
  auto s = import(paths, dir);
  CHECK(s.new_requests == 0);
  CHECK(s.duplicates == 1);
  auto all = sums(paths);
  CHECK(all.rows == 1);
  CHECK(all.output == 400);
}

TEST_CASE("import: a cold import of transcripts without request ids searches no twins and dedups by message id",
          "[import]") {
  // Older Claude Code versions and some gateways write no requestId: such a
  // line's twin (an OTel event of the same request) is searched by time and
  // session. A cold import drops those indexes while it loads, so each search
  // was a full table scan: 7.5 s for 19,498 requests, quadratic in the history.
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto dir = tmp.path() / "claude";
  auto no_rid = [](std::string l) {
    const auto at = l.find(R"("requestId":")");
    l.erase(at, l.find(',', at) + 1 - at);
    return l;
  };
  append(dir / "projects" / "-w" / "a.jsonl", no_rid(line("m1", 5, 1)) + no_rid(line("m2", 7, 2)));
  append(dir / "projects" / "-w" / "b.jsonl", no_rid(line("m1", 5, 300)) + no_rid(line("m3", 11, 3)));
  auto cold = import(paths, dir);
  CHECK(cold.new_requests == 3);
  CHECK(cold.twin_searches == 0);
  auto all = sums(paths);
  CHECK(all.rows == 3);
  CHECK(all.input == 23);
  CHECK(all.output == 305);
  CHECK(sums(paths, "dedup_key LIKE 'msg:%'").rows == 3);
  // Into a store that has rows, a line without a request id is matched.
  append(dir / "projects" / "-w" / "c.jsonl", no_rid(line("m4", 13, 4)));
  auto warm = import(paths, dir);
  CHECK(warm.new_requests == 1);
  CHECK(warm.twin_searches == 1);
  CHECK(sums(paths).rows == 4);
}

TEST_CASE("import: stats-cache.json excess becomes per-model history, never on top of counted requests", "[import]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto dir = tmp.path() / "claude";
  auto file = dir / "projects" / "-w" / "s.jsonl";
  append(file, line("m1", 100, 10) + line("m2", 100, 10, "claude-opus-4-1"));
  test::write_text(dir / "stats-cache.json", R"({"version":2,"firstSessionDate":"2026-01-05T09:00:00.000Z",
    "dailyActivity":[{"date":"2026-01-05","messageCount":3}],
    "modelUsage":{
      "claude-sonnet-4-5":{"inputTokens":1000,"outputTokens":50,"cacheReadInputTokens":7,"cacheCreationInputTokens":9},
      "claude-opus-4-1":{"inputTokens":50,"outputTokens":10,"cacheReadInputTokens":0,"cacheCreationInputTokens":0},
      "claude-haiku-4-5":{"inputTokens":5,"outputTokens":6,"cacheReadInputTokens":0,"cacheCreationInputTokens":0}}})");
  auto s = import(paths, dir);
  CHECK(s.new_requests == 2);
  CHECK(s.history_requests == 2);  // sonnet and haiku; opus transcripts already exceed its stats
  auto hist = sums(paths, "source = 'stats-cache'");
  CHECK(hist.rows == 2);
  auto sonnet = sums(paths, "model = 'claude-sonnet-4-5'");
  CHECK(sonnet.input == 1000);
  CHECK(sonnet.output == 50);
  CHECK(sonnet.read == 7);
  CHECK(sonnet.w5 == 9);
  CHECK(sums(paths, "model = 'claude-opus-4-1'").input == 100);
  CHECK(sums(paths, "model = 'claude-haiku-4-5'").output == 6);
  {
    auto store = Store::open_readonly(paths);
    REQUIRE(store);
    CHECK((*store)->db().execAndGet("SELECT MIN(ts_ms) FROM requests WHERE source='stats-cache'").getInt64() ==
          1767603600000);
  }

  // Idempotent.
  auto again = import(paths, dir);
  CHECK(again.history_requests == 0);
  CHECK(sums(paths, "model = 'claude-sonnet-4-5'").input == 1000);

  // Newly seen transcripts shrink the history row: the total stays what Claude Code says.
  append(file, line("m3", 300, 5));
  auto third = import(paths, dir);
  CHECK(third.new_requests == 1);
  auto sonnet2 = sums(paths, "model = 'claude-sonnet-4-5'");
  CHECK(sonnet2.input == 1000);
  CHECK(sonnet2.output == 50);
  CHECK(sums(paths, "source = 'stats-cache' AND model = 'claude-sonnet-4-5'").input == 1000 - 400);
}

TEST_CASE("import: bad stats-cache.json is a warning, not a failure", "[import]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto dir = tmp.path() / "claude";
  append(dir / "projects" / "-w" / "s.jsonl", line("m1", 1, 1));
  test::write_text(dir / "stats-cache.json", "{\"modelUsage\": {tru");
  auto s = import(paths, dir);
  CHECK(s.new_requests == 1);
  REQUIRE(s.warnings.size() == 1);
  CHECK(s.warnings[0].find("stats-cache.json") != std::string::npos);
}

TEST_CASE("import: isolated profiles' homes are imported and attributed to the profile", "[import]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto other = tmp.path() / "claude";
  append(other / "projects" / "-w" / "a.jsonl", line("m1", 1, 1));
  append(paths.home_for("work") / "projects" / "-w" / "b.jsonl", line("m2", 2, 2));
  auto s = import(paths, other);
  CHECK(s.files_seen == 2);
  CHECK(s.new_requests == 2);
  CHECK(sums(paths, "profile = 'work'").input == 2);
  CHECK(sums(paths, "profile = 'claude-native'").input == 1);
}

TEST_CASE("import: a Claude dir that does not exist is a clear usage error", "[import]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  ImportOptions o;
  o.claude_dirs = {tmp.path() / "missing"};
  auto s = import_claude(paths, o);
  REQUIRE(!s);
  CHECK(s.error().exit_code == k_exit_usage);
  CHECK(s.error().message.find(o.claude_dirs[0].string()) != std::string::npos);
}

TEST_CASE("import: a directory named *.jsonl is not a transcript", "[import]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto dir = tmp.path() / "claude";
  append(dir / "projects" / "-w" / "a.jsonl", line("m1", 1, 1));
  fs::create_directories(dir / "projects" / "-w" / "dir.jsonl");  // not a regular file: ignored
  auto s = import(paths, dir);
  CHECK(s.files_seen == 1);
  CHECK(s.new_requests == 1);
}

TEST_CASE("import: a cold import sums its rollup as it stores the rows unless a later copy merges into a stored row",
          "[import]") {
  // The rollup summed while storing cannot take back what a merged copy
  // replaced: the stored rows are summed after the commit instead
  // (ingest/bulk_rollup.hpp; tests/ingest/test_bulk_rollup.cpp compares both).
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto dir = tmp.path() / "claude";
  append(dir / "projects" / "-w" / "a.jsonl", line("m1", 5, 1) + line("m2", 7, 2, "claude-haiku-4-5"));
  auto cold = import(paths, dir);
  CHECK(cold.new_requests == 2);
  CHECK(cold.rollup_summed);
  append(dir / "projects" / "-w" / "b.jsonl", line("m3", 5, 3));
  CHECK_FALSE(import(paths, dir).rollup_summed);  // not a cold import

  test::TempDir tmp2;
  Paths paths2{tmp2.path() / "home"};
  auto dir2 = tmp2.path() / "claude";
  // A file's requests reach the store in chunks of about 4096: the larger
  // copy at the end of the file comes after its first copy was stored.
  std::string text = line("m1", 5, 1);
  for (int i = 0; i < 5000; ++i) text += line("f" + std::to_string(i), 1, 1);
  text += line("m1", 5, 400);
  append(dir2 / "projects" / "-w" / "a.jsonl", text);
  auto merged = import(paths2, dir2);
  CHECK(merged.new_requests == 5001);
  CHECK_FALSE(merged.rollup_summed);
  CHECK(sums(paths2).output == 5400);
}
