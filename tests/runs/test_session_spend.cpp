#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "runs/session_spend.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;

namespace {

// A usage line shaped like Claude Code 2.1.x's (tests/ingest/test_transcript_parser.cpp).
std::string line(const std::string& msg, int64_t in, int64_t out, const std::string& ts) {
  return R"({"type":"assistant","sessionId":"sess","timestamp":")" + ts + R"(","requestId":"r-)" + msg +
         R"(","cwd":"/w","message":{"id":")" + msg +
         R"(","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":)" +
         std::to_string(in) + R"(,"output_tokens":)" + std::to_string(out) +
         R"(,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}
)";
}

void append(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::app | std::ios::binary) << text;
}

nlohmann::json state(const Paths& paths) {
  return nlohmann::json::parse(test::read_text(paths.telemetry_dir() / "statusline" / "sessions" / "sess.json"));
}

}  // namespace

TEST_CASE("session spend: read incrementally from the transcript's tail, each request once, priced like the store",
          "[statusline]") {
  test::TempDir dir;
  Paths paths{dir.path() / "home"};
  const auto transcript = dir.path() / "sess.jsonl";
  // claude-sonnet-4-5 (bundled prices): $3 per million input tokens, $15 per million output.
  append(transcript, line("m1", 100000, 0, "2026-11-29T09:00:00.000Z"));
  auto spend = runs::read_session_spend(paths, "sess", transcript.string());
  REQUIRE(spend);
  CHECK(spend->total == Approx(0.30).epsilon(1e-12));
  REQUIRE(spend->requests.size() == 1);
  CHECK(spend->requests[0].first == *parse_iso8601_ms("2026-11-29T09:00:00Z"));
  CHECK(state(paths)["offset"] == fs::file_size(transcript));
  CHECK(state(paths)["prices"].contains("claude-sonnet-4-5"));

  // A streaming partial, then the full copy of the same request: counted once, the larger.
  append(transcript, line("m2", 0, 5000, "2026-11-29T09:10:00.000Z"));
  CHECK(runs::read_session_spend(paths, "sess", transcript.string())->total == Approx(0.375).epsilon(1e-12));
  append(transcript, line("m2", 0, 10000, "2026-11-29T09:10:00.000Z"));
  spend = runs::read_session_spend(paths, "sess", transcript.string());
  CHECK(spend->total == Approx(0.45).epsilon(1e-12));
  CHECK(spend->requests.size() == 2);
  CHECK(spend->since(*parse_iso8601_ms("2026-11-29T09:05:00Z")) == Approx(0.15).epsilon(1e-12));

  // Bad lines (truncated JSON, invalid UTF-8) are skipped; nothing changes.
  append(transcript, "{\"type\":\"assistant\",\"message\":{\"usage\":{\"input_tok\n\xff\xfe garbage\n");
  CHECK(runs::read_session_spend(paths, "sess", transcript.string())->total == Approx(0.45).epsilon(1e-12));
  CHECK(state(paths)["offset"] == fs::file_size(transcript));

  // A transcript rewritten shorter is read again from its start.
  test::write_text(transcript, line("m3", 0, 1000, "2026-11-29T09:20:00.000Z"));
  spend = runs::read_session_spend(paths, "sess", transcript.string());
  CHECK(spend->total == Approx(0.015).epsilon(1e-12));
  CHECK(spend->requests.size() == 1);

  // A long session: the older requests are summed per quarter hour, the
  // state stays small, and the spend since an aligned time stays exact.
  std::string many;
  const int64_t t0 = *parse_iso8601_ms("2026-11-29T10:00:00Z");
  for (int i = 0; i < 300; ++i) many += line("n" + std::to_string(i), 0, 1000, format_iso8601_ms(t0 + i * 60000));
  append(transcript, many);
  spend = runs::read_session_spend(paths, "sess", transcript.string());
  CHECK(spend->total == Approx(0.015 * 301).epsilon(1e-9));
  CHECK(spend->since(t0 + 15 * 60000) == Approx(0.015 * 285).epsilon(1e-9));
  CHECK(spend->since(t0 + 285 * 60000) == Approx(0.015 * 15).epsilon(1e-9));
  CHECK(state(paths)["recent"].size() == 256);
  // The 45 evicted (m3 at 09:20, then 10:00 to 10:43) in 09:15, 10:00, 10:15 and 10:30.
  CHECK(state(paths)["older"].size() == 4);

  // No transcript: an error (the statusline falls back to Claude Code's estimate).
  auto missing = runs::read_session_spend(paths, "sess", (dir.path() / "nope.jsonl").string());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "cannot read " + (dir.path() / "nope.jsonl").string());
}
