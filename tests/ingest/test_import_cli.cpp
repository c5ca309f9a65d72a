// `clown usage import-claude` as a user runs it, and live usage of runs in progress.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "bench/corpus.hpp"
#include "common/time.hpp"
#include "runs/active_runs.hpp"
#include "runs/run_record.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::runs;
using nlohmann::json;

namespace {

std::string line(const std::string& msg, int64_t in, int64_t out, const std::string& ts) {
  return R"({"type":"assistant","sessionId":"s1","timestamp":")" + ts + R"(","requestId":"req_)" + msg +
         R"(","cwd":"/w","message":{"id":")" + msg +
         R"(","model":"claude-sonnet-4-5","content":[{"type":"text","text":"x"}],"usage":{"input_tokens":)" +
         std::to_string(in) + R"(,"output_tokens":)" + std::to_string(out) +
         R"(,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}})"
         "\n";
}

// `clown ARGS` with its own home, out of reach of the real ~/.claude.
test::ProcessResult run_clown(const fs::path& home, std::vector<std::string> args) {
  std::vector<std::string> argv{test::clown_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  test::ProcessOptions o;
  o.env["CLOWN_HOME"] = home.string();
  o.env["HOME"] = (home / "no-such-home").string();  // default dirs must not reach the real ~/.claude
  o.env["CLAUDE_CONFIG_DIR"] = std::nullopt;
  o.env["NO_COLOR"] = "1";
  return test::run_process(argv, o);
}

test::ProcessResult clown_import(const fs::path& home, std::vector<std::string> args) {
  args.insert(args.begin(), {"usage", "import-claude"});
  return run_clown(home, std::move(args));
}

}  // namespace

TEST_CASE("cli: import-claude --json prints the summary and is idempotent", "[import-cli]") {
  test::TempDir tmp;
  auto claude = tmp.path() / "claude";
  test::write_text(claude / "projects" / "-w" / "s1.jsonl",
                   line("m1", 10, 20, "2026-11-22T10:00:00Z") + line("m1", 10, 20, "2026-11-22T10:00:00Z") +
                       "{garbage\n" + line("m2", 1, 2, "2026-11-22T10:01:00Z"));
  auto r = clown_import(tmp.path() / "home", {"--claude-dir", claude.string(), "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  auto j = json::parse(r.out);
  CHECK(j["files_seen"] == 1);
  CHECK(j["files_read"] == 1);
  CHECK(j["new_requests"] == 2);
  CHECK(j["duplicates"] == 1);
  CHECK(j["skipped_lines"] == 1);

  auto again = clown_import(tmp.path() / "home", {"--claude-dir", claude.string(), "--json"});
  REQUIRE(again.exit_code == 0);
  auto j2 = json::parse(again.out);
  CHECK(j2["files_read"] == 0);
  CHECK(j2["new_requests"] == 0);
}

TEST_CASE("cli: requests of 2^63-1 tokens are unreadable lines and leave the totals exact", "[import-cli]") {
  // Two such requests used to wrap the stored sum (docs/accuracy.md#token-range).
  test::TempDir tmp;
  auto claude = tmp.path() / "claude";
  test::write_text(claude / "projects" / "-w" / "s1.jsonl", line("m1", INT64_MAX, 1, "2026-11-22T10:00:00Z") +
                                                                line("m2", INT64_MAX, 1, "2026-11-22T10:01:00Z") +
                                                                line("m3", 1000, 100, "2026-11-22T10:02:00Z"));
  auto r = clown_import(tmp.path() / "home", {"--claude-dir", claude.string(), "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(j["new_requests"] == 1);
  CHECK(j["skipped_lines"] == 2);
  r = clown_import(tmp.path() / "home", {"--claude-dir", claude.string()});
  CHECK(r.out.find("unreadable lines skipped: 0") != std::string::npos);  // already read: nothing new

  test::ProcessOptions o;
  o.env["CLOWN_HOME"] = (tmp.path() / "home").string();
  o.env["HOME"] = (tmp.path() / "home" / "no-such-home").string();
  o.env["NO_COLOR"] = "1";
  auto usage = test::run_process({test::clown_binary().string(), "usage", "--json", "--period", "all"}, o);
  REQUIRE(usage.exit_code == 0);
  auto u = json::parse(usage.out);
  CHECK(u["total_requests"] == 1);
  CHECK(u["total_tokens"]["input_tokens"] == 1000);
  CHECK(u["total_tokens"]["output_tokens"] == 100);
  // claude-sonnet-4-5 in the bundled snapshot: $3 / $15 per million.
  CHECK(u["total_cost"]["total_cost"].get<double>() == Approx(1000 * 3e-06 + 100 * 1.5e-05).epsilon(1e-12));
}

TEST_CASE("cli: import-claude human summary", "[import-cli]") {
  test::TempDir tmp;
  auto claude = tmp.path() / "claude";
  test::write_text(claude / "projects" / "-w" / "s1.jsonl", line("m1", 10, 20, "2026-11-22T10:00:00Z"));
  auto r = clown_import(tmp.path() / "home", {"--claude-dir", claude.string()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Imported 1 new request from 1 of 1 transcript files") == 0);
  CHECK(r.out.find("duplicates skipped:       0") != std::string::npos);
  CHECK(r.out.find("unreadable lines skipped: 0") != std::string::npos);
  CHECK(r.out.find("\x1b[") == std::string::npos);
  CHECK(r.err.empty());  // no progress bar when stderr is not a terminal
}

TEST_CASE("cli: import-claude with a missing dir fails with one clear line and exit code 2", "[import-cli]") {
  test::TempDir tmp;
  auto r = clown_import(tmp.path() / "home", {"--claude-dir", (tmp.path() / "nope").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "clown: error: Claude config dir " + (tmp.path() / "nope").string() +
                     " does not exist; pass the folder that holds projects/ (e.g. ~/.claude)\n");
}

TEST_CASE("cli: import-claude with no Claude dirs at all imports nothing", "[import-cli]") {
  test::TempDir tmp;
  auto r = clown_import(tmp.path() / "home", {"--json"});
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(j["files_seen"] == 0);
  CHECK(j["new_requests"] == 0);
}

TEST_CASE("active runs: live tokens of runs whose launcher is alive, nothing stored", "[active]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  auto transcript = tmp.path() / "config" / "projects" / "-w" / "s1.jsonl";
  const int64_t start = now_ms();
  test::write_text(transcript, line("old", 500, 500, format_iso8601_ms(start - 3600000)) +  // before the run
                                   line("m1", 10, 20, format_iso8601_ms(start + 1000)) +
                                   line("m2", 1, 2, format_iso8601_ms(start + 2000)));
  RunInfo live;
  live.run_id = "live1";
  live.profile = "work";
  live.agent_id = "claude";
  live.provider_id = "anthropic";
  live.started_ms = start;
  live.launcher_pid = static_cast<int>(::getpid());
  auto lock = write_run_start(paths, live);
  REQUIRE(lock);
  REQUIRE(record_hook_event(paths, "live1", "session-start",
                            json{{"session_id", "s1"}, {"transcript_path", transcript.string()}}.dump()));

  // A run whose launcher is gone is not active (recover_abandoned_runs finishes it).
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  RunInfo dead = live;
  dead.run_id = "dead1";
  dead.launcher_pid = static_cast<int>(child);
  auto lock2 = write_run_start(paths, dead);
  REQUIRE(lock2);

  auto runs = active_runs_json(paths);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0]["run_id"] == "live1");
  CHECK(runs[0]["profile"] == "work");
  CHECK(runs[0]["requests"] == 2);
  CHECK(runs[0]["tokens"]["input_tokens"] == 11);
  CHECK(runs[0]["tokens"]["output_tokens"] == 22);
  CHECK(runs[0]["session_ids"] == json::array({"s1"}));
  CHECK(runs[0]["cost"]["total_cost"].get<double>() == Approx(11 * 3e-6 + 22 * 15e-6).epsilon(1e-9));
  CHECK(!fs::exists(paths.usage_db()));
}

TEST_CASE("cli: a cold import killed between its two commits lost nothing, and the next import builds its indexes",
          "[import-cli]") {
  // A cold import commits its rows and cursors, then builds the time, session
  // and status-line indexes in a second transaction (docs/accuracy.md#bulk-load).
  test::TempDir tmp;
  const auto home = tmp.path() / "home";
  const auto claude = tmp.path() / "claude";
  bench::CorpusSpec spec;
  spec.files = 40;
  spec.scale = 0.03;
  spec.seed = 11;
  const auto known = bench::generate_corpus(claude, spec);
  REQUIRE(clown_import(home, {"--claude-dir", claude.string(), "--json"}).exit_code == 0);
  auto report = [&] {
    auto r = run_clown(home, {"usage", "--period", "all", "--json"});
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  };
  const auto complete = report();
  CHECK(complete["total_requests"] == known.requests);
  CHECK(complete["total_tokens"]["output_tokens"] == known.tokens.output);
  auto request_indexes = [&] {
    SQLite::Database db((home / "telemetry" / "usage.db").string(), SQLite::OPEN_READONLY);
    return db
        .execAndGet(
            "SELECT count(*) FROM sqlite_master WHERE type='index' AND name IN ('requests_ts_profile_cost', "
            "'requests_session')")
        .getInt();
  };
  CHECK(request_indexes() == 2);
  // What a kill between the two commits leaves: every row and cursor, none
  // of those indexes (and no report cache, which is saved after them).
  {
    SQLite::Database db((home / "telemetry" / "usage.db").string(), SQLite::OPEN_READWRITE);
    db.exec("DROP INDEX requests_ts_profile_cost; DROP INDEX requests_session;");
  }
  fs::remove(home / "telemetry" / "report-cache.bin");
  CHECK(request_indexes() == 0);
  CHECK(report() == complete);  // reports need no index to be right
  auto again = clown_import(home, {"--claude-dir", claude.string(), "--json"});
  REQUIRE(again.exit_code == 0);
  CHECK(json::parse(again.out)["new_requests"] == 0);
  CHECK(json::parse(again.out)["files_read"] == 0);
  CHECK(request_indexes() == 2);
  CHECK(report() == complete);
}
