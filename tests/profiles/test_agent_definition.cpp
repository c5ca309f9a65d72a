// Agent definitions (docs/file-formats.md#agents-d) and their templates
// (docs/file-formats.md#agent-templates).
#include <catch2/catch.hpp>

#include "profiles/agent_template.hpp"
#include "profiles/catalog.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::profiles;

namespace {

TemplateValues sample() {
  TemplateValues v;
  v.set("model", "gpt-5-codex");
  v.set("endpoint", "http://127.0.0.1:8080/v1");
  v.set("key", "");
  v.set("cmd", "CLOWN_HOME='/h' '/bin/clown' hook \"x\"\\y");
  return v;
}

Catalog with_agent(const std::string& file_text, Paths& paths) {
  test::write_text(paths.agents_dir() / "x.toml", file_text);
  return load_catalog(paths);
}

}  // namespace

TEST_CASE("templates: values, filters, guards and literal braces") {
  auto v = sample();
  CHECK(expand("-m {model}", v) == "-m gpt-5-codex");
  CHECK(expand("base_url={toml:endpoint}", v) == "base_url=\"http://127.0.0.1:8080/v1\"");
  CHECK(expand("{json:cmd}", v) == R"("CLOWN_HOME='/h' '/bin/clown' hook \"x\"\\y")");
  CHECK(expand("{shell:cmd}", v) == R"('CLOWN_HOME='\''/h'\'' '\''/bin/clown'\'' hook "x"\y')");
  CHECK(expand("{sha256:model}", v) == "87061d3552d5a1352828036c1ab6418688467f96d5f75d8d565a020b727f9263");
  // An empty value (or an unknown one) drops the whole entry; {?x} only requires x.
  CHECK_FALSE(expand("key={key}", v));
  CHECK_FALSE(expand("name=\"x\"{?key}", v));
  CHECK(expand("name=\"x\"{?endpoint}", v) == "name=\"x\"");
  CHECK_FALSE(expand("{nosuchvalue}", v));
  // JSON braces, opencode's {env:VAR} and unknown filters are text.
  CHECK(expand(R"({"models": {{json:model}: {}}, "k": "{env:MY_KEY}", "u": "{unknown:model}"})", v) ==
        R"({"models": {"gpt-5-codex": {}}, "k": "{env:MY_KEY}", "u": "{unknown:model}"})");
  CHECK(placeholders_of("{a} {json:b} {?c} {\"d\": 1} {env:E}") == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("templates: derived values, emptiness propagates, cycles end") {
  auto v = sample();
  v.define("clown_model", "clown/{model}");
  v.define("with_key", "{key}!");
  v.define("loop_a", "{loop_b}");
  v.define("loop_b", "{loop_a}");
  CHECK(expand("{json:clown_model}", v) == "\"clown/gpt-5-codex\"");
  CHECK(v.get("with_key").empty());
  CHECK_FALSE(expand("{with_key}", v));
  CHECK_FALSE(expand("{loop_a}", v));
  // TOML escapes DEL, JSON does not (Codex hashes hook JSON as serde_json writes it).
  CHECK(toml_quote("a\x7f\tb\x01") == "\"a\\u007f\\tb\\u0001\"");
  CHECK(json_quote("a\x7f\tb\x01") == "\"a\x7f\\tb\\u0001\"");
}

TEST_CASE("built-in agents are TOML definitions with the documented APIs and usage readers") {
  auto c = builtin_catalog();
  CHECK(c.warnings.empty());
  struct Want {
    const char* id;
    const char* apis;
    const char* reader;
  };
  for (const Want& w : {Want{"claude", "anthropic", "claude"}, Want{"codex", "openai-responses", "codex"},
                        Want{"gemini", "gemini", "gemini"},
                        Want{"opencode", "anthropic, openai-responses, openai-chat, gemini", "opencode"}}) {
    const auto* a = c.find_agent(w.id);
    REQUIRE(a);
    CHECK(describe_apis(*a) == w.apis);
    CHECK(a->usage.reader == w.reader);
    CHECK(a->source == "built-in");
  }
  CHECK(c.find_agent("claude")->session_file == "{run_dir}/settings.json");
  CHECK(c.providers_for(*c.find_agent("codex")) ==
        std::vector<std::string>{"openai", "self", "deepseek", "openrouter", "qwen", "custom"});
  CHECK(c.providers_for(*c.find_agent("gemini")) == std::vector<std::string>{"gemini", "self", "custom"});
}

TEST_CASE("agents.d: a fourth agent, extends, legacy keys, and warnings that say what is wrong") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  SECTION("a new agent speaking the Chat Completions API through env vars") {
    auto c = with_agent(
        "id = \"aider\"\nbinary = \"aider\"\napis = [\"openai-chat\"]\n"
        "[api.openai-chat]\nenv = { OPENAI_API_BASE = \"{endpoint}\", OPENAI_API_KEY = \"{key}\" }\n"
        "args = [[\"--model\", \"openai/{model}\"]]\n[usage]\nreader = \"\"\n",
        paths);
    CHECK(c.warnings.empty());
    const auto* a = c.find_agent("aider");
    REQUIRE(a);
    REQUIRE(a->injection_for(ProviderApi::openai_chat));
    CHECK(a->injection_for(ProviderApi::openai_chat)->env.size() == 2);
    CHECK(a->injection_for(ProviderApi::openai_chat)->args ==
          std::vector<std::vector<std::string>>{{"--model", "openai/{model}"}});
    CHECK(a->session.args.empty());  // no Claude Code --settings for anyone else
    CHECK(c.providers_for(*a) == std::vector<std::string>{"openai", "gemini", "self", "zai", "kimi", "minimax",
                                                          "deepseek", "openrouter", "qwen", "custom"});
  }
  SECTION("extends: a Claude Code build under another name keeps Claude's definition") {
    auto c = with_agent("id = \"claude-dev\"\nextends = \"claude\"\nbinary = \"/opt/claude-dev/claude\"\n", paths);
    const auto* a = c.find_agent("claude-dev");
    REQUIRE(a);
    CHECK(a->binary == "/opt/claude-dev/claude");
    CHECK(a->name == "Claude Code");
    CHECK(a->session.args == std::vector<std::vector<std::string>>{{"--settings", "{session_file}"}});
  }
  SECTION("older files (settings_flag, config_dir_env) still mean a Claude Code variant") {
    auto c = with_agent("id = \"old\"\nsettings_flag = \"--config\"\nconfig_dir_env = \"OLD_DIR\"\n", paths);
    const auto* a = c.find_agent("old");
    REQUIRE(a);
    CHECK(a->binary == "old");
    CHECK(a->session.args == std::vector<std::vector<std::string>>{{"--config", "{session_file}"}});
    REQUIRE(a->isolation.env.size() == 1);
    CHECK(a->isolation.env[0].name == "OLD_DIR");
    CHECK(a->usage.dirs == std::vector<std::string>{"$OLD_DIR"});
  }
  SECTION("a plain agent gets no provider injection at all") {
    auto c = with_agent("id = \"plain\"\nbinary = \"plain-bin\"\n", paths);
    const auto* a = c.find_agent("plain");
    REQUIRE(a);
    CHECK(a->apis.empty());
    CHECK(a->session.args.empty());
    CHECK(a->session_file.empty());
    CHECK(c.providers_for(*a) == std::vector<std::string>{"self"});
  }
  SECTION("unknown API, placeholder, reader or base are warnings naming the file") {
    auto c = with_agent(
        "id = \"bad\"\napis = [\"smoke-signals\", \"gemini\"]\n[api.gemini]\nargs = [\"--m={modle}\"]\n"
        "[usage]\nreader = \"tea-leaves\"\n",
        paths);
    REQUIRE(c.warnings.size() == 3);
    CHECK(c.warnings[0].find("x.toml: unknown API 'smoke-signals'") != std::string::npos);
    CHECK(c.warnings[1].find("unknown usage reader 'tea-leaves'") != std::string::npos);
    CHECK(c.warnings[2].find("unknown placeholder {modle}") != std::string::npos);
    REQUIRE(c.find_agent("bad"));
    CHECK(describe_apis(*c.find_agent("bad")) == "gemini");
    c = with_agent("id = \"orphan\"\nextends = \"nobody\"\n", paths);
    CHECK(c.find_agent("orphan") == nullptr);
    REQUIRE(c.warnings.size() == 1);
    CHECK(c.warnings[0].find("extends unknown agent 'nobody'") != std::string::npos);
  }
}

TEST_CASE("providers.d: the API an endpoint speaks, more endpoints, any API") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  test::write_text(paths.providers_dir() / "vllm.toml",
                   "type = \"openai-compatible\"\nendpoint = \"http://gpu:8000/v1\"\nkey_env = \"VLLM_KEY\"\n");
  test::write_text(paths.providers_dir() / "gw.toml",
                   "type = \"anthropic-compatible\"\nendpoint = \"https://gw/anthropic\"\n"
                   "[endpoints]\nopenai-responses = \"https://gw/openai/v1\"\n");
  test::write_text(paths.providers_dir() / "any.toml", "type = \"openai-compatible\"\napi = \"any\"\n");
  test::write_text(paths.providers_dir() / "typo.toml", "api = \"openai-complete\"\n");
  auto c = load_catalog(paths);
  const auto* vllm = c.find_provider("vllm");
  REQUIRE(vllm);
  CHECK(describe_apis(*vllm) == "openai-chat");
  CHECK(vllm->endpoint_for(ProviderApi::openai_chat)->url == "http://gpu:8000/v1");
  CHECK_FALSE(vllm->endpoint_for(ProviderApi::anthropic));
  CHECK(vllm->compatible());
  CHECK(describe_apis(*c.find_provider("gw")) == "anthropic, openai-responses");
  CHECK(describe_apis(*c.find_provider("any")) == "any (--endpoint)");
  CHECK(c.find_provider("typo") == nullptr);
  REQUIRE(c.warnings.size() == 1);
  CHECK(c.warnings[0].find("typo.toml: unknown api 'openai-complete'") != std::string::npos);
  CHECK(to_json(*vllm)["apis"] == nlohmann::json::parse(R"([{"api":"openai-chat","endpoint":"http://gpu:8000/v1"}])"));
}
