// The Codex CLI reader on the real 0.169.0 captures (tests/data/codex/README.md
// holds the provider's numbers these sums are checked against).
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>

#include "common/file_io.hpp"
#include "ingest/codex_reader.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::ingest;
namespace fs = std::filesystem;

namespace {

fs::path capture() { return test::source_dir() / "tests" / "data" / "codex" / "0.169.0"; }
fs::path sessions() { return capture() / "sessions" / "2026" / "11" / "29"; }
const char* const k_thread_487c = "rollout-2026-11-29T05-10-32-01a225b6-487c-73c0-b147-90392e505074.jsonl";
const char* const k_compact = "rollout-2026-11-29T05-11-33-01a225b7-3542-72c3-9e6b-0d0cf32ca380.jsonl";
const char* const k_fork = "archived_sessions/rollout-2026-11-29T05-10-35-01a225b6-5292-7592-b9f6-2f11f4ce3468.jsonl";

// The Responses API's view of usage: input (cached included), cached,
// output (reasoning included) — what the provider record sums.
struct Api {
  int64_t input = 0, cached = 0, output = 0, requests = 0;
  bool operator==(const Api&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Api& a) {
  return os << "{" << a.input << ", " << a.cached << ", " << a.output << ", " << a.requests << "}";
}

Api api_of(const std::vector<store::RequestUsage>& requests) {
  Api a;
  for (const auto& r : requests) {
    a.input += r.tokens.input + r.tokens.cache_read + r.tokens.cache_write_5m;
    a.cached += r.tokens.cache_read;
    a.output += r.tokens.output;
    ++a.requests;
  }
  return a;
}

RolloutScan scan(const fs::path& file) {
  auto s = scan_codex_rollout(file);
  REQUIRE(s);
  return *s;
}

// The file without its token_usage_record lines: what an older Codex wrote.
std::string without_records(const fs::path& file) {
  auto text = read_file(file);
  REQUIRE(text);
  std::string out;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    std::string line = text->substr(pos, nl - pos + 1);
    if (line.find("\"type\":\"token_usage_record\"") == std::string::npos) out += line;
    pos = nl + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("codex: every rollout together equals what the provider answered, each response once") {
  std::vector<store::RequestUsage> all;
  std::set<std::string> keys;
  int64_t skipped = 0;
  for (const auto& home : {capture(), capture() / "zst"}) {
    for (const auto& f : list_codex_rollouts(home)) {
      auto s = scan(f);
      skipped += s.stats.skipped_lines;
      for (auto& r : s.requests)
        if (keys.insert(r.key).second) all.push_back(r);
    }
  }
  CHECK(skipped == 0);
  // The provider's 29 responses minus the TUI's title request, which no
  // rollout records: 28 (2 of them inside the .jsonl.zst of the second home).
  CHECK(api_of(all) == Api{178979, 99584, 11419, 28});
  for (const auto& r : all) {
    CHECK(r.key.rfind("req:resp_", 0) == 0);
    CHECK(r.model == "gpt-5-codex");
    CHECK(r.cwd == "/tmp/clown-capture-codex/work");
  }
}

TEST_CASE("codex: a thread resumed twice holds its three runs - the interrupted one adds nothing") {
  auto s = scan(sessions() / k_thread_487c);
  // simple 15055/9088/1297 + resume 7304/4096/1014; sigint-resume: no answer.
  CHECK(api_of(s.requests) == Api{15055 + 7304, 9088 + 4096, 1297 + 1014, 4});
  CHECK(s.thread_id == "01a225b6-487c-73c0-b147-90392e505074");
  CHECK(s.requests.at(0).key == "req:resp_24fa5948caa49e3295622493334f8719d9343773144dcde1");
  CHECK(s.requests.at(0).tokens == store::TokenCounts{6714 - 3840, 669, 0, 0, 3840, 0});
  CHECK(s.requests.at(0).ts_ms == 1795929033041);
  CHECK(s.requests.at(0).session_id == "01a225b6-487c-73c0-b147-90392e505074");
  CHECK_FALSE(s.requests.at(0).sidechain);
}

TEST_CASE("codex: without token_usage_record lines the cumulative totals give the same requests") {
  SECTION("re-emitted unchanged totals (an interrupted turn) count once") {
    auto s = parse_codex_rollout(without_records(sessions() / k_thread_487c), "t");
    CHECK(api_of(s.requests) == Api{15055 + 7304, 9088 + 4096, 1297 + 1014, 4});
    CHECK(s.requests.at(0).key.rfind("codex:01a225b6-487c-73c0-b147-90392e505074:", 0) == 0);
    CHECK(s.requests.at(0).model == "gpt-5-codex");
  }
  SECTION("a compaction's summary request counts; the context estimate after it does not") {
    auto with = scan(sessions() / k_compact);
    auto without = parse_codex_rollout(without_records(sessions() / k_compact), "t");
    CHECK(api_of(with.requests) == Api{43541, 21248, 1619, 6});
    CHECK(api_of(without.requests) == api_of(with.requests));
  }
  SECTION("a fork's totals start from its parent's: only its own two requests") {
    auto with = scan(capture() / k_fork);
    auto without = parse_codex_rollout(without_records(capture() / k_fork), "t");
    CHECK(api_of(with.requests) == Api{17332, 5120, 603, 2});
    CHECK(api_of(without.requests) == Api{17332, 5120, 603, 2});
  }
}

TEST_CASE("codex: a fork file that replays its parent's history counts only its own lines") {
  // An older layout: the fork's session_meta, then copies of the parent's
  // token_count lines (timestamped before the fork), then its own.
  const std::string meta =
      R"({"timestamp":"2026-11-29T06:00:10.000Z","type":"session_meta","payload":{"id":"fork-1","session_id":"fork-1",)"
      R"("timestamp":"2026-11-29T06:00:10.000Z","cwd":"/w","forked_from_id":"parent-1"}})"
      "\n";
  auto count = [](const char* ts, int64_t total_in, int64_t last_in) {
    return std::string(R"({"timestamp":")") + ts +
           R"(","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":)" +
           std::to_string(total_in) + R"(,"cached_input_tokens":0,"output_tokens":)" + std::to_string(total_in / 10) +
           R"(},"last_token_usage":{"input_tokens":)" + std::to_string(last_in) +
           R"(,"cached_input_tokens":0,"output_tokens":)" + std::to_string(last_in / 10) + "}}}}\n";
  };
  const std::string turn = R"({"timestamp":"2026-11-29T06:00:11.000Z","type":"turn_context","payload":{"model":"m"}})"
                           "\n";
  const std::string text = meta + count("2026-11-29T06:00:01.000Z", 1000, 1000) +
                           count("2026-11-29T06:00:02.000Z", 3000, 2000) + turn +
                           count("2026-11-29T06:00:12.000Z", 3500, 500) + count("2026-11-29T06:00:13.000Z", 3500, 500) +
                           count("2026-11-29T06:00:14.000Z", 4200, 700);
  auto s = parse_codex_rollout(text, "x");
  REQUIRE(s.requests.size() == 2);
  CHECK(s.requests[0].tokens.input == 500);
  CHECK(s.requests[0].tokens.output == 50);
  CHECK(s.requests[1].tokens.input == 700);
  CHECK(s.requests[1].model == "m");
  CHECK(s.thread_id == "fork-1");
}

TEST_CASE("codex: info null (interrupted before any usage) and failed runs hold no request") {
  int files = 0;
  for (const auto& f : list_codex_rollouts(capture())) {
    const std::string name = fs::path(f).filename().string();
    // sigint (its token_count has info: null), fail500, badkey
    if (name.find("01a225b7-28ed") == std::string::npos && name.find("01a225b6-ad98") == std::string::npos &&
        name.find("01a225b7-0e28") == std::string::npos)
      continue;
    ++files;
    auto s = scan(f);
    CHECK(s.requests.empty());
    CHECK(s.stats.skipped_lines == 0);
  }
  CHECK(files == 3);
}

TEST_CASE("codex: a subagent's requests belong to its root session") {
  auto s = scan(sessions() / "rollout-2026-11-29T05-10-37-01a225b6-58bf-7493-8e64-2eb0bd189f06.jsonl");
  REQUIRE(s.requests.size() == 2);
  for (const auto& r : s.requests) {
    CHECK(r.sidechain);
    CHECK(r.subagent == "01a225b6-58bf-7493-8e64-2eb0bd189f06");
    CHECK(r.session_id == "01a225b6-57e1-7960-850c-65ffa8aeddb2");
  }
}

TEST_CASE("codex: an idle rollout compressed to .jsonl.zst is read, and a plain sibling wins") {
  const auto zst_home = capture() / "zst";
  auto files = list_codex_rollouts(zst_home);
  REQUIRE(files.size() == 2);
  CHECK(files[0].ends_with(".jsonl.zst"));
  auto s = scan(files[0]);
  CHECK(api_of(s.requests) == Api{10269, 6272, 484, 2});
  CHECK(s.bytes_read < fs::file_size(files[0]) + 1);

  test::TempDir tmp;
  const auto day = tmp.path() / "sessions" / "2026" / "11" / "29";
  fs::create_directories(day);
  fs::copy_file(files[0], day / fs::path(files[0]).filename());
  fs::copy_file(files[0], day / fs::path(files[0]).filename().replace_extension(""));  // a stand-in plain file
  auto listed = list_codex_rollouts(tmp.path());
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].ends_with(".jsonl"));
}

TEST_CASE("codex: bad input is skipped and counted, never a crash or a silent zero") {
  const std::string record =
      R"({"timestamp":"2026-11-29T06:00:00.000Z","type":"token_usage_record","payload":{"thread_id":"t","session_id":"t",)"
      R"("response_id":"resp_1","usage":{"input_tokens":10,"cached_input_tokens":4,"output_tokens":3}}})";
  SECTION("invalid JSON, a negative count, a string count") {
    const std::string text =
        record + "\n" + R"({"timestamp":"x","type":"token_usage_record","payload":{"usage":{"input_tokens":)" + "\n" +
        R"({"timestamp":"2026-11-29T06:00:00.000Z","type":"token_usage_record","payload":{"response_id":"r2","usage":{"input_tokens":-1,"output_tokens":1}}})" +
        "\n" +
        R"({"timestamp":"2026-11-29T06:00:00.000Z","type":"token_usage_record","payload":{"response_id":"r3","usage":{"input_tokens":"5","output_tokens":1}}})" +
        "\n" + "\xff\xfe garbage\n";
    auto s = parse_codex_rollout(text, "t");
    REQUIRE(s.requests.size() == 1);
    CHECK(s.requests[0].tokens == store::TokenCounts{6, 3, 0, 0, 4, 0});
    CHECK(s.stats.skipped_lines == 4);  // the garbage line too
  }
  SECTION("a last line still being written is neither counted nor skipped") {
    auto s = parse_codex_rollout(record + "\n" + record.substr(0, 60), "t");
    CHECK(s.requests.size() == 1);
    CHECK(s.stats.skipped_lines == 0);
  }
  SECTION("a truncated .zst is an error naming the file") {
    test::TempDir tmp;
    const auto files = list_codex_rollouts(capture() / "zst");
    auto packed = read_file(files[0]);
    REQUIRE(packed);
    const auto cut = tmp.path() / "rollout-cut.jsonl.zst";
    std::ofstream(cut, std::ios::binary) << packed->substr(0, packed->size() / 2);
    auto s = scan_codex_rollout(cut);
    REQUIRE_FALSE(s);
    CHECK(s.error().message.find("rollout-cut.jsonl.zst") != std::string::npos);
    CHECK(s.error().message.find("truncated") != std::string::npos);
  }
}
