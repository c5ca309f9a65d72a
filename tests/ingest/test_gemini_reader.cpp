// The Gemini CLI reader on the real 0.61.0 captures and the synthetic file
// (tests/data/gemini/README.md holds the provider's numbers).
#include <catch2/catch.hpp>

#include <set>

#include "common/file_io.hpp"
#include "ingest/gemini_reader.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::ingest;
namespace fs = std::filesystem;

namespace {

fs::path data() { return test::source_dir() / "tests" / "data" / "gemini"; }
fs::path chats() { return data() / "0.61.0" / "chats"; }

// usageMetadata's view: prompt (cached included), cached, candidates +
// thoughts, tool, total.
struct Usage {
  int64_t prompt = 0, cached = 0, output = 0, total = 0, requests = 0;
  bool operator==(const Usage&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Usage& u) {
  return os << "{" << u.prompt << ", " << u.cached << ", " << u.output << ", " << u.total << ", " << u.requests << "}";
}

Usage usage_of(const std::vector<store::RequestUsage>& requests) {
  Usage u;
  for (const auto& r : requests) {
    u.prompt += r.tokens.input + r.tokens.cache_read;
    u.cached += r.tokens.cache_read;
    u.output += r.tokens.output;
    u.total += r.tokens.total();
    ++u.requests;
  }
  return u;
}

GeminiChatScan scan(const GeminiChatFile& f) {
  auto s = scan_gemini_chat(f);
  REQUIRE(s);
  return *s;
}

// Every chat file of the capture (its home was <dir>/.gemini/tmp/work/chats).
std::vector<GeminiChatFile> capture_files() {
  std::vector<GeminiChatFile> out;
  for (const auto& e : fs::recursive_directory_iterator(chats()))
    if (e.is_regular_file()) out.push_back(gemini_chat_file(e.path()));
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.path < b.path; });
  return out;
}

}  // namespace

TEST_CASE("gemini: all chat files together hold every main and subagent request once") {
  std::vector<store::RequestUsage> all;
  std::set<std::string> keys;
  for (const auto& f : capture_files()) {
    auto s = scan(f);
    CHECK(s.stats.skipped_lines == 0);
    for (auto& r : s.requests)
      if (keys.insert(r.key).second) all.push_back(r);
  }
  // 14 messages: input 216594 (cached 84901 of them), output 3165 + thoughts
  // 3853, tool 522, total 224134. Tool-use prompt tokens are input.
  CHECK(usage_of(all) == Usage{216594 + 522, 84901, 3165 + 3853, 224134, 14});
}

TEST_CASE("gemini: a record appended again (tokens, then toolCalls) is one request, the last copy wins") {
  auto s = scan(gemini_chat_file(chats() / "session-2026-11-29T05-13-5e55a001.jsonl"));
  // simple (2 answers) + its resume a minute later (1, appended here; the
  // resume's own stub file holds none). The tool-call answer is written twice,
  // and the resume re-writes the history with $set.messages.
  CHECK(s.requests.size() == 3);
  CHECK(s.stats.duplicates == 3);
  const auto& first = s.requests.at(0);
  CHECK(first.key == "msg:e207d5a3-3316-4a64-a4c0-38e371d96a21");
  // cached ⊂ input: input 12714 with 3235 cached, tool 15, output 154 + thoughts 421.
  CHECK(first.tokens == store::TokenCounts{12714 - 3235 + 15, 154 + 421, 0, 0, 3235, 0});
  CHECK(first.tokens.total() == 13304);
  CHECK(first.model == "gemini-2.5-pro");
  CHECK(first.session_id == "5e55a001-0001-4000-8000-00000000c10e");
  CHECK(first.ts_ms == 1795929193924);
  CHECK(s.session_id == "5e55a001-0001-4000-8000-00000000c10e");
}

TEST_CASE("gemini: a subagent's file belongs to its parent session") {
  auto s = scan(gemini_chat_file(chats() / "9d607097-747f-497c-9e35-d02c952e5e96" /
                                 "e0979020-0b8c-4563-86ea-fde5b00b62f5.jsonl"));
  REQUIRE(s.requests.size() == 2);
  for (const auto& r : s.requests) {
    CHECK(r.sidechain);
    CHECK(r.session_id == "9d607097-747f-497c-9e35-d02c952e5e96");
    CHECK(r.subagent == "e0979020-0b8c-4563-86ea-fde5b00b62f5");
  }
}

TEST_CASE("gemini: rewound and compressed-away answers were billed and count") {
  GeminiChatFile f{(data() / "synthetic" / "session-2026-11-29T06-00-5a5a0001.jsonl").string(), "", "/w"};
  auto s = scan(f);
  // input 10000, cached 2200, output 100, thoughts 12, tool 1, total 10113.
  CHECK(usage_of(s.requests) == Usage{10000 + 1, 2200, 100 + 12, 10113, 4});
  CHECK(s.requests.at(0).cwd == "/w");
  std::set<std::string> models;
  for (const auto& r : s.requests) models.insert(r.model);
  CHECK(models == std::set<std::string>{"gemini-2.5-pro", "gemini-2.5-flash"});
}

TEST_CASE("gemini: the project directory comes from projects.json") {
  test::TempDir tmp;
  const auto dir = tmp.path() / ".gemini" / "tmp" / "work" / "chats";
  fs::create_directories(dir / "9d607097-747f-497c-9e35-d02c952e5e96");
  fs::copy_file(data() / "0.61.0" / "projects.json", tmp.path() / ".gemini" / "projects.json");
  fs::copy_file(chats() / "session-2026-11-29T05-13-9d607097.jsonl", dir / "session-2026-11-29T05-13-9d607097.jsonl");
  fs::copy_file(chats() / "9d607097-747f-497c-9e35-d02c952e5e96" / "e0979020-0b8c-4563-86ea-fde5b00b62f5.jsonl",
                dir / "9d607097-747f-497c-9e35-d02c952e5e96" / "e0979020-0b8c-4563-86ea-fde5b00b62f5.jsonl");
  auto files = list_gemini_chats(tmp.path());
  REQUIRE(files.size() == 2);
  CHECK(files[0].parent_session == "9d607097-747f-497c-9e35-d02c952e5e96");
  CHECK(files[1].parent_session.empty());
  for (const auto& f : files) CHECK(f.cwd == "/tmp/clown-capture-gemini/work");
  auto hooked = gemini_chat_file(files[0].path);
  CHECK(hooked.parent_session == files[0].parent_session);
  CHECK(hooked.cwd == files[0].cwd);
}

TEST_CASE("gemini: the interactive run's session summary is only in telemetry") {
  auto text = read_file(data() / "0.61.0" / "telemetry-interactive.json");
  REQUIRE(text);
  ParseStats stats;
  auto utility = parse_gemini_utility_requests(*text, stats);
  REQUIRE(utility.size() == 1);
  const auto& r = utility[0];
  CHECK(r.model == "gemini-3.5-flash-lite");
  CHECK(r.query_source == "utility_summarizer");
  CHECK(r.session_id == "5adc7978-b4a8-4d6f-88d1-a3cf6605d20c");
  // promptTokenCount 15979 (11807 cached), candidates 135, thoughts 688, tool 9, total 16811.
  CHECK(r.tokens == store::TokenCounts{15979 - 11807 + 9, 135 + 688, 0, 0, 11807, 0});
  CHECK(r.tokens.total() == 16811);
  CHECK(r.key ==
        "gemini-utility:5adc7978-b4a8-4d6f-88d1-a3cf6605d20c:session-summary-generation:"
        "2026-11-29T05:13:21.212Z");
  CHECK(stats.skipped_lines == 0);
}

TEST_CASE("gemini: bad input is skipped and counted") {
  GeminiChatFile f{"session-x.jsonl", "", ""};
  const std::string good =
      R"({"id":"a","timestamp":"2026-11-29T06:00:00.000Z","type":"gemini","tokens":{"input":10,"cached":4,"output":2},"model":"m"})";
  const std::string text =
      good + "\n" + R"({"id":"b","type":"gemini","tokens":{"input":)" + "\n" +
      R"({"id":"c","timestamp":"2026-11-29T06:00:00.000Z","type":"gemini","tokens":{"input":-3}})" + "\n" +
      R"({"id":"d","timestamp":"nope","type":"gemini","tokens":{"input":1}})" + "\n" +
      R"({"id":"e","type":"gemini","tokens":null})" + "\n" + good.substr(0, 30);
  auto s = parse_gemini_chat(text, f);
  REQUIRE(s.requests.size() == 1);
  CHECK(s.requests[0].tokens == store::TokenCounts{6, 2, 0, 0, 4, 0});
  CHECK(s.stats.skipped_lines == 3);
  CHECK(s.session_id == "session-x");
}
