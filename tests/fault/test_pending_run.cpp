// A run that ends while another process holds usage.db past the busy timeout
// keeps its attribution: its directory stays pending and the next import,
// `clown usage` or `clown run` stores its requests under its profile, never
// under claude-native (docs/accuracy.md#pending-runs).
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "tests/support/clown_home.hpp"

using namespace clown::test;

namespace {

std::string usage_line(const std::string& id, int64_t ts_ms, int input) {
  nlohmann::json line = {{"type", "assistant"},
                         {"sessionId", "sess-p"},
                         {"timestamp", clown::format_iso8601_ms(ts_ms)},
                         {"requestId", "req_" + id},
                         {"message",
                          {{"id", "msg_" + id},
                           {"model", "claude-sonnet-4-5"},
                           {"usage",
                            {{"input_tokens", input},
                             {"output_tokens", 10},
                             {"cache_creation_input_tokens", 0},
                             {"cache_read_input_tokens", 0}}}}}};
  return line.dump() + "\n";
}

// Ends one fake-agent run of profile `work` (provider self: its transcripts
// are in ~/.claude, where an import would call them claude-native) while this
// process holds usage.db's write lock.
ProcessResult run_while_locked(const ClownHome& h) {
  const auto src = h.dir() / "transcript.jsonl";
  const int64_t now = clown::now_ms();
  write_text(src, usage_line("a", now, 1000) + usage_line("b", now, 2000));
  SQLite::Database db(h.paths().usage_db().string(), SQLite::OPEN_READWRITE);
  db.exec("BEGIN IMMEDIATE");
  auto r = h.clown({"run", "work"}, {.env = {{"FAKE_AGENT_SESSION", "sess-p"},
                                             {"FAKE_AGENT_TRANSCRIPT_SRC", src.string()},
                                             {"CLOWN_DB_BUSY_TIMEOUT_MS", "300"}}});
  db.exec("ROLLBACK");
  return r;
}

void check_attributed(const ClownHome& h) {
  auto usage = h.clown({"usage", "--json", "--period", "all"});
  REQUIRE(usage.exit_code == 0);
  const auto u = nlohmann::json::parse(usage.out);
  CHECK(u["total_requests"] == 2);
  CHECK(u["total_tokens"]["input_tokens"] == 3000);
  CHECK(u["aggregates"]["by_profile"]["work"]["requests"] == 2);
  CHECK_FALSE(u["aggregates"]["by_profile"].contains("claude-native"));
  CHECK(fs::is_empty(h.root() / "telemetry" / "runs"));
  const auto lines = h.session_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["profile"] == "work");
  CHECK(lines[0]["requests"] == 2);
  CHECK(lines[0]["exit_code"] == 0);  // what the launcher saw, kept while pending
  CHECK_FALSE(lines[0].contains("telemetry_error"));
}

void make_home(const ClownHome& h) {
  REQUIRE(h.clown({"profiles", "create", "work", "--provider", "self", "--agent-bin", fake_agent_binary().string()})
              .exit_code == 0);
  REQUIRE(h.clown({"usage", "import-claude"}).exit_code == 0);  // creates usage.db
  REQUIRE(fs::exists(h.paths().usage_db()));
}

void check_pending(const ClownHome& h, const ProcessResult& r) {
  CHECK(r.exit_code == 0);  // the agent's exit code
  INFO(r.err);
  CHECK(r.err.find("database is locked") != std::string::npos);
  CHECK(r.err.find("stays pending in " + (h.root() / "telemetry" / "runs").string()) != std::string::npos);
  CHECK(r.err.find("stored under profile 'work' by the next `clown run`, `clown usage` or import") !=
        std::string::npos);
  CHECK(r.err.find("aside") == std::string::npos);
  CHECK_FALSE(fs::exists(h.root() / "telemetry" / "sessions.jsonl"));
  size_t pending = 0;
  for (const auto& dir : fs::directory_iterator(h.root() / "telemetry" / "runs"))
    pending += fs::exists(dir.path() / "pending.json") && fs::exists(dir.path() / "hooks.jsonl");
  CHECK(pending == 1);
}

}  // namespace

TEST_CASE("a run that cannot store its requests stays pending and clown usage stores them under its profile",
          "[fault]") {
  ClownHome h;
  make_home(h);
  check_pending(h, run_while_locked(h));
  check_attributed(h);  // `clown usage` finishes the pending run first
}

TEST_CASE("an import after a pending run stores the run's requests under its profile first", "[fault]") {
  ClownHome h;
  make_home(h);
  check_pending(h, run_while_locked(h));
  // The import reads ~/.claude too: without the pending run these would be claude-native.
  auto r = h.clown({"usage", "import-claude", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["new_requests"] == 0);
  check_attributed(h);
}
