// profiles set --api-key-stdin, rename and copy.
#include <catch2/catch.hpp>

#include "tests/integration/cli_fixture.hpp"

using namespace clown::test;
using nlohmann::json;

TEST_CASE("profiles set --api-key-stdin replaces the stored key, alone or with fields") {
  ClownHome h;
  REQUIRE(
      h.clown({"profiles", "create", "k", "--provider", "anthropic", "--api-key-stdin"}, {.stdin_data = "old-key\n"})
          .exit_code == 0);
  auto r = h.clown({"profiles", "set", "k", "--api-key-stdin"}, {.stdin_data = "new-key\n"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "Updated profile 'k' (new API key stored)\n");
  CHECK(read_text(h.root() / "credentials" / "k") == "new-key\n");
  r = h.clown({"profiles", "set", "k", "model=claude-opus-4-5", "--api-key-stdin"}, {.stdin_data = "third\n"});
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(h.root() / "credentials" / "k") == "third\n");
  CHECK(json::parse(h.clown({"profiles", "show", "k", "--json"}).out)["model"] == "claude-opus-4-5");

  r = h.clown({"profiles", "set", "k", "--api-key-stdin"}, {.stdin_data = "\n"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: --api-key-stdin: no key on standard input\n");
  CHECK(read_text(h.root() / "credentials" / "k") == "third\n");
  r = h.clown({"profiles", "set", "k"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("clown: error: nothing to change: give key=value (", 0) == 0);
  // A mistyped alias is refused before the key is read.
  r = h.clown({"profiles", "set", "kk", "--api-key-stdin"}, {.stdin_data = "lost\n"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown profile 'kk'; did you mean 'k'?\n");
}

TEST_CASE("profiles rename moves the file, the stored key and the isolated home") {
  ClownHome h;
  REQUIRE(h.clown({"profiles", "create", "old", "--provider", "anthropic", "--api-key-stdin", "--isolate"},
                  {.stdin_data = "the-key\n"})
              .exit_code == 0);
  write_text(h.root() / "homes" / "old" / ".claude.json", "{\"hasCompletedOnboarding\": true}");
  auto r = h.clown({"profiles", "rename", "old", "new"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "Renamed profile 'old' to 'new'. Start it with: clown run new\n");
  CHECK_FALSE(fs::exists(h.root() / "profiles" / "old.toml"));
  CHECK_FALSE(fs::exists(h.root() / "credentials" / "old"));
  CHECK_FALSE(fs::exists(h.root() / "homes" / "old"));
  CHECK(read_text(h.root() / "credentials" / "new") == "the-key\n");
  CHECK(read_text(h.root() / "homes" / "new" / ".claude.json") == "{\"hasCompletedOnboarding\": true}");
  const auto shown = json::parse(h.clown({"profiles", "show", "new", "--json"}).out);
  CHECK(shown["isolate"] == true);
  CHECK(shown["api_key"] == "stored (credentials/new)");

  REQUIRE(h.clown({"profiles", "create", "other", "--provider", "self"}).exit_code == 0);
  r = h.clown({"profiles", "rename", "new", "other"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: profile 'other' already exists (delete it first: clown profiles delete other)\n");
  r = h.clown({"profiles", "rename", "new", "../x"});
  CHECK(r.exit_code == 2);
}

TEST_CASE("profiles copy duplicates fields and key, not the home") {
  ClownHome h;
  REQUIRE(h.clown({"profiles", "create", "src", "--provider", "anthropic", "--api-key-stdin", "--isolate", "--model",
                   "claude-sonnet-4-5", "--env", "FOO=bar"},
                  {.stdin_data = "copied-key\n"})
              .exit_code == 0);
  write_text(h.root() / "homes" / "src" / ".claude.json", "{}");
  auto r = h.clown({"profiles", "copy", "src", "dst"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "Copied profile 'src' to 'dst'. Start it with: clown run dst\n");
  auto src = json::parse(h.clown({"profiles", "show", "src", "--json"}).out);
  auto dst = json::parse(h.clown({"profiles", "show", "dst", "--json"}).out);
  for (const char* key : {"agent", "provider", "model", "isolate", "env"}) CHECK(src[key] == dst[key]);
  CHECK(dst["config_dir"] == (h.root() / "homes" / "dst").string());
  CHECK(read_text(h.root() / "credentials" / "dst") == "copied-key\n");
  CHECK_FALSE(fs::exists(h.root() / "homes" / "dst"));
  CHECK(fs::exists(h.root() / "homes" / "src" / ".claude.json"));
}
