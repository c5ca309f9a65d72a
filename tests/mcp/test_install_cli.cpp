// `clown mcp install` writes what `claude mcp add -s user clown -e
// CLOWN_HOME=… -- <clown> mcp` writes (read from Claude Code 2.1.328).
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/clown_home.hpp"

using namespace clown;
using ordered = nlohmann::ordered_json;

namespace {

ordered entry(const test::ClownHome& home) {
  return {{"type", "stdio"},
          {"command", test::clown_binary().string()},
          {"args", {"mcp"}},
          {"env", {{"CLOWN_HOME", home.root().string()}}}};
}

unsigned mode_of(const test::fs::path& file) {
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("mcp install: --claude-dir adds the user-scope server and keeps every other key", "[mcp][cli]") {
  test::ClownHome home;
  const auto dir = home.dir() / "claude-config";
  test::fs::create_directories(dir);
  test::write_text(dir / ".claude.json", R"({"zeta":1,"mcpServers":{"other":{"type":"stdio","command":"x"}},"a":2})");
  auto r = home.clown({"mcp", "install", "--claude-dir", dir.string()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "Added MCP server 'clown' in " + (dir / ".claude.json").string() +
                     " (user scope: Claude Code lists it in `claude mcp list`)\n");
  ordered expected = ordered::parse(R"({"zeta":1,"mcpServers":{"other":{"type":"stdio","command":"x"}},"a":2})");
  expected["mcpServers"]["clown"] = entry(home);
  CHECK(test::read_text(dir / ".claude.json") == expected.dump(2) + "\n");
  CHECK(mode_of(dir / ".claude.json") == 0600);

  r = home.clown({"mcp", "install", "--claude-dir", dir.string()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("Updated MCP server 'clown' in ", 0) == 0);
  CHECK(test::read_text(dir / ".claude.json") == expected.dump(2) + "\n");
}

TEST_CASE("mcp install: a profile's config dir, and what it refuses", "[mcp][cli]") {
  test::ClownHome home;
  REQUIRE(home.clown({"profiles", "create", "iso", "--provider", "anthropic", "--isolate"}).exit_code == 0);
  auto r = home.clown({"mcp", "install", "iso"});
  REQUIRE(r.exit_code == 0);
  const auto config = home.root() / "homes" / "iso" / ".claude.json";
  CHECK(test::read_text(config) == ordered{{"mcpServers", {{"clown", entry(home)}}}}.dump(2) + "\n");

  // Not isolated: the inherited CLAUDE_CONFIG_DIR, else ~/.claude.json.
  REQUIRE(home.clown({"profiles", "create", "plain", "--provider", "anthropic"}).exit_code == 0);
  r = home.clown({"mcp", "install", "plain"});
  REQUIRE(r.exit_code == 0);
  CHECK(ordered::parse(test::read_text(home.user_home() / ".claude.json"))["mcpServers"]["clown"] == entry(home));

  REQUIRE(home.clown({"profiles", "create", "cx", "--agent", "codex", "--provider", "openai"}).exit_code == 0);
  r = home.clown({"mcp", "install", "cx"});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "clown: error: profile 'cx' runs codex; `clown mcp install` registers the server with Claude Code: name a "
        "Claude Code profile or give --claude-dir DIR\n");
  r = home.clown({"mcp", "install"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: name a Claude Code profile or give --claude-dir DIR (one of them)\n");

  const auto broken = home.dir() / "broken";
  test::fs::create_directories(broken);
  test::write_text(broken / ".claude.json", "{\"mcpServers\":");
  r = home.clown({"mcp", "install", "--claude-dir", broken.string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "clown: error: " + (broken / ".claude.json").string() +
                     " is not a JSON object; fix or remove it, then run `clown mcp install` again\n");
  CHECK(test::read_text(broken / ".claude.json") == "{\"mcpServers\":");
}
