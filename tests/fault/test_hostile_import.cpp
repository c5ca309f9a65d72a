// Importing through the API from trees built to escape (docs/security.md#import):
// links out of the given config dir are not followed, other users' dirs are
// refused, and only *.jsonl transcripts are read.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/webui/daemon_fixture.hpp"

namespace fs = std::filesystem;
using clown::test::DaemonFixture;
using clown::test::write_text;
using nlohmann::json;

namespace {

std::string usage_line(const std::string& id) {
  return json{{"type", "assistant"},
              {"sessionId", "s-" + id},
              {"timestamp", "2026-11-20T10:00:00.000Z"},
              {"requestId", "req_" + id},
              {"cwd", "/tmp/p"},
              {"message",
               {{"id", "msg_" + id},
                {"model", "claude-sonnet-4-5"},
                {"usage",
                 {{"input_tokens", 10},
                  {"output_tokens", 20},
                  {"cache_creation_input_tokens", 0},
                  {"cache_read_input_tokens", 0}}}}}}
             .dump() +
         "\n";
}

json import_dir(const DaemonFixture& d, const fs::path& dir) {
  auto res = d.post("/api/usage/import-claude", json{{"claude_dir", dir.string()}}.dump());
  REQUIRE(res);
  INFO(res->body);
  return json::parse(res->body);
}

}  // namespace

TEST_CASE("import from the API follows no link out of the given tree", "[fault][import]") {
  DaemonFixture d;
  REQUIRE(d.start().exit_code == 0);
  const fs::path outside = d.tmp.path() / "outside";
  write_text(outside / "-foreign" / "f.jsonl", usage_line("foreign"));
  write_text(outside / "secret.jsonl", usage_line("secret"));

  SECTION("projects/ links to / or to another directory") {
    for (const fs::path& target : {fs::path("/"), outside}) {
      const fs::path dir = d.tmp.path() / ("claude-" + std::to_string(target.string().size()));
      fs::create_directories(dir);
      fs::create_directory_symlink(target, dir / "projects");
      auto r = import_dir(d, dir);
      REQUIRE(r["success"] == true);
      CHECK(r["data"]["files_seen"] == 0);
      CHECK(r["data"]["new_requests"] == 0);
      CHECK(r["data"]["warnings"] == json::array({"skipped " + (dir / "projects").string() + ": a link to " +
                                                  target.string() + ", outside " + dir.string()}));
    }
  }
  SECTION("a transcript linking out is skipped; files that are not *.jsonl are not read") {
    const fs::path dir = d.tmp.path() / "claude";
    write_text(dir / "projects" / "-p" / "own.jsonl", usage_line("own"));
    write_text(dir / "projects" / "-p" / "notes.txt", usage_line("txt"));
    write_text(dir / "projects" / "-p" / "own.jsonl.bak", usage_line("bak"));
    fs::create_symlink(outside / "secret.jsonl", dir / "projects" / "-p" / "link.jsonl");
    fs::create_directory_symlink(outside, dir / "projects" / "-linked-dir");
    auto r = import_dir(d, dir);
    REQUIRE(r["success"] == true);
    CHECK(r["data"]["files_seen"] == 1);
    CHECK(r["data"]["new_requests"] == 1);
    CHECK(r["data"]["warnings"] ==
          json::array({"skipped " + (dir / "projects" / "-p" / "link.jsonl").string() + ": a link to " +
                       (outside / "secret.jsonl").string() + ", outside " + dir.string()}));
  }
  CHECK(d.get_json("/api/usage?period=all")["data"]["total_requests"] == (fs::exists(d.tmp.path() / "claude") ? 1 : 0));
}

TEST_CASE("import from the API refuses a directory another user owns", "[fault][import]") {
  INFO("giving the tree to uid 65534 needs root");
  REQUIRE(::geteuid() == 0);
  DaemonFixture d;
  REQUIRE(d.start().exit_code == 0);
  const fs::path dir = d.tmp.path() / "theirs";
  write_text(dir / "projects" / "-p" / "t.jsonl", usage_line("theirs"));
  // First the directory, then only its projects/, belongs to uid 65534.
  for (const auto& p : {dir, dir / "projects"}) {
    REQUIRE(::chown(p.c_str(), 65534, 65534) == 0);
    auto r = import_dir(d, dir);
    CHECK(r["success"] == false);
    CHECK(r["error"]["message"] == "'" + p.string() + "' is owned by uid 65534, not by the daemon's user (uid 0); " +
                                       "the API imports only your own Claude config directories");
    REQUIRE(::chown(p.c_str(), 0, 0) == 0);
  }
  CHECK(d.get_json("/api/usage?period=all")["data"]["total_requests"] == 0);
}
