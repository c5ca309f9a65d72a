// End-to-end proof with the real Claude Code CLI : `clown run` of a
// profile pointing at tests/fake_provider, then telemetry, import and the web
// UI, checked against what the provider returned and against Claude Code's
// own cost-state totals.
#include <signal.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <future>
#include <set>
#include <string>

#include <httplib.h>

#include "common/format.hpp"
#include "tests/e2e/e2e_support.hpp"

using namespace clown::e2e;
using clown::test::ProcessResult;

namespace {

void create_profile(const World& world, const std::string& alias, const FakeProvider& provider,
                    const std::string& key_env, const fs::path& claude, bool isolate) {
  std::vector<std::string> args = {
      "profiles",     "create",       alias,           "--agent", "claude",  "--provider",        "custom",
      "--endpoint",   provider.url(), "--api-key-env", key_env,   "--model", "claude-sonnet-4-5", "--agent-bin",
      claude.string()};
  if (isolate) args.push_back("--isolate");
  ProcessResult r = world.clown(args);
  INFO("profiles create: " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

void check_tokens(const json& tokens, const Totals& t) {
  INFO("tokens: " << tokens.dump());
  CHECK(tokens.at("input_tokens").get<int64_t>() == t.input);
  CHECK(tokens.at("output_tokens").get<int64_t>() == t.output);
  CHECK(tokens.at("cache_creation_input_tokens").get<int64_t>() == t.cache_5m + t.cache_1h);
  CHECK(tokens.at("cache_read_input_tokens").get<int64_t>() == t.cache_read);
}

json usage_json(const World& world, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"usage", "--period", "all", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  ProcessResult r = world.clown(args);
  INFO("clown usage: " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

// The text right after `marker` then `opener` in a dumped DOM, up to the next
// tag: e.g. the value of the card after data-card="total_tokens".
std::string page_text_after(const std::string& dom, const std::string& marker, const std::string& opener) {
  auto at = dom.find(marker);
  if (at == std::string::npos) return "<" + marker + " not found>";
  at = dom.find(opener, at);
  if (at == std::string::npos) return "<" + opener + " not found>";
  at += opener.size();
  return dom.substr(at, dom.find('<', at) - at);
}

const std::vector<std::string> k_prompt = {"--", "-p", "run echo", "--allowedTools", "Bash"};

std::vector<std::string> run_args(const std::string& alias) {
  std::vector<std::string> args = {"run", alias};
  args.insert(args.end(), k_prompt.begin(), k_prompt.end());
  return args;
}

// Scenario 1: one run, exact tokens and cost. With `thinking` the provider
// answers with a thinking block first, so one response becomes three
// transcript lines (thinking, text, tool_use) with the same usage.
void scenario_run_tokens_and_cost(const std::string& version, bool thinking = false) {
  fs::path claude = claude_bin(version);
  World world;
  const std::string key = "e2e-key-" + version;
  FakeProvider provider(world.base.dir(), 101, "normal", key,
                        thinking ? std::vector<std::string>{"--thinking"} : std::vector<std::string>{});
  create_profile(world, "e2e", provider, "E2E_KEY", claude, true);

  ProcessResult run = world.clown_with(run_args("e2e"), {{"E2E_KEY", key}});
  INFO("clown run: " << run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("The command ran and printed: hi") != std::string::npos);

  // The provider saw the profile's key (as x-api-key or a bearer token) and model.
  auto requests = provider.messages();
  REQUIRE(requests.size() >= 2);  // the Bash tool call, then the final text
  for (const auto& r : requests) {
    INFO("request: " << r.dump());
    CHECK(r.value("status", 0) == 200);
    std::string kind = r.value("auth_kind", "");
    CHECK((kind == "x-api-key" || kind == "bearer"));
    CHECK(r.value("auth_value", "") == key);
    CHECK(r.value("model", "") == "claude-sonnet-4-5");
  }

  if (thinking) {
    int thinking_lines = 0;
    for (const auto& l : transcript_lines(world.clown_home / "homes" / "e2e")) {
      if (l.value("type", "") != "assistant" || !l.contains("message")) continue;
      json content = l["message"].value("content", json::array());
      if (content.is_array() && !content.empty() && content[0].value("type", "") == "thinking") ++thinking_lines;
    }
    CHECK(thinking_lines == static_cast<int>(requests.size()));
  }

  auto lines = world.session_lines();
  REQUIRE(lines.size() == 1);
  const json& line = lines[0];
  INFO("sessions.jsonl: " << line.dump());
  CHECK(line.value("profile", "") == "e2e");
  CHECK(line.value("exit_code", -1) == 0);
  Totals t = provider.totals();
  check_tokens(line.at("tokens"), t);

  // Claude Code's own total: 2.1.328 writes it (cost-state); 2.1.197 does not,
  // so its oracle is the same prices applied to what the provider returned.
  double oracle = t.sonnet_45_cost();
  auto cost_states = last_cost_state(world.clown_home / "homes" / "e2e");
  if (version == k_new_claude) {
    REQUIRE(cost_states.size() == 1);
    CHECK(std::abs(cost_states.begin()->second - oracle) < 1e-9);
    oracle = cost_states.begin()->second;
  }
  CHECK(std::abs(line.at("cost").at("total_cost").get<double>() - oracle) < 1e-9);
}

// Scenario 1 with a subagent: the sidechain requests are billed too.
// Distinct subagent requests (message ids of sidechain assistant lines) in a config dir's transcripts.
int sidechain_requests(const fs::path& config_dir) {
  std::set<std::string> ids;
  for (const auto& line : transcript_lines(config_dir))
    if (line.value("type", "") == "assistant" && line.value("isSidechain", false) && line.contains("message"))
      ids.insert(line["message"].value("id", ""));
  return static_cast<int>(ids.size());
}

void scenario_subagent(const std::string& version) {
  fs::path claude = claude_bin(version);
  World world;
  FakeProvider provider(world.base.dir(), 111, "normal", "key-sub");
  create_profile(world, "e2e", provider, "E2E_KEY", claude, true);
  // fake_provider answers a first turn whose prompt has SPAWN_SUBAGENT with a
  // Task (2.1.197) / Agent (2.1.328) tool call.
  ProcessResult run = world.clown_with({"run", "e2e", "--", "-p", "SPAWN_SUBAGENT: run echo hi in a subagent",
                                        "--allowedTools", "Bash", "Task", "Agent"},
                                       {{"E2E_KEY", "key-sub"}});
  INFO("clown run: " << run.out << run.err);
  REQUIRE(run.exit_code == 0);
  Totals t = provider.totals();
  REQUIRE(t.requests >= 4);  // main: tool call + end; subagent: tool call + end
  int sidechain = 0;
  for (const auto& line : transcript_lines(world.clown_home / "homes" / "e2e"))
    if (line.value("type", "") == "assistant" && line.value("isSidechain", false)) ++sidechain;
  REQUIRE(sidechain >= 2);

  auto lines = world.session_lines();
  REQUIRE(lines.size() == 1);
  INFO("sessions.jsonl: " << lines[0].dump());
  check_tokens(lines[0].at("tokens"), t);
  double oracle = t.sonnet_45_cost();
  if (version == k_new_claude) {
    auto cost_states = last_cost_state(world.clown_home / "homes" / "e2e");
    REQUIRE(cost_states.size() == 1);
    CHECK(std::abs(cost_states.begin()->second - oracle) < 1e-9);
  }
  CHECK(std::abs(lines[0].at("cost").at("total_cost").get<double>() - oracle) < 1e-9);

  // The session drill-down groups the subagent's requests under it, named from its meta.json.
  const std::string session = lines[0].at("session_ids").at(0).get<std::string>();
  ProcessResult detail = world.clown_with({"usage", "session", session, "--json"}, {});
  INFO("clown usage session: " << detail.out << detail.err);
  REQUIRE(detail.exit_code == 0);
  const json d = json::parse(detail.out);
  REQUIRE(d.at("agents").at("subagents").size() == 1);
  const json& sub = d["agents"]["subagents"][0];
  CHECK(sub.at("agent_type") == "general-purpose");
  CHECK_FALSE(sub.at("description").get<std::string>().empty());
  CHECK(sub.at("requests") == sidechain_requests(world.clown_home / "homes" / "e2e"));
  CHECK(d["agents"]["main"]["requests"].get<int>() + sub["requests"].get<int>() == d["totals"]["requests"].get<int>());
  CHECK(std::abs(d.at("totals").at("cost").at("total_cost").get<double>() - oracle) < 1e-9);
  int subagent_rows = 0;
  for (const auto& r : d.at("requests"))
    if (r.at("role") == "subagent") {
      ++subagent_rows;
      CHECK(r.at("agent_id") == sub.at("agent_id"));
    }
  CHECK(subagent_rows == sub.at("requests").get<int>());
}

// Scenario 3: the agent fails; clown passes its status through and records the run.
void scenario_agent_fails(const std::string& version, const std::string& mode) {
  fs::path claude = claude_bin(version);
  World world;
  const std::string good_key = "right-key";
  // fail500: every call gets HTTP 500; unauthorized: the profile's key is wrong → 401.
  const std::string sent_key = mode == "fail500" ? good_key : "wrong-key";
  FakeProvider provider(world.base.dir(), 301, mode == "fail500" ? "fail500" : "normal", good_key);

  ProcessResult direct =
      run_claude_direct(world, claude, provider.url(), sent_key, {"-p", "run echo", "--allowedTools", "Bash"});
  INFO("claude direct: " << direct.exit_code << " " << direct.out << direct.err);
  REQUIRE(direct.exit_code != 0);
  REQUIRE(direct.exit_code != 124);

  create_profile(world, "e2e", provider, "E2E_KEY", claude, true);
  ProcessResult run = world.clown_with(run_args("e2e"), {{"E2E_KEY", sent_key}});
  INFO("clown run: " << run.out << run.err);
  CHECK(run.exit_code == direct.exit_code);

  auto requests = provider.messages();
  REQUIRE_FALSE(requests.empty());
  for (const auto& r : requests) CHECK(r.value("status", 0) == (mode == "fail500" ? 500 : 401));

  auto lines = world.session_lines();
  REQUIRE(lines.size() == 1);
  INFO("sessions.jsonl: " << lines[0].dump());
  CHECK(lines[0].value("profile", "") == "e2e");
  CHECK(lines[0].value("exit_code", -1) == direct.exit_code);
  check_tokens(lines[0].at("tokens"), Totals{});
}

// Scenario 6: SIGINT to `clown run` while Claude Code waits on the provider.
void scenario_sigint(const std::string& version) {
  fs::path claude = claude_bin(version);
  World world;
  const std::string key = "slow-key";

  auto interrupt = [&](const std::vector<std::string>& argv, const Env& extra, const FakeProvider& provider,
                       const std::string& log) {
    Env env = world.env;
    for (const auto& [k, v] : extra) env[k] = v;
    Background proc(argv, env, world.work, world.base.dir() / log);
    bool waiting = wait_until(
        [&] {
          for (const auto& r : provider.messages())
            if (r.value("slow", false)) return true;
          return false;
        },
        60);
    REQUIRE(waiting);
    proc.signal(SIGINT);
    int status = proc.wait(60);
    INFO(log << " out: " << clown::test::read_text(world.base.dir() / (log + ".out"))
             << " err: " << clown::test::read_text(world.base.dir() / (log + ".err")));
    REQUIRE(status != -1);  // it ended after SIGINT, without SIGKILL
    // Claude Code dropped the pending request: the provider saw the disconnect.
    bool dropped = wait_until(
        [&] {
          for (const auto& r : read_jsonl(provider.record_file()))
            if (r.value("event", "") == "client_disconnected") return true;
          return false;
        },
        10);
    CHECK(dropped);
    return status;
  };

  // Reference: the status Claude Code itself exits with on SIGINT.
  int direct_status;
  {
    FakeProvider provider(world.base.dir(), 601, "slow");
    direct_status = interrupt({claude.string(), "-p", "run echo", "--allowedTools", "Bash"},
                              {{"ANTHROPIC_BASE_URL", provider.url()},
                               {"ANTHROPIC_API_KEY", key},
                               {"CLAUDE_CONFIG_DIR", (world.base.dir() / "direct-config").string()}},
                              provider, "claude-direct");
  }
  FakeProvider provider(world.base.dir(), 602, "slow");
  create_profile(world, "e2e", provider, "E2E_KEY", claude, true);
  std::vector<std::string> argv = {clown::test::clown_binary().string()};
  auto args = run_args("e2e");
  argv.insert(argv.end(), args.begin(), args.end());
  int status = interrupt(argv, {{"E2E_KEY", key}}, provider, "clown-run");
  CHECK(status == direct_status);

  auto lines = world.session_lines();
  REQUIRE(lines.size() == 1);
  INFO("sessions.jsonl: " << lines[0].dump());
  CHECK(lines[0].value("exit_code", -1) == direct_status);
  CHECK(lines[0].value("profile", "") == "e2e");
}

// Scenario 2: two profiles, two providers, one directory, at the same time.
void scenario_concurrent(const std::string& version) {
  fs::path claude = claude_bin(version);
  World world;
  FakeProvider provider_a(world.base.dir(), 201, "normal", "key-a");
  FakeProvider provider_b(world.base.dir(), 202, "normal", "key-b");
  // Not isolated: both write into the same ~/.claude/projects/<cwd>/ folder,
  // so only the session hooks can tell whose transcript is whose.
  create_profile(world, "e2e-a", provider_a, "E2E_KEY_A", claude, false);
  create_profile(world, "e2e-b", provider_b, "E2E_KEY_B", claude, false);
  Env keys = {{"E2E_KEY_A", "key-a"}, {"E2E_KEY_B", "key-b"}};
  auto a = std::async(std::launch::async, [&] { return world.clown_with(run_args("e2e-a"), keys); });
  auto b = std::async(std::launch::async, [&] { return world.clown_with(run_args("e2e-b"), keys); });
  ProcessResult ra = a.get(), rb = b.get();
  INFO("run a: " << ra.out << ra.err << "\nrun b: " << rb.out << rb.err);
  REQUIRE(ra.exit_code == 0);
  REQUIRE(rb.exit_code == 0);

  Totals ta = provider_a.totals(), tb = provider_b.totals();
  REQUIRE(ta.requests >= 2);
  REQUIRE(tb.requests >= 2);
  auto lines = world.session_lines();
  REQUIRE(lines.size() == 2);
  for (const auto& line : lines) {
    INFO("sessions.jsonl: " << line.dump());
    bool is_a = line.value("profile", "") == "e2e-a";
    CHECK((is_a || line.value("profile", "") == "e2e-b"));
    const Totals& t = is_a ? ta : tb;
    check_tokens(line.at("tokens"), t);
    CHECK(std::abs(line.at("cost").at("total_cost").get<double>() - t.sonnet_45_cost()) < 1e-9);

    json usage = usage_json(world, {"--profile", line.value("profile", "")});
    INFO("usage --profile: " << usage.dump());
    check_tokens(usage.at("total_tokens"), t);
    CHECK(std::abs(usage.at("total_cost").at("total_cost").get<double>() - t.sonnet_45_cost()) < 1e-9);
    CHECK(usage.value("total_requests", -1) == t.requests);
  }
}

// Scenario 4: import-claude after runs adds nothing and changes no total.
void scenario_import_after_run(const std::string& version) {
  fs::path claude = claude_bin(version);
  World world;
  FakeProvider provider(world.base.dir(), 401, "normal", "key-4");
  create_profile(world, "e2e", provider, "E2E_KEY", claude, true);
  ProcessResult run = world.clown_with(run_args("e2e"), {{"E2E_KEY", "key-4"}});
  INFO("clown run: " << run.out << run.err);
  REQUIRE(run.exit_code == 0);

  Totals t = provider.totals();
  json before = usage_json(world);
  check_tokens(before.at("total_tokens"), t);
  REQUIRE(before.value("total_requests", -1) == t.requests);

  auto import = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"usage", "import-claude", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult r = world.clown(args);
    INFO("import-claude: " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    json summary = json::parse(r.out, nullptr, false);
    REQUIRE_FALSE(summary.is_discarded());
    return summary;
  };
  auto check_unchanged = [&] {
    json after = usage_json(world);
    CHECK(after.at("total_tokens") == before.at("total_tokens"));
    CHECK(after.value("total_requests", -1) == before.value("total_requests", -2));
    CHECK(std::abs(after.at("total_cost").at("total_cost").get<double>() -
                   before.at("total_cost").at("total_cost").get<double>()) < 1e-12);
    CHECK(after.at("aggregates").at("by_profile").contains("e2e"));
    CHECK_FALSE(after.at("aggregates").at("by_profile").contains("claude-native"));
  };

  // Default dirs (HOME has no ~/.claude; isolated homes are always included).
  json first = import({});
  INFO("first import: " << first.dump());
  CHECK(first.value("new_requests", -1) == 0);
  check_unchanged();
  std::string home = (world.clown_home / "homes" / "e2e").string();
  json second = import({"--claude-dir", home});
  INFO("second import: " << second.dump());
  CHECK(second.value("new_requests", -1) == 0);
  json third = import({"--claude-dir", home});
  INFO("third import: " << third.dump());
  CHECK(third.value("new_requests", -1) == 0);
  check_unchanged();
}
}  // namespace

TEST_CASE("e2e1 run records provider tokens and Claude Code cost - claude 2.1.328") {
  scenario_run_tokens_and_cost(k_new_claude);
}

TEST_CASE("e2e1 run records provider tokens and Claude Code cost - claude 2.1.197") {
  scenario_run_tokens_and_cost(k_old_claude);
}

TEST_CASE("e2e1 run with thinking blocks counts each response once - claude 2.1.328") {
  scenario_run_tokens_and_cost(k_new_claude, true);
}

TEST_CASE("e2e1 run with thinking blocks counts each response once - claude 2.1.197") {
  scenario_run_tokens_and_cost(k_old_claude, true);
}

TEST_CASE("e2e1 run with a subagent counts sidechain requests - claude 2.1.328") { scenario_subagent(k_new_claude); }

TEST_CASE("e2e1 run with a subagent counts sidechain requests - claude 2.1.197") { scenario_subagent(k_old_claude); }

TEST_CASE("e2e1 resumed session: the second run gets only its own requests - claude 2.1.328") {
  fs::path claude = claude_bin(k_new_claude);
  World world;
  FakeProvider provider(world.base.dir(), 121, "normal", "key-res");
  create_profile(world, "e2e", provider, "E2E_KEY", claude, true);
  Env key = {{"E2E_KEY", "key-res"}};
  ProcessResult first = world.clown_with(run_args("e2e"), key);
  INFO("first run: " << first.out << first.err);
  REQUIRE(first.exit_code == 0);
  auto first_requests = provider.messages();
  auto lines = world.session_lines();
  REQUIRE(lines.size() == 1);
  REQUIRE(lines[0].contains("session_ids"));
  REQUIRE_FALSE(lines[0]["session_ids"].empty());
  std::string session = lines[0]["session_ids"][0].get<std::string>();

  ProcessResult second = world.clown_with({"run", "e2e", "--", "-p", "say done", "--resume", session}, key);
  INFO("second run: " << second.out << second.err);
  REQUIRE(second.exit_code == 0);
  auto all = provider.messages();
  REQUIRE(all.size() > first_requests.size());
  std::vector<json> later(all.begin() + static_cast<std::ptrdiff_t>(first_requests.size()), all.end());
  Totals t1 = totals_of(first_requests), t2 = totals_of(later);

  lines = world.session_lines();
  REQUIRE(lines.size() == 2);
  INFO("sessions.jsonl: " << lines[0].dump() << "\n" << lines[1].dump());
  check_tokens(lines[0].at("tokens"), t1);
  check_tokens(lines[1].at("tokens"), t2);
  // Claude Code's cost-state is cumulative over the resumed session.
  auto costs = cost_states_of(world.clown_home / "homes" / "e2e", session);
  REQUIRE(costs.size() == 2);
  CHECK(std::abs(lines[0].at("cost").at("total_cost").get<double>() - costs[0]) < 1e-9);
  CHECK(std::abs(lines[1].at("cost").at("total_cost").get<double>() - (costs[1] - costs[0])) < 1e-9);
}

TEST_CASE("e2e2 two profiles run concurrently from one directory - claude 2.1.328") {
  scenario_concurrent(k_new_claude);
}

TEST_CASE("e2e2 two profiles run concurrently from one directory - claude 2.1.197") {
  scenario_concurrent(k_old_claude);
}

TEST_CASE("e2e3 agent fails with HTTP 500 - claude 2.1.328") { scenario_agent_fails(k_new_claude, "fail500"); }

TEST_CASE("e2e3 agent fails with a bad key - claude 2.1.328") { scenario_agent_fails(k_new_claude, "unauthorized"); }

TEST_CASE("e2e3 agent fails with HTTP 500 - claude 2.1.197") { scenario_agent_fails(k_old_claude, "fail500"); }

TEST_CASE("e2e4 import-claude after runs adds nothing - claude 2.1.328") { scenario_import_after_run(k_new_claude); }

TEST_CASE("e2e4 import-claude after runs adds nothing - claude 2.1.197") { scenario_import_after_run(k_old_claude); }

TEST_CASE("e2e5 daemon API and usage page show the CLI totals - claude 2.1.328") {
  fs::path claude = claude_bin(k_new_claude);
  World world;
  FakeProvider provider(world.base.dir(), 501, "normal", "key-5");
  create_profile(world, "e2e", provider, "E2E_KEY", claude, true);
  ProcessResult run = world.clown_with(run_args("e2e"), {{"E2E_KEY", "key-5"}});
  INFO("clown run: " << run.out << run.err);
  REQUIRE(run.exit_code == 0);
  json cli = usage_json(world);

  ProcessResult start = world.clown({"daemon", "start", "--port", "0"});
  INFO("daemon start: " << start.out << start.err);
  REQUIRE(start.exit_code == 0);
  struct StopDaemon {
    const World& world;
    ~StopDaemon() { world.clown({"daemon", "stop"}); }
  } stop{world};
  json daemon = json::parse(clown::test::read_text(world.clown_home / "daemon.json"), nullptr, false);
  REQUIRE_FALSE(daemon.is_discarded());
  int port = daemon.value("port", 0);
  REQUIRE(port > 0);

  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  // Every API route but health needs a login: the token header (docs/security.md#login).
  auto res = client.Get("/api/usage?period=all", {{"X-Clown-Token", daemon.value("token", "")}});
  REQUIRE(res);
  REQUIRE(res->status == 200);
  json api = json::parse(res->body, nullptr, false);
  REQUIRE_FALSE(api.is_discarded());
  INFO("api: " << api.dump());
  CHECK(api.value("success", false));
  CHECK(api.at("data").at("total_tokens") == cli.at("total_tokens"));
  CHECK(api.at("data").at("total_requests") == cli.at("total_requests"));
  CHECK(std::abs(api.at("data").at("total_cost").at("total_cost").get<double>() -
                 cli.at("total_cost").at("total_cost").get<double>()) < 1e-12);

  // The page as a browser renders it (its script fetches /api/usage), reached
  // through the one-time login link `clown daemon start` printed: the link
  // sets the session cookie and moves on to /usage (this month: the run above).
  const std::string login_prefix = "Log in once with ";
  const size_t login_at = start.out.find(login_prefix);
  REQUIRE(login_at != std::string::npos);
  const std::string login_url =
      start.out.substr(login_at + login_prefix.size(),
                       start.out.find(' ', login_at + login_prefix.size()) - (login_at + login_prefix.size()));
  ProcessResult page =
      clown::test::run_process({"timeout", "60", "chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                "--user-data-dir=" + (world.base.dir() / "chromium").string(),
                                "--virtual-time-budget=10000", "--dump-dom", login_url},
                               {.env = {{"HOME", world.home.string()}}});
  REQUIRE(page.exit_code == 0);
  INFO("page:\n" << page.out);
  const json& tokens = cli.at("total_tokens");
  int64_t total_tokens = 0;
  for (const auto& [field, value] : tokens.items()) total_tokens += value.get<int64_t>();
  CHECK(page_text_after(page.out, "data-card=\"total_tokens\"", "class=\"value\">") ==
        clown::with_thousands(total_tokens));
  CHECK(page_text_after(page.out, "data-card=\"total_cost\"", "class=\"value\">") ==
        clown::format_usd(cli.at("total_cost").at("total_cost").get<double>()));
  CHECK(page_text_after(page.out, "data-card=\"requests\"", "class=\"value\">") ==
        clown::with_thousands(cli.at("total_requests").get<int64_t>()));
  // The token breakdown table: one row per kind, in this order.
  const std::pair<const char*, const char*> rows[] = {{"<td>Input</td>", "input_tokens"},
                                                      {"<td>Output</td>", "output_tokens"},
                                                      {"<td>Cache write</td>", "cache_creation_input_tokens"},
                                                      {"<td>Cache read</td>", "cache_read_input_tokens"}};
  std::string table = page.out.substr(std::min(page.out.find("id=\"token-breakdown\""), page.out.size()));
  for (const auto& [label, field] : rows) {
    INFO(label);
    CHECK(page_text_after(table, label, "class=\"num\">") == clown::with_thousands(tokens.at(field).get<int64_t>()));
  }
}

TEST_CASE("e2e7 a killed launcher's run is attributed by the next clown run - claude 2.1.328") {
  fs::path claude = claude_bin(k_new_claude);
  World world;
  // Each answer comes 700 ms after the request is recorded: time to kill clown.
  FakeProvider slow(world.base.dir(), 701, "normal", "key-7", {"--delay-ms", "700"});
  FakeProvider quick(world.base.dir(), 702, "normal", "key-7");
  create_profile(world, "e2e", slow, "E2E_KEY", claude, true);
  create_profile(world, "e2e-next", quick, "E2E_KEY", claude, true);
  Env env = world.env;
  env["E2E_KEY"] = "key-7";

  std::vector<std::string> argv = {clown::test::clown_binary().string()};
  auto args = run_args("e2e");
  argv.insert(argv.end(), args.begin(), args.end());
  Background launcher(argv, env, world.work, world.base.dir() / "killed-run", true);
  REQUIRE(wait_until([&] { return !slow.messages().empty(); }, 60));
  launcher.signal(SIGKILL);
  CHECK(launcher.wait(10) == 128 + SIGKILL);
  // Claude Code carries on without its launcher; its stdout closes when it exits.
  REQUIRE(launcher.wait_stdout_closed(60));
  Totals orphan = slow.totals();
  REQUIRE(orphan.requests >= 2);
  CHECK(world.session_lines().empty());

  ProcessResult next = world.clown_with(run_args("e2e-next"), {{"E2E_KEY", "key-7"}});
  INFO("next run: " << next.out << next.err);
  REQUIRE(next.exit_code == 0);
  auto lines = world.session_lines();
  REQUIRE(lines.size() == 2);
  bool seen_orphan = false, seen_next = false;
  for (const auto& line : lines) {
    INFO("sessions.jsonl: " << line.dump());
    if (line.value("profile", "") == "e2e") {
      seen_orphan = true;
      check_tokens(line.at("tokens"), orphan);
      CHECK(std::abs(line.at("cost").at("total_cost").get<double>() - orphan.sonnet_45_cost()) < 1e-9);
    } else {
      seen_next = line.value("profile", "") == "e2e-next";
      check_tokens(line.at("tokens"), quick.totals());
    }
  }
  CHECK(seen_orphan);
  CHECK(seen_next);
}

TEST_CASE("e2e6 SIGINT reaches Claude Code waiting on a slow provider - claude 2.1.328") {
  scenario_sigint(k_new_claude);
}

TEST_CASE("e2e6 SIGINT reaches Claude Code waiting on a slow provider - claude 2.1.197") {
  scenario_sigint(k_old_claude);
}
