#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/integration/cli_fixture.hpp"

using namespace clown::test;

TEST_CASE("profiles create, list, show and delete as the docs spell them") {
  ClownHome h;
  auto r = h.clown({"profiles", "create", "claude", "direct-api", "--provider", "self"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "Created profile 'direct-api' (claude via self). Start it with: clown run direct-api\n");
  r = h.clown({"profiles", "create", "work-claude", "--agent", "claude", "--provider", "anthropic", "--model",
               "claude-sonnet-4-5", "--api-key-stdin", "--isolate"},
              {.stdin_data = "sk-ant-very-secret\n"});
  REQUIRE(r.exit_code == 0);

  r = h.clown({"profiles", "list", "--json"});
  REQUIRE(r.exit_code == 0);
  auto list = nlohmann::json::parse(r.out);
  REQUIRE(list.size() == 2);
  CHECK(list[0]["alias"] == "direct-api");
  CHECK(list[1]["alias"] == "work-claude");
  CHECK(list[1]["model"] == "claude-sonnet-4-5");
  CHECK(list[1]["isolate"] == true);
  CHECK(list[1]["api_key"] == "stored (credentials/work-claude)");

  r = h.clown({"profiles", "list"});
  CHECK(r.out ==
        "PROFILE      AGENT   PROVIDER   MODEL              API KEY                           ISOLATED\n"
        "direct-api   claude  self       -                  none                              no\n"
        "work-claude  claude  anthropic  claude-sonnet-4-5  stored (credentials/work-claude)  yes\n");
  for (const auto& args : std::vector<std::vector<std::string>>{{"profiles", "list"},
                                                                {"profiles", "list", "--json"},
                                                                {"profiles", "show", "work-claude"},
                                                                {"profiles", "show", "work-claude", "--json"}}) {
    CHECK(h.clown(args).out.find("sk-ant-very-secret") == std::string::npos);
  }
  CHECK(read_text(h.home() / "profiles" / "work-claude.toml").find("sk-ant") == std::string::npos);
  CHECK(read_text(h.home() / "credentials" / "work-claude") == "sk-ant-very-secret\n");
  struct stat st {};
  REQUIRE(::stat((h.home() / "credentials" / "work-claude").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((h.home() / "credentials").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);

  r = h.clown({"profiles", "set", "work-claude", "model=claude-opus-4-5", "env.FOO=bar"});
  REQUIRE(r.exit_code == 0);
  r = h.clown({"profiles", "show", "work-claude", "--json"});
  auto shown = nlohmann::json::parse(r.out);
  CHECK(shown["model"] == "claude-opus-4-5");
  CHECK(shown["env"]["FOO"] == "bar");

  r = h.clown({"profiles", "env", "work-claude"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("export ANTHROPIC_API_KEY='sk-ant-very-secret'\n") != std::string::npos);
  CHECK(r.out.find("export CLAUDE_CONFIG_DIR='" + (h.home() / "homes" / "work-claude").string() + "'\n") !=
        std::string::npos);

  REQUIRE(h.clown({"profiles", "delete", "work-claude"}).exit_code == 0);
  CHECK_FALSE(fs::exists(h.home() / "credentials" / "work-claude"));
  CHECK(h.clown({"profiles", "show", "work-claude"}).exit_code == 2);
}

TEST_CASE("bad aliases are refused with a clear message") {
  ClownHome h;
  for (std::string bad : std::vector<std::string>{"../x", "", "a b", std::string(65, 'a'), "a/b"}) {
    auto r = h.clown({"profiles", "create", bad, "--provider", "self"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "clown: error: invalid profile name '" + bad +
                       "': use 1-64 characters from A-Z a-z 0-9 . _ - (e.g. work-claude)\n");
  }
  CHECK_FALSE(fs::exists(h.work() / "x.toml"));
  CHECK_FALSE(fs::exists(h.home() / "profiles"));
}

TEST_CASE("create refuses unknown providers, missing endpoints and duplicates") {
  ClownHome h;
  auto r = h.clown({"profiles", "create", "p", "--provider", "nope"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown provider 'nope' (see: clown providers list)\n");
  r = h.clown({"profiles", "create", "p", "--provider", "custom"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("needs --endpoint") != std::string::npos);
  // Qwen has no default model clown can price: the profile names one.
  r = h.clown({"profiles", "create", "q", "--provider", "qwen"});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "clown: error: provider 'qwen' serves only its own models and has no default clown can price: name one with "
        "--model (its price: clown pricing show MODEL; unknown models are reported as unpriced, never $0)\n");
  CHECK_FALSE(fs::exists(h.home() / "profiles" / "q.toml"));
  CHECK(h.clown({"profiles", "create", "q", "--provider", "qwen", "--model", "qwen3-coder-plus"}).exit_code == 0);
  REQUIRE(h.clown({"profiles", "create", "p", "--provider", "self"}).exit_code == 0);
  r = h.clown({"profiles", "create", "p", "--provider", "self"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("already exists") != std::string::npos);
}

TEST_CASE("a malformed profile file is reported with file:line:col while other commands work") {
  ClownHome h;
  REQUIRE(h.clown({"profiles", "create", "good", "--provider", "custom", "--endpoint", "http://127.0.0.1:1",
                   "--agent-bin", fake_agent_binary().string()})
              .exit_code == 0);
  write_text(h.home() / "profiles" / "broken.toml", "provider = \"self\"\nisolate = tru\n");
  auto r = h.clown({"run", "broken"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("clown: error: " + (h.home() / "profiles" / "broken.toml").string() + ":2:", 0) == 0);
  r = h.clown({"profiles", "list", "--json"});
  CHECK(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out).size() == 1);
  CHECK(r.err.find("broken.toml:2:") != std::string::npos);
  CHECK(h.clown({"run", "good"}).exit_code == 0);
  CHECK(h.clown({"providers", "list"}).exit_code == 0);
}

TEST_CASE("agents and providers catalogs are listed") {
  ClownHome h;
  auto r = h.clown({"providers", "list", "--json"});
  REQUIRE(r.exit_code == 0);
  auto providers = nlohmann::json::parse(r.out);
  std::vector<std::string> ids;
  for (const auto& p : providers) ids.push_back(p["id"]);
  CHECK(ids == std::vector<std::string>{"anthropic", "openai", "gemini", "self", "zai", "kimi", "minimax", "deepseek",
                                        "openrouter", "qwen", "custom"});
  r = h.clown({"providers", "show", "kimi", "--json"});
  CHECK(nlohmann::json::parse(r.out)["endpoint"] == "https://api.moonshot.ai/anthropic");
  r = h.clown({"agents", "list", "--json"});
  auto agents = nlohmann::json::parse(r.out);
  REQUIRE(agents.size() == 4);
  CHECK(agents[0]["binary"] == "claude");
  CHECK(agents[1] == nlohmann::json::parse(R"({"id": "codex", "name": "Codex CLI", "binary": "codex",
      "apis": ["openai-responses"], "usage_reader": "codex", "source": "built-in"})"));
  write_text(h.home() / "providers.d" / "local.toml",
             "id = \"local\"\ntype = \"anthropic-compatible\"\nendpoint = \"http://127.0.0.1:8080\"\n");
  r = h.clown({"providers", "show", "local", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["endpoint"] == "http://127.0.0.1:8080");
}
