// The first-run seed of an isolated Claude Code home and the trust check,
// against the facts in tests/data/claude-firstrun/README.md.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "launcher/claude_home.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using launcher::EnvMap;
using nlohmann::json;

namespace {

// 118 characters, like the key the captures used; its tail is 6kL0zX5cV-Ab3Cd4EfAA.
const std::string k_key =
    "sk-ant-api03-Xq7bN2kLm9PvR4tYwZ8aC1dF6gH3jK5sE0uI7oPqW2xV9nB4mL8kJ3hG6fD1sA5zQ0wE7rT2yU9iO4pA3sD8fG1hJ6kL0zX5cV-"
    "Ab3Cd4EfAA";

json read_json(const fs::path& p) { return json::parse(test::read_text(p)); }

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("key_tail is what Claude Code stores: the last 20 characters, or a short key whole") {
  CHECK(launcher::key_tail(k_key) == "6kL0zX5cV-Ab3Cd4EfAA");
  CHECK(launcher::key_tail("short-key") == "short-key");
}

TEST_CASE("a fresh home gets the minimal seed verified against 2.1.197 and 2.1.328") {
  test::TempDir tmp;
  const auto home = tmp.path() / "homes" / "p";
  fs::create_directories(home);
  const EnvMap user = {{"HOME", (tmp.path() / "user").string()}};
  auto warnings = launcher::seed_claude_home(home, k_key, user);
  REQUIRE(warnings);
  CHECK(warnings->empty());
  CHECK(read_json(home / ".claude.json") ==
        json{{"hasCompletedOnboarding", true},
             {"customApiKeyResponses", {{"approved", {"6kL0zX5cV-Ab3Cd4EfAA"}}, {"rejected", json::array()}}}});
  CHECK(mode_of(home / ".claude.json") == 0600);
  CHECK_FALSE(fs::exists(home / "settings.json"));  // the user has no theme

  // An auth-token profile: onboarding only.
  const auto token_home = tmp.path() / "homes" / "t";
  fs::create_directories(token_home);
  REQUIRE(launcher::seed_claude_home(token_home, std::nullopt, user));
  CHECK(read_json(token_home / ".claude.json") == json{{"hasCompletedOnboarding", true}});
}

TEST_CASE("seeding keeps what Claude Code wrote and adds only what is missing") {
  test::TempDir tmp;
  const auto home = tmp.path();
  const EnvMap user = {{"HOME", (tmp.path() / "user").string()}};
  // A home whose first run died at the welcome screen: no hasCompletedOnboarding.
  test::write_text(home / ".claude.json", R"({"firstStartTime": "2026-11-29T10:00:00.000Z", "userID": "u1"})");
  REQUIRE(launcher::seed_claude_home(home, "short-key", user));
  auto config = read_json(home / ".claude.json");
  CHECK(config["userID"] == "u1");
  CHECK(config["hasCompletedOnboarding"] == true);
  CHECK(config["customApiKeyResponses"]["approved"] == json{"short-key"});

  // A new key: its tail is appended (else the "Detected a custom API key" question returns).
  REQUIRE(launcher::seed_claude_home(home, k_key, user));
  config = read_json(home / ".claude.json");
  CHECK(config["customApiKeyResponses"]["approved"] == json{"short-key", "6kL0zX5cV-Ab3Cd4EfAA"});

  // Nothing missing: the file is not rewritten.
  const auto before = fs::last_write_time(home / ".claude.json");
  test::write_text(home / "marker", "x");
  REQUIRE(launcher::seed_claude_home(home, k_key, user));
  CHECK(fs::last_write_time(home / ".claude.json") == before);
}

TEST_CASE("a key the user rejected stays rejected") {
  test::TempDir tmp;
  test::write_text(
      tmp.path() / ".claude.json",
      R"({"hasCompletedOnboarding": true, "customApiKeyResponses": {"approved": [], "rejected": ["short-key"]}})");
  REQUIRE(launcher::seed_claude_home(tmp.path(), "short-key", {}));
  auto config = read_json(tmp.path() / ".claude.json");
  CHECK(config["customApiKeyResponses"]["approved"] == json::array());
  CHECK(config["customApiKeyResponses"]["rejected"] == json{"short-key"});
}

TEST_CASE("an unreadable .claude.json is left alone with a warning") {
  test::TempDir tmp;
  test::write_text(tmp.path() / ".claude.json", "{not json");
  auto warnings = launcher::seed_claude_home(tmp.path(), "k", {});
  REQUIRE(warnings);
  REQUIRE(warnings->size() == 1);
  CHECK(warnings->front() == (tmp.path() / ".claude.json").string() +
                                 " is not a JSON object; left as it is (Claude Code may show its first-run screens)");
  CHECK(test::read_text(tmp.path() / ".claude.json") == "{not json");
}

TEST_CASE("the user's theme: settings.json first, then the global config") {
  test::TempDir tmp;
  const auto user_home = tmp.path() / "user";
  const EnvMap user = {{"HOME", user_home.string()}};
  CHECK(launcher::user_theme(user).empty());
  test::write_text(user_home / ".claude.json", R"({"theme": "light-daltonized"})");
  CHECK(launcher::user_theme(user) == "light-daltonized");
  test::write_text(user_home / ".claude" / "settings.json", R"({"theme": "dark-ansi"})");
  CHECK(launcher::user_theme(user) == "dark-ansi");
  // CLAUDE_CONFIG_DIR moves both files.
  const auto dir = tmp.path() / "cc";
  EnvMap with_dir = {{"HOME", user_home.string()}, {"CLAUDE_CONFIG_DIR", dir.string()}};
  CHECK(launcher::user_theme(with_dir).empty());
  test::write_text(dir / ".claude.json", R"({"theme": "light"})");
  CHECK(launcher::user_theme(with_dir) == "light");

  // Seeding copies it into the home's settings.json.
  const auto home = tmp.path() / "homes" / "p";
  fs::create_directories(home);
  REQUIRE(launcher::seed_claude_home(home, std::nullopt, user));
  CHECK(read_json(home / "settings.json") == json{{"theme", "dark-ansi"}});
}

TEST_CASE("the global config is .config.json when it exists, else .claude.json") {
  test::TempDir tmp;
  const EnvMap env = {{"HOME", "/home/u"}};
  CHECK(launcher::claude_global_config("", env) == fs::path("/home/u/.claude.json"));
  CHECK(launcher::claude_global_config(tmp.path().string(), env) == tmp.path() / ".claude.json");
  test::write_text(tmp.path() / ".config.json", "{}");
  CHECK(launcher::claude_global_config(tmp.path().string(), env) == tmp.path() / ".config.json");
}

TEST_CASE("a folder is trusted when it or an ancestor is, never by a sibling") {
  test::TempDir tmp;
  const auto config = tmp.path() / ".claude.json";
  CHECK_FALSE(launcher::folder_trusted(config, "/work/repo"));  // no file
  test::write_text(config, R"({"projects": {
      "/work/repo": {"hasTrustDialogAccepted": true},
      "/work/other": {"hasTrustDialogAccepted": false},
      "/home/u": {"hasTrustDialogAccepted": "yes"}}})");
  CHECK(launcher::folder_trusted(config, "/work/repo"));
  CHECK(launcher::folder_trusted(config, "/work/repo/src/deep"));
  CHECK_FALSE(launcher::folder_trusted(config, "/work/other"));
  CHECK_FALSE(launcher::folder_trusted(config, "/work/repo-2"));
  CHECK_FALSE(launcher::folder_trusted(config, "/work"));
  CHECK_FALSE(launcher::folder_trusted(config, "/home/u"));  // not a boolean
  test::write_text(config, R"({"projects": {"/": {"hasTrustDialogAccepted": true}}})");
  CHECK(launcher::folder_trusted(config, "/anything/below"));
}
