// Several first imports into a fresh CLOWN_HOME at once (processes, not
// threads), and an import that meets a database another process keeps
// locked: no failure for the first, and never the advice to discard a healthy
// database for the second (docs/accuracy.md#db-errors).
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <thread>

#include "tests/support/clown_home.hpp"

using namespace clown::test;

namespace {

std::string usage_line(int session, int n) {
  const std::string id = std::to_string(session) + "_" + std::to_string(n);
  nlohmann::json line = {{"type", "assistant"},
                         {"sessionId", "sess-" + std::to_string(session)},
                         {"timestamp", "2026-11-22T10:" + std::string(n < 10 ? "0" : "") + std::to_string(n) + ":00Z"},
                         {"requestId", "req_" + id},
                         {"cwd", "/w"},
                         {"message",
                          {{"id", "msg_" + id},
                           {"model", "claude-sonnet-4-5"},
                           {"usage",
                            {{"input_tokens", 100 + n},
                             {"output_tokens", 10},
                             {"cache_creation_input_tokens", 0},
                             {"cache_read_input_tokens", 0}}}}}};
  return line.dump() + "\n";
}

// 4 sessions of 50 requests: 200 requests, 4 * (50 * 100 + 1225) input tokens.
fs::path write_history(const ClownHome& h) {
  const auto claude = h.dir() / "claude";
  for (int s = 0; s < 4; ++s) {
    std::string text;
    for (int n = 0; n < 50; ++n) text += usage_line(s, n);
    write_text(claude / "projects" / "-w" / ("sess-" + std::to_string(s) + ".jsonl"), text);
  }
  return claude;
}

}  // namespace

TEST_CASE("concurrent first imports into a fresh store all succeed and count each request once", "[fault]") {
  ClownHome h;
  const auto claude = write_history(h);
  constexpr int k_importers = 8;
  std::vector<ProcessResult> results(k_importers);
  std::vector<std::thread> threads;
  for (int i = 0; i < k_importers; ++i)
    threads.emplace_back([&, i] {
      results[i] = h.clown({"usage", "import-claude", "--claude-dir", claude.string(), "--json"});
    });
  for (auto& t : threads) t.join();
  int64_t new_requests = 0;
  for (const auto& r : results) {
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("aside") == std::string::npos);
    if (r.exit_code == 0) new_requests += nlohmann::json::parse(r.out)["new_requests"].get<int64_t>();
  }
  CHECK(new_requests == 200);  // each request stored by exactly one importer
  auto usage = h.clown({"usage", "--json", "--period", "all"});
  REQUIRE(usage.exit_code == 0);
  const auto u = nlohmann::json::parse(usage.out);
  CHECK(u["total_requests"] == 200);
  CHECK(u["total_tokens"]["input_tokens"] == 4 * (50 * 100 + 1225));
  CHECK(u["total_tokens"]["output_tokens"] == 200 * 10);
}

TEST_CASE("an import that meets a locked database says to retry, names the holder and keeps the file", "[fault]") {
  ClownHome h;
  const auto claude = write_history(h);
  REQUIRE(h.clown({"usage", "import-claude", "--claude-dir", claude.string()}).exit_code == 0);
  write_text(claude / "projects" / "-w" / "sess-9.jsonl", usage_line(9, 1));
  {
    // This test process holds the write lock longer than clown's busy timeout.
    SQLite::Database db(h.paths().usage_db().string(), SQLite::OPEN_READWRITE);
    db.exec("BEGIN IMMEDIATE");
    auto r = h.clown({"usage", "import-claude", "--claude-dir", claude.string()},
                     {.env = {{"CLOWN_DB_BUSY_TIMEOUT_MS", "300"}}});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("database is locked") != std::string::npos);
    CHECK(r.err.find("another process is writing to the database (held by pid " + std::to_string(::getpid())) !=
          std::string::npos);
    CHECK(r.err.find("retry when it has finished (the database is fine: do not move it)\n") != std::string::npos);
    CHECK(r.err.find("aside") == std::string::npos);
    db.exec("ROLLBACK");
  }
  // Released: the retry stores the new request.
  auto again = h.clown({"usage", "import-claude", "--claude-dir", claude.string(), "--json"});
  REQUIRE(again.exit_code == 0);
  CHECK(nlohmann::json::parse(again.out)["new_requests"] == 1);
}
