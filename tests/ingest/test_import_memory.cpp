// Importing one huge transcript stays within 64 MiB (issue 11 item 12,
// docs/accuracy.md#memory): the child's peak RSS is read from wait4's rusage.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "bench/big_transcript.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Measured {
  int exit_code = -1;
  int64_t max_rss_kib = 0;
  json out;
};

Measured run_measured(const fs::path& home, const std::vector<std::string>& args, const fs::path& out) {
  std::vector<std::string> argv{test::clown_binary().string(), "usage"};
  argv.insert(argv.end(), args.begin(), args.end());
  test::SpawnOptions o;
  o.env["CLOWN_HOME"] = home.string();
  o.env["HOME"] = (home / "no-such-home").string();
  o.env["CLAUDE_CONFIG_DIR"] = std::nullopt;
  o.out = out;
  const pid_t pid = test::spawn_process(argv, o);
  int status = 0;
  rusage ru{};
  REQUIRE(::wait4(pid, &status, 0, &ru) == pid);
  Measured m;
  m.exit_code = test::decode_status(status);
  m.max_rss_kib = ru.ru_maxrss;  // KiB on Linux
  m.out = json::parse(test::read_text(out));
  return m;
}

}  // namespace

TEST_CASE("import: one transcript of 200k requests is imported exactly within 64 MiB", "[import-memory]") {
  test::TempDir tmp;
  const auto claude = tmp.path() / "claude";
  const auto home = tmp.path() / "home";
  const auto totals = bench::write_big_transcript(claude, 200000);
  REQUIRE(totals.bytes > 100'000'000);

  auto import = run_measured(home, {"import-claude", "--claude-dir", claude.string(), "--json"}, tmp.path() / "i.json");
  REQUIRE(import.exit_code == 0);
  CHECK(import.out["files_read"] == 1);
  CHECK(import.out["new_requests"] == totals.requests);
  CHECK(import.out["duplicates"] == totals.usage_lines - totals.requests);
  CHECK(import.out["skipped_lines"] == totals.skipped_lines);
  CHECK(import.out["bytes_read"] == totals.bytes);
  CHECK(import.max_rss_kib <= 64 * 1024);

  auto usage = run_measured(home, {"--period", "all", "--json"}, tmp.path() / "u.json");
  REQUIRE(usage.exit_code == 0);
  CHECK(usage.out["total_requests"] == totals.requests);
  const auto& t = usage.out["total_tokens"];
  CHECK(t["input_tokens"] == totals.tokens.input);
  CHECK(t["output_tokens"] == totals.tokens.output);
  CHECK(t["cache_creation_input_tokens"] == totals.tokens.cache_creation());
  CHECK(t["cache_read_input_tokens"] == totals.tokens.cache_read);

  // The cursor is at the end: nothing is read again.
  auto again = run_measured(home, {"import-claude", "--claude-dir", claude.string(), "--json"}, tmp.path() / "a.json");
  REQUIRE(again.exit_code == 0);
  CHECK(again.out["files_read"] == 0);
  CHECK(again.out["new_requests"] == 0);
}

TEST_CASE("import: the report cache is current after an import and equals a full rebuild", "[import-memory]") {
  test::TempDir tmp;
  const auto claude = tmp.path() / "claude";
  const auto home = tmp.path() / "home";
  const auto totals = bench::write_big_transcript(claude, 30000);  // over the 20,000 a report aggregates directly
  auto import = run_measured(home, {"import-claude", "--claude-dir", claude.string(), "--json"}, tmp.path() / "i.json");
  REQUIRE(import.exit_code == 0);
  REQUIRE(import.out["new_requests"] == totals.requests);

  // The import saved the rollup: the first report reads it, it does not
  // rebuild it (a rebuild replaces the file: another inode).
  const auto cache = home / "telemetry" / "report-cache.bin";
  REQUIRE(fs::exists(cache));
  struct stat before {};
  REQUIRE(::stat(cache.c_str(), &before) == 0);
  const std::vector<std::string> report{"--period", "all", "--json", "--timezone", "UTC"};
  auto from_cache = run_measured(home, report, tmp.path() / "r1.json");
  REQUIRE(from_cache.exit_code == 0);
  struct stat after {};
  REQUIRE(::stat(cache.c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);
  CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
  CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
  CHECK(from_cache.out["total_requests"] == totals.requests);
  CHECK(from_cache.out["total_tokens"]["output_tokens"] == totals.tokens.output);

  // A full rebuild gives the same report, to the last digit.
  fs::remove(cache);
  auto rebuilt = run_measured(home, report, tmp.path() / "r2.json");
  REQUIRE(rebuilt.exit_code == 0);
  CHECK(fs::exists(cache));
  CHECK(rebuilt.out == from_cache.out);
}
