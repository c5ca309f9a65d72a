#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "profiles/catalog.hpp"
#include "profiles/profile_store.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;

TEST_CASE("aliases are [A-Za-z0-9._-]{1,64}") {
  for (std::string ok : std::vector<std::string>{"work-claude", "a", "A.b_c-9", std::string(64, 'x')})
    CHECK(profiles::validate_alias(ok));
  for (std::string bad : std::vector<std::string>{"", "../x", "a b", "a/b", ".", "..", std::string(65, 'x'), "é"}) {
    auto r = profiles::validate_alias(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().exit_code == k_exit_usage);
  }
}

TEST_CASE("profiles round-trip through TOML without secrets") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  profiles::Profile p;
  p.alias = "work";
  p.provider = "custom";
  p.endpoint = "http://127.0.0.1:1234";
  p.model = "claude-sonnet-4-5";
  p.api_key_env = "WORK_KEY";
  p.isolate = true;
  p.env = {{"FOO", "a \"quoted\" value"}, {"MY_TOKEN", "t0p"}};
  REQUIRE(profiles::save_profile(paths, p));
  REQUIRE(profiles::store_credential(paths, "work", "sk-secret-123"));
  auto loaded = profiles::load_profile(paths, "work");
  REQUIRE(loaded);
  CHECK(loaded->provider == "custom");
  CHECK(loaded->endpoint == "http://127.0.0.1:1234");
  CHECK(loaded->api_key_env == "WORK_KEY");
  CHECK(loaded->isolate);
  CHECK(loaded->env == p.env);
  CHECK(test::read_text(paths.profile_file("work")).find("sk-secret-123") == std::string::npos);
  CHECK(*profiles::load_credential(paths, "work") == "sk-secret-123");
  struct stat st {};
  REQUIRE(::stat(paths.credential_file("work").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(paths.credentials_dir().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  auto pub = profiles::to_public_json(paths, *loaded).dump();
  CHECK(pub.find("sk-secret-123") == std::string::npos);
  CHECK(pub.find("t0p") == std::string::npos);  // env values that look secret are masked
}

TEST_CASE("secret-looking [env] values are stored in credentials/ (0600), not in the profile") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  profiles::Profile p;
  p.alias = "work";
  p.provider = "anthropic";
  p.env = {{"ANTHROPIC_AUTH_TOKEN", "sk-auth-777"}, {"DEBUG", "1"}, {"my_password", "hunter2"}};
  REQUIRE(profiles::save_profile(paths, p));
  const auto toml_text = test::read_text(paths.profile_file("work"));
  CHECK(toml_text.find("sk-auth-777") == std::string::npos);
  CHECK(toml_text.find("hunter2") == std::string::npos);
  CHECK(toml_text.find("DEBUG = '1'") != std::string::npos);
  const auto secret_file = paths.credentials_dir() / "work+env";
  CHECK(test::read_text(secret_file) ==
        "# clown profile 'work': its secret [env] values\nANTHROPIC_AUTH_TOKEN = 'sk-auth-777'\nmy_password = "
        "'hunter2'\n");
  struct stat st {};
  REQUIRE(::stat(secret_file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto loaded = profiles::load_profile(paths, "work");
  REQUIRE(loaded);
  CHECK(loaded->env == p.env);  // merged back

  // A file others can read is refused like ssh refuses a private key.
  ::chmod(secret_file.c_str(), 0644);
  auto open = profiles::load_profile(paths, "work");
  REQUIRE_FALSE(open);
  CHECK(open.error().message == "permissions 0644 for " + secret_file.string() +
                                    " are too open: it holds a secret and must be readable by you only; run: chmod "
                                    "600 " +
                                    secret_file.string());
  ::chmod(secret_file.c_str(), 0600);

  // Without secret values the file goes; deleting the profile removes it.
  loaded->env.erase("my_password");
  REQUIRE(profiles::save_profile(paths, *loaded));
  CHECK(test::read_text(secret_file).find("hunter2") == std::string::npos);
  REQUIRE(profiles::delete_profile(paths, "work"));
  CHECK_FALSE(std::filesystem::exists(secret_file));
  p.env = {{"DEBUG", "1"}};
  REQUIRE(profiles::save_profile(paths, p));
  CHECK_FALSE(std::filesystem::exists(secret_file));
}

TEST_CASE("a stored key readable by others, or unreadable, is an error") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  REQUIRE(profiles::store_credential(paths, "work", "sk-1"));
  ::chmod(paths.credential_file("work").c_str(), 0640);
  auto key = profiles::load_credential(paths, "work");
  REQUIRE_FALSE(key);
  CHECK(key.error().message == "permissions 0640 for " + paths.credential_file("work").string() +
                                   " are too open: it holds a secret and must be readable by you only; run: chmod "
                                   "600 " +
                                   paths.credential_file("work").string());
  std::filesystem::remove(paths.credential_file("work"));
  std::filesystem::create_directory(paths.credential_file("work"));  // unreadable as a file, even for root
  ::chmod(paths.credential_file("work").c_str(), 0700);
  auto dir = profiles::load_credential(paths, "work");
  REQUIRE_FALSE(dir);
  CHECK(dir.error().message == "cannot read " + paths.credential_file("work").string() + ": Is a directory");
}

TEST_CASE("a malformed profile names file, line and column and the others still load") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  profiles::Profile good;
  good.alias = "good";
  good.provider = "self";
  REQUIRE(profiles::save_profile(paths, good));
  test::write_text(paths.profile_file("bad"), "provider = \"self\"\nmodel = \"unterminated\n");
  auto bad = profiles::load_profile(paths, "bad");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.rfind(paths.profile_file("bad").string() + ":2:", 0) == 0);
  auto listing = profiles::list_profiles(paths);
  REQUIRE(listing.profiles.size() == 1);
  CHECK(listing.profiles[0].alias == "good");
  REQUIRE(listing.broken.size() == 1);
}

TEST_CASE("a profile's unknown keys are warnings, its wrong types errors, both naming file and line") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  const auto file = paths.profile_file("p").string();
  test::write_text(paths.profile_file("p"), "provider = \"self\"\nmodle = \"glm-5.1\"\nisloate = true\n");
  auto p = profiles::load_profile(paths, "p");
  REQUIRE(p);
  CHECK(p->model.empty());
  CHECK(p->load_warnings == std::vector<std::string>{file + ":2: unknown key 'modle' (ignored); did you mean 'model'?",
                                                     file + ":3: unknown key 'isloate' (ignored); did you mean "
                                                            "'isolate'?"});
  test::write_text(paths.profile_file("p"), "provider = \"self\"\n\nisolate = \"yes\"\n");
  p = profiles::load_profile(paths, "p");
  REQUIRE_FALSE(p);
  CHECK(p.error().message == file + ":3: 'isolate' must be true or false");
  test::write_text(paths.profile_file("p"), "provider = 5\n");
  CHECK(profiles::load_profile(paths, "p").error().message == file + ":1: 'provider' must be a string");
}

TEST_CASE("parse_profile reads a profile's TOML text as load_profile reads its file") {
  auto p = profiles::parse_profile("agent = 'codex'\nprovider = 'zai'\nmodle = 'x'\nisolate = true\n[env]\nA = 'b'\n",
                                   "/h/profiles/w.toml", "w");
  REQUIRE(p);
  CHECK(p->alias == "w");
  CHECK(p->agent == "codex");
  CHECK(p->provider == "zai");
  CHECK(p->isolate);
  CHECK(p->env == std::map<std::string, std::string>{{"A", "b"}});
  CHECK(p->load_warnings ==
        std::vector<std::string>{"/h/profiles/w.toml:3: unknown key 'modle' (ignored); did you mean 'model'?"});
  CHECK(profiles::parse_profile("provider = \"self\"\nmodel = \"unterminated\n", "/h/w.toml", "w")
            .error()
            .message.rfind("/h/w.toml:2:", 0) == 0);
  CHECK(profiles::parse_profile("model = 'm'\n", "/h/w.toml", "w").error().message == "/h/w.toml: missing 'provider'");
}

TEST_CASE("a providers.d file with a wrong type is skipped with a warning naming line and key") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  test::write_text(paths.providers_dir() / "p.toml", "id = \"p\"\ntype = 5\n");
  test::write_text(paths.providers_dir() / "q.toml", "id = \"q\"\nrequires_endpoint = \"yes\"\n");
  const auto c = profiles::load_catalog(paths);
  CHECK(c.find_provider("p") == nullptr);
  CHECK(c.find_provider("q") == nullptr);
  CHECK(c.warnings == std::vector<std::string>{(paths.providers_dir() / "p.toml").string() + ":2: 'type' must be a "
                                                                                             "string",
                                               (paths.providers_dir() / "q.toml").string() +
                                                   ":2: 'requires_endpoint' must be true or false"});
}

TEST_CASE("unknown profiles list the known ones") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  for (const char* a : {"b-prof", "a-prof"}) {
    profiles::Profile p;
    p.alias = a;
    p.provider = "self";
    REQUIRE(profiles::save_profile(paths, p));
  }
  auto r = profiles::load_profile(paths, "nope");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "unknown profile 'nope'; known profiles: a-prof, b-prof");
  CHECK(r.error().exit_code == k_exit_usage);
}

TEST_CASE("built-in catalog has the documented providers and providers.d adds and overrides") {
  auto c = profiles::builtin_catalog();
  for (const char* id :
       {"anthropic", "openai", "gemini", "self", "zai", "kimi", "minimax", "deepseek", "openrouter", "qwen", "custom"})
    CHECK(c.find_provider(id) != nullptr);
  auto anthropic_url = [&](const char* id) {
    return c.find_provider(id)->endpoint_for(profiles::ProviderApi::anthropic)->url;
  };
  CHECK(anthropic_url("zai") == "https://api.z.ai/api/anthropic");
  CHECK(anthropic_url("kimi") == "https://api.moonshot.ai/anthropic");
  CHECK(anthropic_url("minimax") == "https://api.minimax.io/anthropic");
  CHECK(anthropic_url("deepseek") == "https://api.deepseek.com/anthropic");
  CHECK(anthropic_url("qwen") == "https://dashscope-intl.aliyuncs.com/apps/anthropic");
  CHECK(c.find_agent("claude")->binary == "claude");

  test::TempDir tmp;
  Paths paths{tmp.path()};
  test::write_text(paths.providers_dir() / "mine.toml",
                   "id = \"mine\"\ntype = \"anthropic-compatible\"\nendpoint = \"https://llm.example/anthropic\"\n"
                   "key_env = \"MINE_KEY\"\ndefault_model = \"m-1\"\n");
  test::write_text(paths.providers_dir() / "zai.toml", "endpoint = \"https://proxy.example/zai\"\n");
  test::write_text(paths.providers_dir() / "broken.toml", "id = \n");
  test::write_text(paths.agents_dir() / "other.toml", "id = \"other\"\nbinary = \"other-agent\"\n");
  auto loaded = profiles::load_catalog(paths);
  REQUIRE(loaded.find_provider("mine"));
  CHECK(loaded.find_provider("mine")->default_model == "m-1");
  CHECK(loaded.find_provider("zai")->endpoint_for(profiles::ProviderApi::anthropic)->url ==
        "https://proxy.example/zai");
  CHECK(loaded.find_agent("other")->binary == "other-agent");
  REQUIRE(loaded.warnings.size() == 1);
  CHECK(loaded.warnings[0].find("broken.toml:1:") != std::string::npos);
}

TEST_CASE("config.toml gives defaults when missing and errors with position when malformed") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  auto c = config::load_config(paths);
  REQUIRE(c);
  CHECK(c->daemon_port == 8765);
  test::write_text(paths.config_file(), "timezone = \"Europe/Berlin\"\n[daemon]\nport = 9000\n");
  c = config::load_config(paths);
  REQUIRE(c);
  CHECK(c->daemon_port == 9000);
  CHECK(c->timezone == "Europe/Berlin");
  test::write_text(paths.config_file(), "[daemon\n");
  c = config::load_config(paths);
  REQUIRE_FALSE(c);
  CHECK(c.error().message.find("config.toml:1:") != std::string::npos);
}

TEST_CASE("auto_update is written only when true and read back") {
  test::TempDir tmp;
  Paths paths{tmp.path()};
  profiles::Profile p;
  p.alias = "pinned";
  p.provider = "self";
  p.agent_bin = "/opt/claude/bin/claude";
  REQUIRE(profiles::save_profile(paths, p));
  const auto text = test::read_text(paths.profile_file("pinned"));
  CHECK(text.find("auto_update") == std::string::npos);
  CHECK(text.find("isolate = false") != std::string::npos);
  CHECK_FALSE(profiles::load_profile(paths, "pinned")->auto_update);
  p.auto_update = true;
  REQUIRE(profiles::save_profile(paths, p));
  CHECK(test::read_text(paths.profile_file("pinned")).find("auto_update = true") != std::string::npos);
  CHECK(profiles::load_profile(paths, "pinned")->auto_update);
}
