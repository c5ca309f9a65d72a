#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "tests/integration/cli_fixture.hpp"
#include "tests/webui/recording_upstream.hpp"

using namespace clown::test;

namespace {

// Creates a profile whose agent is the fake agent.
void make_profile(const ClownHome& h, const std::string& alias, std::vector<std::string> extra) {
  std::vector<std::string> args = {"profiles", "create", alias, "--agent-bin", fake_agent_binary().string()};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = h.clown(args);
  REQUIRE(r.exit_code == 0);
}

nlohmann::json agent_record(const fs::path& file) { return nlohmann::json::parse(read_text(file)); }

// Starts `clown args...` without waiting (stdio to /dev/null).
pid_t spawn_clown(const ClownHome& h, const std::vector<std::string>& args, std::map<std::string, std::string> env) {
  std::vector<std::string> argv = {clown_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  SpawnOptions options;
  options.clear_env = true;  // only what the test names
  for (const auto& [k, v] : env) options.env[k] = v;
  options.env["CLOWN_HOME"] = h.home().string();
  options.env["PATH"] = "/usr/bin:/bin";
  return spawn_process(argv, options);
}

// Waits (up to 30 s, a deadline rather than a sleep) for the fake agent to
// write its pid into the FIFO it was given as FAKE_AGENT_READY.
int wait_ready(const fs::path& fifo) {
  int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(fd >= 0);
  std::string data;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int n = ::poll(&p, 1, 30000);
    REQUIRE(n == 1);
    char buf[64];
    ssize_t r = ::read(fd, buf, sizeof buf);
    if (r > 0) data.append(buf, static_cast<size_t>(r));
    if (r == 0 && !data.empty()) break;  // writer closed after writing
  }
  ::close(fd);
  return std::stoi(data);
}

// The settings env without the telemetry variables (tested on their own below).
nlohmann::json provider_part(nlohmann::json env) {
  for (auto it = env.begin(); it != env.end();)
    if (it.key().rfind("OTEL_", 0) == 0 || it.key() == "CLAUDE_CODE_ENABLE_TELEMETRY")
      it = env.erase(it);
    else
      ++it;
  return env;
}

}  // namespace

TEST_CASE("clown run gives each provider type its variables in the env and in --settings") {
  ClownHome h;
  make_profile(h, "custom-p",
               {"--provider", "custom", "--endpoint", "http://127.0.0.1:4000", "--api-key-env", "MY_KEY", "--model",
                "claude-sonnet-4-5"});
  make_profile(h, "self-p", {"--provider", "self"});
  REQUIRE(h.clown({"profiles", "create", "anthropic-k", "--provider", "anthropic", "--api-key-stdin", "--agent-bin",
                   fake_agent_binary().string()},
                  {.stdin_data = "sk-ant-stored\n"})
              .exit_code == 0);
  const auto out = h.work() / "agent.json";
  const std::map<std::string, std::optional<std::string>> inherited = {{"FAKE_AGENT_OUT", out.string()},
                                                                       {"MY_KEY", "key-from-env"},
                                                                       {"ANTHROPIC_BASE_URL", "https://leak"},
                                                                       {"ANTHROPIC_API_KEY", "leaked"},
                                                                       {"ANTHROPIC_AUTH_TOKEN", "leaked"},
                                                                       {"ANTHROPIC_MODEL", "leaked"},
                                                                       {"CLAUDECODE", "1"},
                                                                       {"KEEP_ME", "yes"}};

  auto r = h.clown({"run", "custom-p"}, {.env = inherited});
  REQUIRE(r.exit_code == 0);
  auto rec = agent_record(out);
  nlohmann::json expected_env = {{"ANTHROPIC_BASE_URL", "http://127.0.0.1:4000"},
                                 {"ANTHROPIC_AUTH_TOKEN", "key-from-env"},
                                 {"ANTHROPIC_MODEL", "claude-sonnet-4-5"},
                                 {"ANTHROPIC_DEFAULT_OPUS_MODEL", "claude-sonnet-4-5"},
                                 {"ANTHROPIC_DEFAULT_SONNET_MODEL", "claude-sonnet-4-5"},
                                 {"ANTHROPIC_DEFAULT_HAIKU_MODEL", "claude-sonnet-4-5"},
                                 {"DISABLE_AUTOUPDATER", "1"}};  // the profile pins its agent_bin
  CHECK(provider_part(rec["settings"]["env"]) == expected_env);
  CHECK(rec["settings_mode"] == "0600");
  for (const auto& [k, v] : expected_env.items()) CHECK(rec["env"][k] == v);
  CHECK_FALSE(rec["env"].contains("ANTHROPIC_API_KEY"));
  CHECK_FALSE(rec["env"].contains("CLAUDECODE"));
  CHECK(rec["env"]["KEEP_ME"] == "yes");
  CHECK(rec["argv"][1] == "--settings");
  CHECK_FALSE(fs::exists(rec["argv"][2].get<std::string>()));  // removed after exit

  r = h.clown({"run", "anthropic-k"}, {.env = inherited});
  REQUIRE(r.exit_code == 0);
  rec = agent_record(out);
  CHECK(provider_part(rec["settings"]["env"]) ==
        nlohmann::json{{"ANTHROPIC_API_KEY", "sk-ant-stored"}, {"DISABLE_AUTOUPDATER", "1"}});
  CHECK(rec["env"]["ANTHROPIC_API_KEY"] == "sk-ant-stored");
  for (const char* var : {"ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_MODEL"})
    CHECK_FALSE(rec["env"].contains(var));

  r = h.clown({"run", "self-p"}, {.env = inherited});
  REQUIRE(r.exit_code == 0);
  rec = agent_record(out);
  CHECK(provider_part(rec["settings"]["env"]) == nlohmann::json{{"DISABLE_AUTOUPDATER", "1"}});
  for (const char* var : {"ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_MODEL"})
    CHECK_FALSE(rec["env"].contains(var));
  CHECK_FALSE(rec["env"].contains("CLAUDE_CONFIG_DIR"));
}

TEST_CASE("isolated profiles run with their own CLAUDE_CONFIG_DIR") {
  ClownHome h;
  make_profile(h, "iso", {"--provider", "self", "--isolate"});
  const auto out = h.work() / "agent.json";
  auto r = h.clown({"run", "iso"}, {.env = {{"FAKE_AGENT_OUT", out.string()}, {"CLAUDE_CONFIG_DIR", "/elsewhere"}}});
  REQUIRE(r.exit_code == 0);
  auto rec = agent_record(out);
  CHECK(rec["env"]["CLAUDE_CONFIG_DIR"] == (h.home() / "homes" / "iso").string());
  CHECK(fs::is_directory(h.home() / "homes" / "iso"));
}

TEST_CASE("arguments after -- reach the agent unchanged and in order") {
  ClownHome h;
  make_profile(h, "p", {"--provider", "self"});
  const auto out = h.work() / "agent.json";
  std::vector<std::string> args = {"-p", "hello world", "it's \"quoted\"", "ünïcødé ✓", "", "--", "$HOME", "*"};
  std::vector<std::string> cmd = {"run", "p", "--"};
  cmd.insert(cmd.end(), args.begin(), args.end());
  REQUIRE(h.clown(cmd, {.env = {{"FAKE_AGENT_OUT", out.string()}}}).exit_code == 0);
  auto argv = agent_record(out)["argv"].get<std::vector<std::string>>();
  REQUIRE(argv.size() == 3 + args.size());
  CHECK(std::vector<std::string>(argv.begin() + 3, argv.end()) == args);

  // Non-session subcommands get no --settings.
  REQUIRE(h.clown({"run", "p", "--", "mcp", "list"}, {.env = {{"FAKE_AGENT_OUT", out.string()}}}).exit_code == 0);
  argv = agent_record(out)["argv"].get<std::vector<std::string>>();
  CHECK(std::vector<std::string>(argv.begin() + 1, argv.end()) == std::vector<std::string>{"mcp", "list"});
}

TEST_CASE("clown run exits with the agent's code, or 128+N when it died from signal N") {
  ClownHome h;
  make_profile(h, "p", {"--provider", "self"});
  CHECK(h.clown({"run", "p"}, {.env = {{"FAKE_AGENT_EXIT", "7"}}}).exit_code == 7);
  CHECK(h.clown({"run", "p"}, {.env = {{"FAKE_AGENT_SIGNAL", "9"}}}).exit_code == 137);
  CHECK(h.clown({"run", "p"}, {.env = {{"FAKE_AGENT_SIGNAL", "15"}}}).exit_code == 143);
  auto lines = h.session_lines();
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["exit_code"] == 7);
  CHECK(lines[1]["exit_code"] == 137);
  CHECK(lines[2]["exit_code"] == 143);
}

TEST_CASE("SIGINT and SIGTERM sent to clown run are forwarded to the running agent") {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    ClownHome h;
    make_profile(h, "p", {"--provider", "self"});
    const auto fifo = h.work() / "ready";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto got = h.work() / "got-signal";
    pid_t clown_pid = spawn_clown(
        h, {"run", "p"},
        {{"FAKE_AGENT_WAIT", "1"}, {"FAKE_AGENT_READY", fifo.string()}, {"FAKE_AGENT_GOT_SIGNAL", got.string()}});
    int agent_pid = wait_ready(fifo);
    CHECK(agent_pid != clown_pid);
    REQUIRE(::kill(clown_pid, sig) == 0);
    CHECK(wait_process(clown_pid) == 128 + sig);
    CHECK(read_text(got) == std::to_string(sig));
    auto lines = h.session_lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["exit_code"] == 128 + sig);
  }
}

TEST_CASE("20 concurrent runs append 20 intact sessions.jsonl lines") {
  ClownHome h;
  make_profile(h, "p", {"--provider", "self"});
  std::vector<std::thread> threads;
  std::vector<int> codes(20, -1);
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&, i] {
      codes[i] = h.clown({"run", "p"}, {.env = {{"FAKE_AGENT_EXIT", std::to_string(i)}}}).exit_code;
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < 20; ++i) CHECK(codes[i] == i);
  auto lines = h.session_lines();  // throws on any torn line
  REQUIRE(lines.size() == 20);
  std::set<std::string> run_ids;
  std::set<int> exit_codes;
  for (const auto& l : lines) {
    run_ids.insert(l["run_id"].get<std::string>());
    exit_codes.insert(l["exit_code"].get<int>());
    CHECK(l["profile"] == "p");
    CHECK(l["agent_id"] == "claude");
    CHECK(l["provider_id"] == "self");
    CHECK(l["cwd"] == h.work().string());
    CHECK(l["duration_secs"].get<double>() >= 0);
  }
  CHECK(run_ids.size() == 20);
  CHECK(exit_codes.size() == 20);
  CHECK(fs::is_empty(h.home() / "telemetry" / "runs"));
}

TEST_CASE("sessions.jsonl lines carry the documented fields with millisecond times") {
  ClownHome h;
  make_profile(h, "p", {"--provider", "custom", "--endpoint", "http://127.0.0.1:9", "--model", "claude-sonnet-4-5"});
  REQUIRE(h.clown({"run", "p"}, {.env = {{"FAKE_AGENT_SESSION", "sess-1"}}}).exit_code == 0);
  auto lines = h.session_lines();
  REQUIRE(lines.size() == 1);
  const auto& l = lines[0];
  for (const char* key : {"profile", "agent_id", "provider_id", "model", "run_id", "cwd", "started_at", "ended_at",
                          "duration_secs", "exit_code", "tokens", "cost"})
    CHECK(l.contains(key));
  CHECK(l["model"] == "claude-sonnet-4-5");
  CHECK(l["started_at"].get<std::string>().size() == 24);        // 2026-11-24T11:33:03.547Z
  CHECK(l["session_ids"] == nlohmann::json::array({"sess-1"}));  // recorded by the SessionStart hook
}

TEST_CASE("a missing agent binary is one line naming it and the profile, exit 127") {
  ClownHome h;
  REQUIRE(h.clown({"profiles", "create", "p", "--provider", "self", "--agent-bin", "/nonexistent/claude"}).exit_code ==
          0);
  auto r = h.clown({"run", "p"});
  CHECK(r.exit_code == 127);
  CHECK(r.err ==
        "clown: error: agent binary '/nonexistent/claude' not found (profile 'p'); install it or point the profile at "
        "it: clown profiles set p agent_bin=/path/to//nonexistent/claude\n");
  REQUIRE(h.clown({"profiles", "set", "p", "agent_bin="}).exit_code == 0);
  r = h.clown({"run", "p"}, {.env = {{"PATH", "/nonexistent"}}});
  CHECK(r.exit_code == 127);
  CHECK(r.err.find("agent binary 'claude' not found (profile 'p')") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("an unknown profile lists the known ones, exit 2") {
  ClownHome h;
  make_profile(h, "alpha", {"--provider", "self"});
  make_profile(h, "beta", {"--provider", "self"});
  auto r = h.clown({"run", "gamma"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown profile 'gamma'; known profiles: alpha, beta\n");
  r = h.clown({"run", "../etc"});
  CHECK(r.exit_code == 2);
}

TEST_CASE("a run whose launcher was killed is recorded once its agent exits") {
  ClownHome h;
  make_profile(h, "p", {"--provider", "self"});
  const auto fifo = h.work() / "ready";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  pid_t clown_pid = spawn_clown(h, {"run", "p"}, {{"FAKE_AGENT_WAIT", "1"}, {"FAKE_AGENT_READY", fifo.string()}});
  int agent_pid = wait_ready(fifo);
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, agent_pid, 0));
  REQUIRE(pidfd >= 0);
  REQUIRE(::kill(clown_pid, SIGKILL) == 0);
  CHECK(wait_process(clown_pid) == 128 + SIGKILL);
  // While the orphaned agent still runs, its run stays open.
  REQUIRE(h.clown({"run", "p"}).exit_code == 0);
  REQUIRE(h.session_lines().size() == 1);
  REQUIRE(::kill(agent_pid, SIGTERM) == 0);
  pollfd p{pidfd, POLLIN, 0};
  REQUIRE(::poll(&p, 1, 30000) == 1);  // the agent has exited
  ::close(pidfd);
  // Any report records it first.
  REQUIRE(h.clown({"usage", "--period", "all", "--json"}).exit_code == 0);
  auto lines = h.session_lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[1]["exit_code"].is_null());  // the recovered run: its status was lost with its launcher
  CHECK(fs::is_empty(h.home() / "telemetry" / "runs"));
}

TEST_CASE("clown run points Claude Code's telemetry at clownd, tagged with the run - telemetry = false turns it off") {
  ClownHome h;
  make_profile(h, "p", {"--provider", "self"});
  const auto out = h.work() / "agent.json";
  auto r = h.clown({"run", "p"}, {.env = {{"FAKE_AGENT_OUT", out.string()}}});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  auto rec = agent_record(out);
  const auto line = h.session_lines().at(0);
  const std::string run_id = line["run_id"];
  // The daemon `clown run` started (config.toml: port 0, any free port).
  const auto daemon = nlohmann::json::parse(read_text(h.root() / "daemon.json"));
  const std::string base = "http://127.0.0.1:" + std::to_string(daemon["port"].get<int>());
  const std::string header = "x-clown-otel-token=" + read_text(h.root() / "otel.token");
  std::string machine_id = read_text(h.root() / "machine-id");
  while (!machine_id.empty() && machine_id.back() == '\n') machine_id.pop_back();
  REQUIRE(machine_id.size() == 36);
  const nlohmann::json want = {
      {"CLAUDE_CODE_ENABLE_TELEMETRY", "1"},
      {"OTEL_LOGS_EXPORTER", "otlp"},
      {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
      {"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/json"},
      {"OTEL_EXPORTER_OTLP_ENDPOINT", base},
      {"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", base + "/v1/logs"},
      {"OTEL_EXPORTER_OTLP_HEADERS", header},
      {"OTEL_EXPORTER_OTLP_LOGS_HEADERS", header},
      {"OTEL_LOGS_EXPORT_INTERVAL", "1000"},
      {"OTEL_METRICS_EXPORTER", "otlp"},
      {"OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/json"},
      {"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", base + "/v1/metrics"},
      {"OTEL_EXPORTER_OTLP_METRICS_HEADERS", header},
      {"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta"},
      {"OTEL_METRIC_EXPORT_INTERVAL", "60000"},
      {"OTEL_RESOURCE_ATTRIBUTES", "clown.run_id=" + run_id + ",clown.profile=p,clown.machine_id=" + machine_id}};
  auto settings_env = rec["settings"]["env"];
  CHECK(settings_env["DISABLE_AUTOUPDATER"] == "1");  // the profile pins the agent binary
  settings_env.erase("DISABLE_AUTOUPDATER");
  CHECK(settings_env == want);  // the settings file wins over the user's settings.json
  for (const auto& [k, v] : want.items()) CHECK(rec["env"][k] == v);
  CHECK(fs::status(h.root() / "otel.token").permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(line["otel"] == "none");  // the fake agent exported nothing and made no request

  // Non-session commands get no telemetry.
  REQUIRE(h.clown({"run", "p", "--", "--version"}, {.env = {{"FAKE_AGENT_OUT", out.string()}}}).exit_code == 0);
  CHECK_FALSE(agent_record(out)["env"].contains("CLAUDE_CODE_ENABLE_TELEMETRY"));

  REQUIRE(h.clown({"profiles", "set", "p", "telemetry=false"}).exit_code == 0);
  REQUIRE(h.clown({"run", "p"}, {.env = {{"FAKE_AGENT_OUT", out.string()}}}).exit_code == 0);
  rec = agent_record(out);
  CHECK(provider_part(rec["settings"]["env"]) == rec["settings"]["env"]);
  CHECK_FALSE(rec["env"].contains("OTEL_EXPORTER_OTLP_ENDPOINT"));
  CHECK(h.session_lines().back()["otel"] == "off");
}

TEST_CASE("a request only the agent's OpenTelemetry shows (a session title) counts for the run, once") {
  ClownHome h;
  make_profile(h, "p", {"--provider", "self"});
  const auto out = h.work() / "agent.json";
  const ProcessOptions o{.env = {{"FAKE_AGENT_OUT", out.string()},
                                 {"FAKE_AGENT_SESSION", "5e551011-0000-4000-8000-000000000001"},
                                 {"FAKE_AGENT_OTLP", "1"}}};
  auto r = h.clown({"run", "p"}, o);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(agent_record(out)["otlp_delivered"] == true);
  const auto line = h.session_lines().at(0);
  CHECK(line["otel"] == "received");
  CHECK(line["requests"] == 1);
  CHECK(line["tokens"]["input_tokens"] == 300);
  CHECK(line["tokens"]["output_tokens"] == 20);
  // $3/M in, $15/M out (bundled claude-sonnet-4-5 price): 0.0009 + 0.0003.
  CHECK(line["cost"]["total_cost"].get<double>() == Approx(0.0012).epsilon(1e-12));
  auto models = h.clown({"usage", "models", "--period", "all", "--json"});
  REQUIRE(models.exit_code == 0);
  const auto by = nlohmann::json::parse(models.out)["by_query_source"];
  REQUIRE(by.size() == 1);
  CHECK(by[0]["query_source"] == "generate_session_title");
  CHECK(by[0]["kind"] == "title");
  CHECK(by[0]["requests"] == 1);
  // The exporter's copy reaching the store again through an import adds nothing.
  REQUIRE(h.clown({"usage", "import-claude", "--json"}).exit_code == 0);
  CHECK(nlohmann::json::parse(h.clown({"usage", "--period", "all", "--json"}).out)["total_requests"] == 1);
  CHECK(h.clown({"daemon", "stop"}).exit_code == 0);
}

TEST_CASE("clown run hands a user's own OTLP/HTTP exporter to clownd as the run's upstream; a gRPC one is left alone") {
  ClownHome h;
  make_profile(h, "p", {"--provider", "self"});
  const auto out = h.work() / "agent.json";
  auto r = h.clown({"run", "p"}, {.env = {{"FAKE_AGENT_OUT", out.string()},
                                          {"OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector.example.com"},
                                          {"OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20abc, x-team = a=b"}}});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err ==
        "clown: warning: your own OpenTelemetry exporter (https://collector.example.com/v1/logs) gets this run's "
        "telemetry through clownd, which keeps a local copy\n");
  auto rec = agent_record(out);
  const auto daemon = nlohmann::json::parse(read_text(h.root() / "daemon.json"));
  const std::string base = "http://127.0.0.1:" + std::to_string(daemon["port"].get<int>());
  CHECK(rec["env"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == base);
  CHECK(rec["settings"]["env"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == base);
  const std::string run_id = h.session_lines().at(0)["run_id"];
  const auto upstream_file = h.root() / "credentials" / "@otel-runs" / run_id;
  CHECK(nlohmann::json::parse(read_text(upstream_file)) ==
        nlohmann::json{{"url", "https://collector.example.com"},
                       {"headers", {{"Authorization", "Bearer abc"}, {"x-team", "a=b"}}}});
  CHECK((fs::status(upstream_file).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(h.session_lines().at(0)["otel"] == "none");  // pointed at clownd; the fake agent exported nothing

  // The same from the Claude config dir's settings.json, with a logs endpoint of its own.
  fs::create_directories(h.user_home() / ".claude");
  write_text(h.user_home() / ".claude" / "settings.json",
             R"({"env": {"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "https://collector.example.com/logs-in"}})");
  r = h.clown({"run", "p"}, {.env = {{"FAKE_AGENT_OUT", out.string()}}});
  REQUIRE(r.exit_code == 0);
  const std::string run2 = h.session_lines().at(1)["run_id"];
  CHECK(nlohmann::json::parse(read_text(h.root() / "credentials" / "@otel-runs" / run2)) ==
        nlohmann::json{{"url", "https://collector.example.com/logs-in"},
                       {"logs_url", "https://collector.example.com/logs-in"},
                       {"metrics", false},  // it exported no metrics: none are forwarded
                       {"headers", nlohmann::json::object()}});

  // Metrics only, with headers of their own: only metrics go there.
  write_text(h.user_home() / ".claude" / "settings.json",
             R"({"env": {"OTEL_METRICS_EXPORTER": "otlp", "OTEL_LOGS_EXPORTER": "none",
                         "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "https://metrics.example.com/otlp/v1/metrics",
                         "OTEL_EXPORTER_OTLP_METRICS_HEADERS": "api-key=m1"}})");
  r = h.clown({"run", "p"}, {.env = {{"FAKE_AGENT_OUT", out.string()}}});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err ==
        "clown: warning: your own OpenTelemetry exporter (https://metrics.example.com/otlp/v1/metrics) gets this "
        "run's metrics through clownd, which keeps a local copy\n");
  const std::string run_metrics = h.session_lines().back()["run_id"];
  CHECK(nlohmann::json::parse(read_text(h.root() / "credentials" / "@otel-runs" / run_metrics)) ==
        nlohmann::json{{"url", "https://metrics.example.com/otlp/v1/metrics"},
                       {"metrics_url", "https://metrics.example.com/otlp/v1/metrics"},
                       {"metrics_headers", {{"api-key", "m1"}}},
                       {"logs", false},
                       {"headers", {{"api-key", "m1"}}}});

  // gRPC: clownd forwards OTLP/HTTP only, so clown leaves that exporter alone and says so.
  fs::remove(h.user_home() / ".claude" / "settings.json");
  r = h.clown({"run", "p"}, {.env = {{"FAKE_AGENT_OUT", out.string()},
                                     {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.example.com:4317"},
                                     {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}}});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err ==
        "clown: warning: your own OpenTelemetry exporter is set (OTEL_EXPORTER_OTLP_ENDPOINT); clown leaves it alone "
        "and counts this run from its transcripts\n");
  CHECK(agent_record(out)["env"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://collector.example.com:4317");
  CHECK(h.session_lines().back()["otel"] == "user");
  CHECK(h.clown({"daemon", "stop"}).exit_code == 0);
}

TEST_CASE("clown run: the user's own collector gets the run's OTLP export through clownd, which keeps a local copy") {
  RecordingUpstream team;
  team.up();
  ClownHome h;
  make_profile(h, "p", {"--provider", "self"});
  const auto out = h.work() / "agent.json";
  auto r = h.clown({"run", "p"}, {.env = {{"FAKE_AGENT_OUT", out.string()},
                                          {"FAKE_AGENT_SESSION", "5e551011-0000-4000-8000-000000000002"},
                                          {"FAKE_AGENT_OTLP", "1"},
                                          {"OTEL_EXPORTER_OTLP_ENDPOINT", team.url("/team")},
                                          {"OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20team-token"}}});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(agent_record(out)["otlp_delivered"] == true);  // delivered to clownd, tagged with the run
  const auto line = h.session_lines().at(0);
  CHECK(line["otel"] == "received");  // the local copy
  CHECK(line["requests"] == 1);
  REQUIRE(team.wait_for(1));
  const auto got = team.requests().at(0);
  CHECK(got.path == "/team/v1/logs");
  CHECK(got.header("Authorization") == "Bearer team-token");
  CHECK_FALSE(got.has_header("x-clown-otel-token"));
  const auto body = nlohmann::json::parse(got.body);
  bool tagged = false;
  for (const auto& a : body["resourceLogs"][0]["resource"]["attributes"])
    if (a["key"] == "clown.run_id") tagged = a["value"]["stringValue"] == line["run_id"];
  CHECK(tagged);
  CHECK(h.clown({"daemon", "stop"}).exit_code == 0);
  CHECK(team.requests().size() == 1);
}

TEST_CASE("secret --env values live in credentials/ and reach the agent - a bad credentials file fails the run") {
  ClownHome h;
  REQUIRE(h.clown({"profiles", "create", "k", "--provider", "anthropic", "--api-key-stdin", "--agent-bin",
                   fake_agent_binary().string(), "--env", "ANTHROPIC_AUTH_TOKEN=sk-auth-secret", "--env", "FOO=bar"},
                  {.stdin_data = "sk-ant-stored\n"})
              .exit_code == 0);
  CHECK(read_text(h.root() / "profiles" / "k.toml").find("sk-auth-secret") == std::string::npos);
  const fs::path secret_env = h.root() / "credentials" / "k+env";
  CHECK(read_text(secret_env).find("ANTHROPIC_AUTH_TOKEN = 'sk-auth-secret'") != std::string::npos);
  const auto out = h.work() / "agent.json";
  const std::map<std::string, std::optional<std::string>> env = {{"FAKE_AGENT_OUT", out.string()},
                                                                 {"ANTHROPIC_API_KEY", "sk-other-account"}};
  auto r = h.clown({"run", "k"}, {.env = env});
  REQUIRE(r.exit_code == 0);
  auto rec = agent_record(out);
  CHECK(rec["env"]["ANTHROPIC_AUTH_TOKEN"] == "sk-auth-secret");
  CHECK(rec["env"]["FOO"] == "bar");
  CHECK(rec["env"]["ANTHROPIC_API_KEY"] == "sk-ant-stored");

  // Readable by others: refused like ssh, nothing runs.
  fs::remove(out);
  const fs::path key = h.root() / "credentials" / "k";
  ::chmod(key.c_str(), 0644);
  r = h.clown({"run", "k"}, {.env = env});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "clown: error: profile 'k': cannot use its stored API key: permissions 0644 for " + key.string() +
                     " are too open: it holds a secret and must be readable by you only; run: chmod 600 " +
                     key.string() + " (or store it again with: clown profiles set k --api-key-stdin)\n");
  CHECK_FALSE(fs::exists(out));

  // Unreadable (a directory where the key should be): the run fails rather
  // than use the environment's ANTHROPIC_API_KEY, another account's.
  fs::remove(key);
  fs::create_directory(key);
  ::chmod(key.c_str(), 0700);
  r = h.clown({"run", "k"}, {.env = env});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "clown: error: profile 'k': cannot use its stored API key: cannot read " + key.string() +
                     ": Is a directory (or store it again with: clown profiles set k --api-key-stdin)\n");
  CHECK_FALSE(fs::exists(out));

  // The secret [env] file too.
  fs::remove(key);
  ::chmod(secret_env.c_str(), 0604);
  r = h.clown({"run", "k"}, {.env = env});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "clown: error: permissions 0604 for " + secret_env.string() +
                     " are too open: it holds a secret and must be readable by you only; run: chmod 600 " +
                     secret_env.string() + "\n");
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("typos in a profile or config.toml are warned about with file, line and key, and the run goes on") {
  ClownHome h;
  make_profile(h, "p", {"--provider", "self"});
  const auto file = h.root() / "profiles" / "p.toml";
  write_text(file, read_text(file) + "modle = \"glm-5.1\"\n");
  const std::string text = read_text(file);
  const auto line = std::to_string(std::count(text.begin(), text.end(), '\n'));
  auto r = h.clown({"run", "p"});
  CHECK(r.exit_code == 0);
  CHECK(r.err ==
        "clown: warning: " + file.string() + ":" + line + ": unknown key 'modle' (ignored); did you mean 'model'?\n");
  write_text(h.root() / "config.toml", "timezon = \"UTC\"\n[daemon]\nport = 0\n");
  r = h.clown({"usage", "--json"});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "clown: warning: " + (h.root() / "config.toml").string() +
                     ":1: unknown key 'timezon' (ignored); did you mean 'timezone'?\n");
  write_text(h.root() / "config.toml", "[daemon]\nport = \"8765x\"\n");
  r = h.clown({"usage"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "clown: error: " + (h.root() / "config.toml").string() +
                     ":2: daemon.port must be a whole number from 1 to 65535 (or 0: any free port)\n");
}
