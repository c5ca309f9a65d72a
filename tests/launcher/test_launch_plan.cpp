#include <catch2/catch.hpp>

#include <algorithm>

#include "common/sha256.hpp"
#include "launcher/launch_plan.hpp"
#include "profiles/catalog.hpp"

using namespace clown;
using launcher::LaunchInputs;

namespace {

LaunchInputs inputs(const std::string& provider_id, profiles::Profile profile = {},
                    const std::string& agent = "claude") {
  auto catalog = profiles::builtin_catalog();
  LaunchInputs in;
  profile.alias = profile.alias.empty() ? "p1" : profile.alias;
  profile.provider = provider_id;
  profile.agent = agent;
  in.profile = profile;
  in.agent = *catalog.find_agent(agent);
  in.provider = *catalog.find_provider(provider_id);
  in.working_providers = catalog.providers_for(in.agent);
  in.new_session_id = "5e55c0de-0000-4000-8000-000000000001";
  in.cwd = "/home/u/src";
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

// The private settings file Claude Code gets, parsed.
nlohmann::json settings(const launcher::LaunchPlan& plan) { return nlohmann::json::parse(plan.session_file_content); }

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
  CHECK(settings(*plan)["env"] == nlohmann::json(expected));
}

TEST_CASE("anthropic-compatible (zai): endpoint, bearer token, every model alias routed") {
  auto in = inputs("zai");
  in.api_key = "zk";
  auto plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  launcher::EnvMap expected = {{"ANTHROPIC_BASE_URL", "https://api.z.ai/api/anthropic"},
                               {"ANTHROPIC_AUTH_TOKEN", "zk"},
                               {"ANTHROPIC_MODEL", "glm-5.1"},
                               {"ANTHROPIC_DEFAULT_OPUS_MODEL", "glm-5.1"},
                               {"ANTHROPIC_DEFAULT_SONNET_MODEL", "glm-5.1"},
                               {"ANTHROPIC_DEFAULT_HAIKU_MODEL", "glm-5.1"}};
  CHECK(plan->provider_env == expected);
  CHECK(plan->env.count("ANTHROPIC_API_KEY") == 0);  // inherited key stripped
  CHECK(plan->agent_id == "claude");
  CHECK(plan->provider_id == "zai");
  CHECK(settings(*plan)["env"] == nlohmann::json(expected));
}

TEST_CASE("self: nothing injected, every inherited routing variable stripped") {
  auto plan = launcher::make_launch_plan(inputs("self"));
  REQUIRE(plan);
  CHECK(plan->provider_env.empty());
  for (const char* var : {"ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_MODEL"})
    CHECK(plan->env.count(var) == 0);
  CHECK(plan->env.at("HOME") == "/home/u");
  CHECK(settings(*plan)["env"] == nlohmann::json::object());
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
  CHECK(settings(*plan)["env"]["FOO"] == "bar baz");
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
  CHECK_FALSE(settings(*plan)["env"].contains("CLAUDE_CONFIG_DIR"));

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
  CHECK(settings(*plan)["hooks"]["SessionStart"][0]["hooks"][0]["command"] ==
        "CLOWN_HOME='/home/u/.config/clown' '/usr/local/bin/clown' hook session-start --run abc123");
  CHECK(settings(*plan)["hooks"]["SessionEnd"][0]["hooks"][0]["command"] ==
        "CLOWN_HOME='/home/u/.config/clown' '/usr/local/bin/clown' hook session-end --run abc123");
  CHECK(settings(*plan)["hooks"]["Stop"][0]["hooks"][0]["command"] ==
        "CLOWN_HOME='/home/u/.config/clown' '/usr/local/bin/clown' hook stop --run abc123");
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

TEST_CASE("codex: the provider as -c overrides and its key in a variable of its own, hooks trusted by hash") {
  profiles::Profile p;
  p.model = "gpt-5-codex";
  auto in = inputs("openai", p, "codex");
  in.api_key = "sk-o";
  in.inherited_env["OPENAI_BASE_URL"] = "https://elsewhere.example/v1";
  in.agent_args = {"exec", "run echo hi"};
  auto plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  CHECK(plan->api == "openai-responses");
  CHECK(plan->provider_env == launcher::EnvMap{{"CLOWN_CODEX_API_KEY", "sk-o"}});
  CHECK(plan->env.count("OPENAI_BASE_URL") == 0);
  CHECK(plan->args == std::vector<std::string>{"-c", "model_providers.clown.name=\"OpenAI API (your own key)\"", "-c",
                                               "model_providers.clown.base_url=\"https://api.openai.com/v1\"", "-c",
                                               "model_providers.clown.env_key=\"CLOWN_CODEX_API_KEY\"", "-c",
                                               "model_providers.clown.wire_api=\"responses\"", "-c",
                                               "model_provider=\"clown\"", "-m", "gpt-5-codex"});
  CHECK(plan->session_file.empty());  // no Claude Code --settings
  const auto& argv = plan->argv;
  REQUIRE(argv.size() == 1 + 8 + plan->args.size() + 2);
  CHECK(argv[0] == "codex");
  const std::string start = "CLOWN_HOME='/home/u/.config/clown' '/usr/local/bin/clown' hook session-start --run abc123";
  CHECK(argv[2] == "hooks.SessionStart=[{hooks=[{type=\"command\",command=\"" + start + "\"}]}]");
  // The trust entry is the hash of the hook's canonical JSON (tests/data/codex/README.md#hooks-verified).
  const std::string canonical = R"({"event_name":"session_start","hooks":[{"async":false,"command":")" + start +
                                R"(","timeout":600,"type":"command"}]})";
  CHECK(argv[8].find("\"/<session-flags>/config.toml:session_start:0:0\"={trusted_hash=\"sha256:" +
                     sha256_hex(canonical) + "\"}") != std::string::npos);
  CHECK(std::vector<std::string>(argv.end() - 2, argv.end()) == in.agent_args);
}

TEST_CASE("codex: ChatGPT login (self) injects no provider - non-session commands get no hooks") {
  auto in = inputs("self", {}, "codex");
  in.inherited_env["OPENAI_API_KEY"] = "sk-inherited";
  in.agent_args = {"login"};
  auto plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  CHECK_FALSE(plan->session);
  CHECK(plan->argv == std::vector<std::string>{"codex", "login"});
  CHECK(plan->env.count("OPENAI_API_KEY") == 0);
  CHECK(plan->api.empty());
}

TEST_CASE("a provider that does not speak the agent's API is refused, naming ones that do") {
  auto in = inputs("zai", {}, "codex");
  in.api_key = "z";
  auto plan = launcher::make_launch_plan(in);
  REQUIRE_FALSE(plan);
  CHECK(plan.error().exit_code == k_exit_usage);
  CHECK(plan.error().message ==
        "profile 'p1' uses provider 'zai' (anthropic, openai-chat), but Codex CLI speaks openai-responses; providers "
        "that work with codex: openai, self, deepseek, openrouter, qwen, custom (change it: clown profiles set p1 "
        "provider=<id>)");
  auto gemini = launcher::make_launch_plan(inputs("openai", {}, "claude"));
  REQUIRE_FALSE(gemini);
  CHECK(gemini.error().message.find("Claude Code speaks anthropic") != std::string::npos);
}

TEST_CASE("gemini: key and endpoint variables, a session id clown chooses, local telemetry, isolated settings") {
  profiles::Profile p;
  p.alias = "gm";
  p.isolate = true;
  p.endpoint = "http://127.0.0.1:9999";
  p.model = "gemini-2.5-pro";
  auto in = inputs("gemini", p, "gemini");
  in.api_key = "g-key";
  in.agent_args = {"-p", "hi"};
  auto plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  CHECK(plan->provider_env == launcher::EnvMap{{"GEMINI_API_KEY", "g-key"},
                                               {"GEMINI_CLI_NO_RELAUNCH", "true"},
                                               {"GOOGLE_GEMINI_BASE_URL", "http://127.0.0.1:9999"}});
  CHECK(plan->argv == std::vector<std::string>{"gemini", "--session-id", "5e55c0de-0000-4000-8000-000000000001", "-m",
                                               "gemini-2.5-pro", "-p", "hi"});
  CHECK(plan->session_id == "5e55c0de-0000-4000-8000-000000000001");
  CHECK(plan->env.at("GEMINI_CLI_HOME") == "/home/u/.config/clown/homes/gm");
  CHECK(plan->env.at("GEMINI_TELEMETRY_OUTFILE") ==
        "/home/u/.config/clown/telemetry/runs/abc123/gemini-telemetry.json");
  CHECK(plan->telemetry_file == "/home/u/.config/clown/telemetry/runs/abc123/gemini-telemetry.json");
  CHECK(plan->usage_dir == "/home/u/.config/clown/homes/gm");
  CHECK(plan->usage_reader == "gemini");
  REQUIRE(plan->home_files.size() == 1);
  CHECK(plan->home_files[0].path == "/home/u/.config/clown/homes/gm/.gemini/settings.json");
  REQUIRE(plan->home_files[0].patches.size() == 2);
  CHECK(plan->home_files[0].patches[0]["security"]["auth"]["selectedType"] == "gemini-api-key");
  CHECK(plan->home_files[0].patches[1]["hooks"]["SessionStart"][0]["hooks"][0]["command"] ==
        "CLOWN_HOME='/home/u/.config/clown' '/usr/local/bin/clown' hook session-start --run abc123");

  SECTION("a resumed session is the user's pick: no --session-id, the id is remembered") {
    in.agent_args = {"--resume", "5e55a001-0001-4000-8000-00000000c10e", "-p", "again"};
    plan = launcher::make_launch_plan(in);
    REQUIRE(plan);
    CHECK(plan->session_id == "5e55a001-0001-4000-8000-00000000c10e");
    CHECK(std::count(plan->argv.begin(), plan->argv.end(), "--session-id") == 0);
  }
  SECTION("not isolated: the user's own settings are not touched; usage is under ~/.gemini") {
    in.profile.isolate = false;
    plan = launcher::make_launch_plan(in);
    REQUIRE(plan);
    CHECK(plan->home_files.empty());
    CHECK(plan->usage_dir == "/home/u");
    CHECK(plan->env.count("GEMINI_CLI_HOME") == 0);
  }
}

TEST_CASE("opencode: provider, model and no title request in OPENCODE_CONFIG_CONTENT, XDG dirs when isolated") {
  profiles::Profile p;
  p.alias = "oc";
  p.isolate = true;
  auto in = inputs("zai", p, "opencode");
  in.api_key = "z-key";
  auto plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  CHECK(plan->api == "anthropic");
  auto config = nlohmann::json::parse(plan->provider_env.at("OPENCODE_CONFIG_CONTENT"));
  CHECK(config == nlohmann::json::parse(R"({"provider": {"clown": {"npm": "@ai-sdk/anthropic", "name": "Z.ai GLM",
      "options": {"baseURL": "https://api.z.ai/api/anthropic", "apiKey": "z-key"}, "models": {"glm-5.1": {}}}},
      "model": "clown/glm-5.1", "agent": {"title": {"disable": true}}})"));
  CHECK(plan->env.at("XDG_DATA_HOME") == "/home/u/.config/clown/homes/oc/data");
  CHECK(plan->env.at("XDG_STATE_HOME") == "/home/u/.config/clown/homes/oc/state");
  CHECK(plan->usage_dir == "/home/u/.config/clown/homes/oc/data/opencode");
  CHECK(plan->argv == std::vector<std::string>{"opencode"});

  SECTION("OpenAI through the Responses package; self only switches the title request off") {
    in = inputs("openai", {}, "opencode");
    in.profile.model = "gpt-5.1-codex";
    in.api_key = "sk-o";
    plan = launcher::make_launch_plan(in);
    REQUIRE(plan);
    config = nlohmann::json::parse(plan->provider_env.at("OPENCODE_CONFIG_CONTENT"));
    CHECK(config["provider"]["clown"]["npm"] == "@ai-sdk/openai");
    CHECK(config["model"] == "clown/gpt-5.1-codex");
    plan = launcher::make_launch_plan(inputs("self", {}, "opencode"));
    REQUIRE(plan);
    CHECK(plan->provider_env.at("OPENCODE_CONFIG_CONTENT") == R"({"agent": {"title": {"disable": true}}})");
    CHECK(plan->usage_dir == "/home/u/.local/share/opencode");
  }
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
  // Settings env would override the process env.
  CHECK(nlohmann::json::parse(plan->session_file_content)["env"]["DISABLE_AUTOUPDATER"] == "1");

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

TEST_CASE("Claude Code's settings file gets clown statusline, unless the profile or the user's settings say no") {
  auto in = inputs("anthropic");
  in.api_key = "sk-ant-1";
  auto plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  CHECK(plan->statusline);
  CHECK(settings(*plan)["statusLine"] ==
        nlohmann::json{{"type", "command"},
                       {"command",
                        "CLOWN_HOME='/home/u/.config/clown' CLOWN_PROFILE='p1' '/usr/local/bin/clown' "
                        "statusline"}});
  CHECK(settings(*plan).contains("hooks"));  // merged into, not replacing, the file
  in.user_statusline = true;
  plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  CHECK_FALSE(plan->statusline);
  CHECK_FALSE(settings(*plan).contains("statusLine"));
  in.user_statusline = false;
  in.profile.statusline = false;
  plan = launcher::make_launch_plan(in);
  REQUIRE(plan);
  CHECK_FALSE(settings(*plan).contains("statusLine"));
  // Not for a command that starts no session, nor for other agents.
  in.profile.statusline = true;
  in.agent_args = {"--version"};
  CHECK_FALSE(launcher::make_launch_plan(in)->statusline);
  auto codex = inputs("openai", {}, "codex");
  codex.api_key = "sk-1";
  CHECK_FALSE(launcher::make_launch_plan(codex)->statusline);
}
