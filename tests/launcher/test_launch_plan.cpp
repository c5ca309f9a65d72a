#include <catch2/catch.hpp>

#include "launcher/launch_plan.hpp"
#include "profiles/catalog.hpp"

using namespace clown;
using launcher::LaunchInputs;

namespace {

LaunchInputs inputs(const std::string& provider_id, profiles::Profile profile = {}) {
  auto catalog = profiles::builtin_catalog();
  LaunchInputs in;
  profile.alias = profile.alias.empty() ? "p1" : profile.alias;
  profile.provider = provider_id;
  in.profile = profile;
  in.agent = *catalog.find_agent("claude");
  in.provider = *catalog.find_provider(provider_id);
  in.paths = Paths{"/home/u/.config/clown"};
  in.run_id = "abc123";
  in.clown_exe = "/usr/local/bin/clown";
  in.inherited_env = {{"PATH", "/usr/bin"},
                      {"HOME", "/home/u"},
                      {"ANTHROPIC_BASE_URL", "https://inherited.example"},
                      {"ANTHROPIC_API_KEY", "inherited-key"},
                      {"ANTHROPIC_AUTH_TOKEN", "inherited-token"},
                      {"ANTHROPIC_MODEL", "inherited-model"},
                      {"CLAUDECODE", "1"}};
  return in;
}

}  // namespace

TEST_CASE("anthropic: your own key as ANTHROPIC_API_KEY, default endpoint, only ANTHROPIC_MODEL") {
  profiles::Profile p;
  p.model = "claude-opus-4-5";
  auto in = inputs("anthropic", p);
  in.api_key = "sk-ant-1";
  auto plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  launcher::EnvMap expected = {{"ANTHROPIC_API_KEY", "sk-ant-1"}, {"ANTHROPIC_MODEL", "claude-opus-4-5"}};
  CHECK(plan->provider_env == expected);
  CHECK(plan->env.count("ANTHROPIC_BASE_URL") == 0);
  CHECK(plan->env.count("ANTHROPIC_AUTH_TOKEN") == 0);
  CHECK(plan->env.count("CLAUDECODE") == 0);
  CHECK(plan->env.at("ANTHROPIC_API_KEY") == "sk-ant-1");
  CHECK(plan->env.at("PATH") == "/usr/bin");
  CHECK(plan->settings["env"] == nlohmann::json(expected));
}

TEST_CASE("anthropic-compatible (zai): endpoint, bearer token, every model alias routed") {
  auto in = inputs("zai");
  in.api_key = "zk";
  auto plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  launcher::EnvMap expected = {{"ANTHROPIC_BASE_URL", "https://api.z.ai/api/anthropic"},
                               {"ANTHROPIC_AUTH_TOKEN", "zk"},
                               {"ANTHROPIC_MODEL", "glm-4.6"},
                               {"ANTHROPIC_DEFAULT_OPUS_MODEL", "glm-4.6"},
                               {"ANTHROPIC_DEFAULT_SONNET_MODEL", "glm-4.6"},
                               {"ANTHROPIC_DEFAULT_HAIKU_MODEL", "glm-4.5-air"}};
  CHECK(plan->provider_env == expected);
  CHECK(plan->env.count("ANTHROPIC_API_KEY") == 0);  // inherited key stripped
  CHECK(plan->agent_id == "claude");
  CHECK(plan->provider_id == "zai");
  CHECK(plan->settings["env"] == nlohmann::json(expected));
}

TEST_CASE("self: nothing injected, every inherited routing variable stripped") {
  auto plan = launcher::make_launch_plan(inputs("self"));
  REQUIRE(plan);
  CHECK(plan->provider_env.empty());
  for (const char* var : {"ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_MODEL"})
    CHECK(plan->env.count(var) == 0);
  CHECK(plan->env.at("HOME") == "/home/u");
  CHECK(plan->settings["env"] == nlohmann::json::object());
}

TEST_CASE("custom needs an endpoint, and the profile's env wins and keeps what it sets") {
  auto in = inputs("custom");
  auto missing = launcher::make_launch_plan(in);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("needs an endpoint") != std::string::npos);

  profiles::Profile p;
  p.endpoint = "http://127.0.0.1:4000";
  p.model = "claude-sonnet-4-5";
  p.env = {{"ANTHROPIC_CUSTOM_HEADERS", "x-team: a"}, {"FOO", "bar baz"}};
  in = inputs("custom", p);
  in.inherited_env["ANTHROPIC_CUSTOM_HEADERS"] = "x-team: inherited";
  in.api_key = "k";
  auto plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  CHECK(plan->env.at("ANTHROPIC_BASE_URL") == "http://127.0.0.1:4000");
  CHECK(plan->env.at("ANTHROPIC_AUTH_TOKEN") == "k");
  CHECK(plan->env.at("ANTHROPIC_CUSTOM_HEADERS") == "x-team: a");
  CHECK(plan->env.at("FOO") == "bar baz");
  CHECK(plan->settings["env"]["FOO"] == "bar baz");
}

TEST_CASE("isolated profiles get their own CLAUDE_CONFIG_DIR while others keep the user's") {
  profiles::Profile p;
  p.alias = "work";
  p.isolate = true;
  auto in = inputs("self", p);
  in.inherited_env["CLAUDE_CONFIG_DIR"] = "/somewhere/else";
  auto plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  CHECK(plan->env.at("CLAUDE_CONFIG_DIR") == "/home/u/.config/clown/homes/work");
  CHECK(plan->config_dir == "/home/u/.config/clown/homes/work");
  CHECK_FALSE(plan->settings["env"].contains("CLAUDE_CONFIG_DIR"));

  p.isolate = false;
  in = inputs("self", p);
  in.inherited_env["CLAUDE_CONFIG_DIR"] = "/somewhere/else";
  plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  CHECK(plan->env.at("CLAUDE_CONFIG_DIR") == "/somewhere/else");
}

TEST_CASE("sessions get --settings with hooks first and args follow unchanged") {
  auto in = inputs("self");
  in.agent_args = {"-p", "hello world", "it's", "ünï", ""};
  auto plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  std::vector<std::string> argv = {"claude",
                                   "--settings",
                                   "/home/u/.config/clown/telemetry/runs/abc123/settings.json",
                                   "-p",
                                   "hello world",
                                   "it's",
                                   "ünï",
                                   ""};
  CHECK(plan->argv == argv);
  CHECK(plan->settings["hooks"]["SessionStart"][0]["hooks"][0]["command"] ==
        "CLOWN_HOME='/home/u/.config/clown' '/usr/local/bin/clown' hook session-start --run abc123");
  CHECK(plan->settings["hooks"]["SessionEnd"][0]["hooks"][0]["command"] ==
        "CLOWN_HOME='/home/u/.config/clown' '/usr/local/bin/clown' hook session-end --run abc123");
}

TEST_CASE("non-session subcommands and flags get no settings file") {
  for (auto args : std::vector<std::vector<std::string>>{
           {"mcp", "list"}, {"config", "get"}, {"update"}, {"--version"}, {"-p", "x", "--help"}}) {
    auto in = inputs("self");
    in.agent_args = args;
    auto plan = launcher::make_launch_plan(in);
    REQUIRE(plan);
    CHECK_FALSE(plan->session);
    std::vector<std::string> argv = {"claude"};
    argv.insert(argv.end(), args.begin(), args.end());
    CHECK(plan->argv == argv);
  }
}

TEST_CASE("shell exports quote values and unset what the profile doesn't set") {
  auto in = inputs("zai");
  in.api_key = "it's";
  auto plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  auto text = launcher::shell_exports(*plan);
  CHECK(text.find("export ANTHROPIC_AUTH_TOKEN='it'\\''s'\n") != std::string::npos);
  CHECK(text.find("unset ANTHROPIC_API_KEY\n") != std::string::npos);
  CHECK(text.find("unset ANTHROPIC_BASE_URL") == std::string::npos);
}

TEST_CASE("a pinned agent_bin turns Claude Code's auto-updater off unless auto_update = true") {
  profiles::Profile p;
  auto plan = launcher::make_launch_plan(inputs("self", p));
  REQUIRE(plan);
  CHECK(plan->provider_env.count("DISABLE_AUTOUPDATER") == 0);  // the agent on PATH updates as it likes

  p.agent_bin = "/opt/claude-2.1.197/bin/claude";
  plan = launcher::make_launch_plan(inputs("self", p));
  REQUIRE(plan);
  CHECK(plan->env.at("DISABLE_AUTOUPDATER") == "1");
  CHECK(plan->settings["env"]["DISABLE_AUTOUPDATER"] == "1");  // settings env would override the process env

  p.auto_update = true;
  plan = launcher::make_launch_plan(inputs("self", p));
  REQUIRE(plan);
  CHECK(plan->provider_env.count("DISABLE_AUTOUPDATER") == 0);
  CHECK(plan->env.count("DISABLE_AUTOUPDATER") == 0);

  // The profile's own env has the last word.
  p.auto_update = false;
  p.env["DISABLE_AUTOUPDATER"] = "0";
  plan = launcher::make_launch_plan(inputs("self", p));
  REQUIRE(plan);
  CHECK(plan->env.at("DISABLE_AUTOUPDATER") == "0");
}
