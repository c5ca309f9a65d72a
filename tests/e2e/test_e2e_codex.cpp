// End-to-end proof with the real Codex CLI (npm @openai/codex 0.169.0):
// `clown run` of a profile pointing at tests/fake_provider/fake_openai, then
// the run's line, the store and an import, checked against what the provider
// answered (tests/e2e/README.md).
#include <signal.h>

#include <catch2/catch.hpp>

#include "tests/e2e/agents_support.hpp"

using namespace clown::e2e;

namespace {

const std::string k_codex_version = "0.169.0";

// Codex's git plugin sync reaches out to GitHub at start-up: off (tests/data/codex/README.md).
const std::vector<std::string> k_quiet = {"-c", "features.plugins=false"};

std::vector<std::string> run_args(const std::string& alias, std::vector<std::string> codex_args) {
  std::vector<std::string> args = {"run", alias, "--"};
  args.insert(args.end(), k_quiet.begin(), k_quiet.end());
  args.insert(args.end(), codex_args.begin(), codex_args.end());
  return args;
}

struct CodexWorld : World {
  fs::path codex = agent_bin("codex", k_codex_version);
  CodexWorld() {
    // Codex wants a git repository (or --skip-git-repo-check) for `exec`.
    REQUIRE(clown::test::run_process({"git", "init", "-q", work.string()}).exit_code == 0);
    for (const char* var : {"OPENAI_API_KEY", "OPENAI_BASE_URL", "CODEX_API_KEY"}) env[var] = std::nullopt;
  }
  std::string fake_openai() const { return FAKE_OPENAI_BIN; }
};

// gpt-5-codex in the bundled snapshot: $1.25 / $0.125 cached / $10 per M.
double gpt5_codex_cost(const Answered& a) {
  return static_cast<double>(a.input) * 1.25e-6 + static_cast<double>(a.cache_read) * 1.25e-7 +
         static_cast<double>(a.output) * 1e-5;
}

}  // namespace

TEST_CASE("e2e codex: a run records exactly what the provider answered - an import afterwards adds nothing") {
  CodexWorld w;
  FakeServer provider(w.fake_openai(), w.base.dir(), 1);
  create_agent_profile(w, "codex", "cx", provider.url() + "/v1", "gpt-5-codex", w.codex, true);
  auto r = w.clown(run_args("cx", {"exec", "run echo hi"}));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("hi") != std::string::npos);

  const auto records = provider.records();
  const Answered answered = openai_answered(records);
  REQUIRE(answered.requests == 2);  // the tool call, then the answer
  for (const auto& rec : records) {
    CHECK(rec.at("auth_value") == "e2e-key");  // the profile's key, as a bearer token
    CHECK(rec.at("model") == "gpt-5-codex");
  }
  auto lines = w.session_lines();
  REQUIRE(lines.size() == 1);
  const json& line = lines[0];
  CHECK(line.at("agent_id") == "codex");
  CHECK(line.at("exit_code") == 0);
  CHECK(answered_of(line.at("tokens"), line.at("requests")) == answered);
  CHECK(line.at("cost").at("total_cost").get<double>() == Approx(gpt5_codex_cost(answered)).epsilon(1e-9));
  REQUIRE(line.at("session_ids").size() == 1);  // from Codex's SessionStart hook
  CHECK(line.at("unpriced_models").empty());

  auto before = clown_json(w, {"usage", "--period", "all", "--agent", "codex", "--json"});
  CHECK(answered_of(before.at("total_tokens"), before.at("total_requests")) == answered);
  CHECK(before.at("aggregates").at("by_profile").contains("cx"));
  auto imported = clown_json(w, {"usage", "import-codex", "--json"});
  CHECK(imported.at("files_seen") == 1);  // the isolated home's rollout
  CHECK(imported.at("new_requests") == 0);
  CHECK(imported.at("duplicates") == 2);
  auto after = clown_json(w, {"usage", "--period", "all", "--json"});
  CHECK(after.at("total_tokens") == before.at("total_tokens"));
  CHECK(after.at("total_requests") == 2);
}

TEST_CASE("e2e codex: resumed sessions and subagents in the user's own CODEX_HOME") {
  CodexWorld w;
  FakeServer provider(w.fake_openai(), w.base.dir(), 2);
  create_agent_profile(w, "codex", "mine", provider.url() + "/v1", "gpt-5-codex", w.codex, false);
  size_t seen = 0;
  auto run = [&](std::vector<std::string> codex_args) {
    auto r = w.clown(run_args("mine", codex_args));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const auto records = provider.records();
    std::vector<json> own(records.begin() + static_cast<long>(seen), records.end());
    seen = records.size();
    const json line = w.session_lines().back();
    CHECK(answered_of(line.at("tokens"), line.at("requests")) == openai_answered(own));
    return line;
  };
  const json first = run({"exec", "run echo hi"});
  // Resuming appends to the same rollout: the second run counts only its own requests.
  const json resumed = run({"exec", "resume", "--last", "say done"});
  CHECK(resumed.at("session_ids") == first.at("session_ids"));
  // A subagent writes its own rollout, named by the SubagentStart hook.
  const json spawned = run({"exec", "SPAWN_SUBAGENT: run echo hi in a subagent"});
  CHECK(spawned.at("requests").get<int64_t>() >= 4);
  // Everything lies in ~/.codex (CODEX_HOME unset): an import finds it all and adds nothing.
  CHECK(fs::is_directory(w.home / ".codex" / "sessions"));
  auto imported = clown_json(w, {"usage", "import", "--all", "--json"});
  REQUIRE(imported.size() == 1);
  CHECK(imported[0].at("agent") == "codex");
  CHECK(imported[0].at("new_requests") == 0);
  auto all = clown_json(w, {"usage", "--period", "all", "--json"});
  CHECK(answered_of(all.at("total_tokens"), all.at("total_requests")) == openai_answered(provider.records()));
}

TEST_CASE("e2e codex: clown run exits with Codex's own status when the provider fails") {
  CodexWorld w;
  SECTION("HTTP 500 (retries off)") {
    FakeServer provider(w.fake_openai(), w.base.dir(), 3, {"--mode", "fail500"});
    create_agent_profile(w, "codex", "cx", provider.url() + "/v1", "gpt-5-codex", w.codex, true);
    auto r = w.clown(run_args("cx", {"-c", "model_providers.clown.request_max_retries=0", "-c",
                                     "model_providers.clown.stream_max_retries=0", "exec", "run echo hi"}));
    CHECK(r.exit_code == 1);
  }
  SECTION("a key the provider refuses (401)") {
    FakeServer provider(w.fake_openai(), w.base.dir(), 4, {"--expect-key", "sk-other-key"});
    create_agent_profile(w, "codex", "cx", provider.url() + "/v1", "gpt-5-codex", w.codex, true);
    auto r = w.clown(run_args("cx", {"-c", "model_providers.clown.request_max_retries=0", "exec", "run echo hi"}));
    CHECK(r.exit_code == 1);
  }
  auto lines = w.session_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].at("exit_code") == 1);
  CHECK(lines[0].at("requests") == 0);
  CHECK_FALSE(lines[0].contains("telemetry_error"));
}

TEST_CASE("e2e codex: SIGINT to clown run reaches Codex, which ends the turn - the line is written") {
  CodexWorld w;
  FakeServer provider(w.fake_openai(), w.base.dir(), 5, {"--mode", "slow"});
  create_agent_profile(w, "codex", "cx", provider.url() + "/v1", "gpt-5-codex", w.codex, true);
  std::vector<std::string> argv = {clown::test::clown_binary().string()};
  for (const auto& a : run_args("cx", {"exec", "run echo hi"})) argv.push_back(a);
  Background run(argv, w.env, w.work, w.base.dir() / "clown-run");
  REQUIRE(wait_until([&] { return !provider.records().empty(); }, 60));
  run.signal(SIGINT);
  // Codex exits 1 after an interrupted turn (tests/data/codex/README.md); clown passes it on.
  CHECK(run.wait(60) == 1);
  auto lines = w.session_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].at("exit_code") == 1);
  CHECK(lines[0].at("requests") == 0);
}
