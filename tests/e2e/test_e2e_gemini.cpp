// End-to-end proof with the real Gemini CLI (npm @google/gemini-cli 0.61.0):
// `clown run` of a profile pointing at tests/fake_provider/fake_gemini, then
// the run's line, the store and an import, checked against what the provider
// answered (tests/e2e/README.md).
#include <signal.h>

#include <catch2/catch.hpp>

#include "tests/e2e/agents_support.hpp"
#include "tests/support/pty_terminal.hpp"

using namespace clown::e2e;

namespace {

const std::string k_gemini_version = "0.61.0";

struct GeminiWorld : World {
  fs::path gemini = agent_bin("gemini", k_gemini_version);
  GeminiWorld() {
    // The work dir is trusted (else a headless run exits 55); error reports go to TMPDIR.
    env["GEMINI_CLI_TRUST_WORKSPACE"] = "true";
    env["TMPDIR"] = (base.dir() / "tmp").string();
    fs::create_directories(base.dir() / "tmp");
    for (const char* var : {"GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL", "GEMINI_MODEL"})
      env[var] = std::nullopt;
  }
  std::string fake_gemini() const { return FAKE_GEMINI_BIN; }
};

// gemini-2.5-pro in the bundled snapshot: $1.25 / $0.125 cached / $10 per M (below 200k).
double gemini_pro_cost(const Answered& a) {
  return static_cast<double>(a.input) * 1.25e-6 + static_cast<double>(a.cache_read) * 1.25e-7 +
         static_cast<double>(a.output) * 1e-5;
}

}  // namespace

TEST_CASE("e2e gemini: a run records exactly what the provider answered - an import afterwards adds nothing") {
  GeminiWorld w;
  FakeServer provider(w.fake_gemini(), w.base.dir(), 1);
  create_agent_profile(w, "gemini", "gm", provider.url(), "gemini-2.5-pro", w.gemini, true);
  auto r = w.clown({"run", "gm", "--", "-p", "run echo hi", "--yolo"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("hi") != std::string::npos);

  const auto records = provider.records();
  const Answered answered = gemini_answered(records);
  REQUIRE(answered.requests == 2);
  for (const auto& rec : records) {
    if (!rec.contains("usage")) continue;
    CHECK(rec.at("auth_kind") == "x-goog-api-key");
    CHECK(rec.at("auth_value") == "e2e-key");
    CHECK(rec.at("model") == "gemini-2.5-pro");
  }
  auto lines = w.session_lines();
  REQUIRE(lines.size() == 1);
  const json& line = lines[0];
  CHECK(line.at("agent_id") == "gemini");
  CHECK(line.at("exit_code") == 0);
  CHECK(answered_of(line.at("tokens"), line.at("requests")) == answered);
  CHECK(line.at("cost").at("total_cost").get<double>() == Approx(gemini_pro_cost(answered)).epsilon(1e-9));
  REQUIRE(line.at("session_ids").size() == 1);  // the id clown chose, reported by the hooks too

  // clown merged its keys into the isolated home's settings.json.
  auto settings = json::parse(clown::test::read_text(w.clown_home / "homes" / "gm" / ".gemini" / "settings.json"));
  CHECK(settings["security"]["auth"]["selectedType"] == "gemini-api-key");

  auto imported = clown_json(w, {"usage", "import-gemini", "--json"});
  CHECK(imported.at("new_requests") == 0);
  CHECK(imported.at("duplicates") == 2);
  auto all = clown_json(w, {"usage", "--period", "all", "--agent", "gemini", "--json"});
  CHECK(answered_of(all.at("total_tokens"), all.at("total_requests")) == answered);
}

TEST_CASE("e2e gemini: without hooks (the user's own home) the session clown chose finds the run, also resumed") {
  GeminiWorld w;
  FakeServer provider(w.fake_gemini(), w.base.dir(), 2);
  // A custom endpoint needs an explicit API-key auth type; in the user's own
  // home that is the user's settings.json (clown writes none there).
  clown::test::write_text(w.home / ".gemini" / "settings.json",
                          R"({"security": {"auth": {"selectedType": "gemini-api-key"}}})");
  create_agent_profile(w, "gemini", "mine", provider.url(), "gemini-2.5-pro", w.gemini, false);
  size_t seen = 0;
  auto run = [&](std::vector<std::string> gemini_args) {
    std::vector<std::string> args = {"run", "mine", "--"};
    args.insert(args.end(), gemini_args.begin(), gemini_args.end());
    auto r = w.clown(args);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const auto records = provider.records();
    std::vector<json> own(records.begin() + static_cast<long>(seen), records.end());
    seen = records.size();
    const json line = w.session_lines().back();
    CHECK(answered_of(line.at("tokens"), line.at("requests")) == gemini_answered(own));
    return line;
  };
  const json first = run({"-p", "run echo hi", "--yolo"});
  REQUIRE(first.at("session_ids").size() == 1);
  const std::string session = first.at("session_ids")[0];
  const json resumed = run({"--resume", session, "-p", "say done", "--yolo"});
  CHECK(resumed.at("session_ids") == first.at("session_ids"));
  CHECK(resumed.at("requests") == 1);
  auto imported = clown_json(w, {"usage", "import-gemini", "--json"});
  CHECK(imported.at("new_requests") == 0);
  auto all = clown_json(w, {"usage", "--period", "all", "--json"});
  CHECK(answered_of(all.at("total_tokens"), all.at("total_requests")) == gemini_answered(provider.records()));
}

TEST_CASE("e2e gemini: clown run exits with Gemini CLI's own status when the provider fails") {
  GeminiWorld w;
  SECTION("HTTP 500 (one attempt: the user's settings in the isolated home are kept)") {
    FakeServer provider(w.fake_gemini(), w.base.dir(), 3, {"--mode", "fail500"});
    create_agent_profile(w, "gemini", "gm", provider.url(), "gemini-2.5-pro", w.gemini, true);
    clown::test::write_text(w.clown_home / "homes" / "gm" / ".gemini" / "settings.json",
                            R"({"general": {"maxAttempts": 1}})");
    auto r = w.clown({"run", "gm", "--", "-p", "run echo hi", "--yolo"});
    CHECK(r.exit_code == 1);
    auto settings = json::parse(clown::test::read_text(w.clown_home / "homes" / "gm" / ".gemini" / "settings.json"));
    CHECK(settings["general"]["maxAttempts"] == 1);
  }
  SECTION("a key the provider refuses (400 API_KEY_INVALID)") {
    FakeServer provider(w.fake_gemini(), w.base.dir(), 4, {"--expect-key", "the-right-key"});
    create_agent_profile(w, "gemini", "gm", provider.url(), "gemini-2.5-pro", w.gemini, true);
    auto r = w.clown({"run", "gm", "--", "-p", "run echo hi", "--yolo"});
    CHECK(r.exit_code == 1);
  }
  auto lines = w.session_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].at("exit_code") == 1);
  CHECK(lines[0].at("requests") == 0);
}

TEST_CASE("e2e gemini: SIGINT to clown run reaches Gemini CLI (one process) - the line is written") {
  GeminiWorld w;
  FakeServer provider(w.fake_gemini(), w.base.dir(), 5, {"--mode", "slow"});
  create_agent_profile(w, "gemini", "gm", provider.url(), "gemini-2.5-pro", w.gemini, true);
  Background run({clown::test::clown_binary().string(), "run", "gm", "--", "-p", "run echo hi", "--yolo"}, w.env,
                 w.work, w.base.dir() / "clown-run");
  REQUIRE(wait_until([&] { return !provider.records().empty(); }, 60));
  run.signal(SIGINT);
  // Without the relaunch wrapper (GEMINI_CLI_NO_RELAUNCH) Gemini CLI ends on
  // SIGINT with status 0 (tests/data/gemini/README.md); clown passes it on.
  CHECK(run.wait(60) == 0);
  auto lines = w.session_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].at("exit_code") == 0);
  CHECK(lines[0].at("requests") == 0);
}

TEST_CASE("e2e gemini: the interactive TUI's session summary is counted from telemetry - the run equals the log") {
  GeminiWorld w;
  FakeServer provider(w.fake_gemini(), w.base.dir(), 6);
  create_agent_profile(w, "gemini", "gm", provider.url(), "gemini-2.5-pro", w.gemini, true);
  // A first session in the project: the TUI summarizes it when it starts.
  auto first = w.clown({"run", "gm", "--", "-p", "run echo hi", "--yolo"});
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  const size_t seen = provider.records().size();

  clown::test::EnvChanges env(w.env.begin(), w.env.end());
  env["TERM"] = "xterm-256color";
  clown::test::Terminal tui({clown::test::clown_binary().string(), "run", "gm", "--", "--yolo"}, env, w.work, 50, 120);
  using std::chrono::seconds;
  auto type_line = [&](const std::string& text) {
    tui.type(text);
    const bool shown = tui.wait_for(text, seconds(20));
    tui.type("\r");
    return shown;
  };
  tui.expect("Type your message", seconds(90));
  REQUIRE(type_line("run echo hi"));
  tui.expect("The command ran and printed: hi", seconds(90));
  REQUIRE(type_line("/quit"));
  // The command menu may take the first Enter (it completes "/quit"): the
  // goodbye shows when the command ran.
  if (!tui.wait_for("Agent powering down", seconds(15))) tui.type("\r");
  tui.expect("Agent powering down", seconds(30));
  REQUIRE(tui.wait_exit(seconds(60)) == 0);

  const auto records = provider.records();
  const std::vector<json> own(records.begin() + static_cast<long>(seen), records.end());
  bool summarized = false;
  for (const auto& r : own) summarized = summarized || r.value("model", "") == "gemini-3.5-flash-lite";
  CHECK(summarized);  // the utility request no chat file records
  const json line = w.session_lines().back();
  CHECK(answered_of(line.at("tokens"), line.at("requests")) == gemini_answered(own));
  auto models = clown_json(w, {"usage", "models", "--period", "all", "--json"});
  bool lite = false;
  for (const auto& m : models.at("models")) lite = lite || m.at("model") == "gemini-3.5-flash-lite";
  CHECK(lite);
}
