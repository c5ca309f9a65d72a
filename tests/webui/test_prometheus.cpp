// Real engines (docs/api.md#metrics): Debian's promtool checks a real
// clownd's GET /metrics, and Debian's prometheus scrapes it with the scrape
// token; its query API must return the totals `clown usage --json` prints,
// and every PromQL expression of contrib/grafana/clown.json must return data.
// Fails (never skips) when prometheus or promtool is missing: install.sh
// installs them.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <functional>

#include "common/time.hpp"
#include "tests/webui/daemon_fixture.hpp"

using clown::test::DaemonFixture;
using clown::test::read_text;
using clown::test::write_text;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* k_prometheus = "/usr/bin/prometheus";
constexpr const char* k_promtool = "/usr/bin/promtool";

std::string usage_line(const std::string& session, const std::string& id, const std::string& model,
                       const std::string& ts, int in, int out, int cw, int cr) {
  json usage{{"input_tokens", in},
             {"output_tokens", out},
             {"cache_creation_input_tokens", cw},
             {"cache_read_input_tokens", cr},
             {"cache_creation", {{"ephemeral_5m_input_tokens", cw}, {"ephemeral_1h_input_tokens", 0}}}};
  json j{{"type", "assistant"},
         {"sessionId", session},
         {"timestamp", ts},
         {"requestId", "req_" + id},
         {"cwd", "/tmp/alpha"},
         {"isSidechain", false},
         {"message", {{"id", "msg_" + id}, {"model", model}, {"usage", usage}}}};
  return j.dump() + "\n";
}

// Two profiles, two models, three sessions; a daily budget. Each series of
// clown_cost_usd_total is one rollup row, and a profile has at most two
// series, so Prometheus' sums add the same doubles as clown's (a + b == b + a).
fs::path seed(DaemonFixture& d) {
  const std::string ts = clown::format_iso8601_ms(clown::now_ms() - 600 * 1000);
  const fs::path claude = d.tmp.path() / "claude";
  fs::create_directories(claude / "projects" / "-tmp-alpha");
  write_text(claude / "projects" / "-tmp-alpha" / "s1.jsonl",
             usage_line("s1", "a1", "claude-sonnet-4-5", ts, 100, 200, 300, 400) +
                 usage_line("s1", "a2", "claude-sonnet-4-5", ts, 10, 20, 30, 40));
  write_text(claude / "projects" / "-tmp-alpha" / "s2.jsonl",
             usage_line("s2", "b1", "claude-haiku-4-5", ts, 1000, 2000, 0, 5000));
  write_text(d.home / "profiles" / "work.toml", "agent = \"claude\"\nprovider = \"anthropic\"\n");
  fs::create_directories(d.home / "homes" / "work" / "projects" / "-tmp-beta");
  write_text(d.home / "homes" / "work" / "projects" / "-tmp-beta" / "s3.jsonl",
             usage_line("s3", "c1", "claude-sonnet-4-5", ts, 7, 8, 9, 10));
  write_text(d.home / "config.toml", "[budgets]\ndaily = 2.5\n");
  return claude;
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A prometheus process, terminated when the test ends.
struct Prometheus {
  pid_t pid = -1;
  int pidfd = -1;
  int port = 0;
  fs::path log;
  ~Prometheus() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      clown::test::wait_process(pid);
    }
    if (pidfd >= 0) ::close(pidfd);
  }
  // Waits up to 50 ms for prometheus to exit: the pause between polls is a
  // wait on the process, so its death fails the test at once.
  bool exited_within_50ms() const {
    pollfd p{pidfd, POLLIN, 0};
    return ::poll(&p, 1, 50) == 1;
  }
  json get(const std::string& path, const httplib::Params& params = {}) const {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(2, 0);
    c.set_read_timeout(10, 0);
    auto res = c.Get(path, params, httplib::Headers{});
    if (!res || res->status != 200) return json{};
    return json::parse(res->body, nullptr, false);
  }
  json query(const std::string& promql) const { return get("/api/v1/query", {{"query", promql}})["data"]["result"]; }
  // The single value of an instant query (its result must have one series).
  double value(const std::string& promql) const {
    const json r = query(promql);
    INFO(promql << " -> " << r.dump());
    REQUIRE(r.size() == 1);
    return std::strtod(r[0]["value"][1].get<std::string>().c_str(), nullptr);
  }
};

// Polls `ready` until it holds, for at most 60 s.
void wait_for(const Prometheus& p, const std::string& what, const std::function<bool()>& ready) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!ready()) {
    INFO("waiting for " << what << "; prometheus log:\n" << read_text(p.log));
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    REQUIRE_FALSE(p.exited_within_50ms());
  }
}

void start_prometheus(Prometheus& p, const fs::path& dir, int clownd_port, const std::string& token) {
  const fs::path config = dir / "prometheus.yml";
  write_text(config,
             "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
             "scrape_configs:\n  - job_name: clown\n    static_configs:\n      - targets: [\"127.0.0.1:" +
                 std::to_string(clownd_port) + "\"]\n    authorization:\n      type: Bearer\n      credentials: \"" +
                 token + "\"\n");
  REQUIRE(clown::test::run_process({k_promtool, "check", "config", config.string()}).exit_code == 0);
  p.port = free_port();
  p.log = dir / "prometheus.log";
  clown::test::SpawnOptions options;
  options.out = p.log;
  options.err = p.log;
  options.cwd = dir;
  p.pid = clown::test::spawn_process(
      {k_prometheus, "--config.file=" + config.string(), "--storage.tsdb.path=" + (dir / "data").string(),
       "--web.listen-address=127.0.0.1:" + std::to_string(p.port)},
      options);
  p.pidfd = static_cast<int>(::syscall(SYS_pidfd_open, p.pid, 0));
  REQUIRE(p.pidfd >= 0);
  wait_for(p, "the clown target to be up", [&] {
    const json targets = p.get("/api/v1/targets")["data"]["activeTargets"];
    return targets.size() == 1 && targets[0]["health"] == "up";
  });
  // Three scrapes, so range functions (increase, rate) have samples to work with.
  wait_for(p, "three samples", [&] {
    const json r = p.query("count_over_time(clown_sessions_total[5m])");
    return r.size() == 1 && std::strtod(r[0]["value"][1].get<std::string>().c_str(), nullptr) >= 3;
  });
}

// Grafana's interval variables as a dashboard with a 1-minute range would set them.
std::string concrete(std::string expr) {
  for (const auto& [var, value] :
       {std::pair<std::string, std::string>{"$__rate_interval", "1m"}, {"$__interval", "15s"}, {"$__range", "1d"}})
    for (size_t pos; (pos = expr.find(var)) != std::string::npos;) expr.replace(pos, var.size(), value);
  return expr;
}

void check_dashboard(const Prometheus& p) {
  const json dash = json::parse(read_text(clown::test::source_dir() / "contrib" / "grafana" / "clown.json"));
  REQUIRE(dash["uid"] == "clown-usage");
  REQUIRE(dash["panels"].is_array());
  REQUIRE(dash["panels"].size() >= 6);
  std::set<int> ids;
  int exprs = 0;
  for (const json& panel : dash["panels"]) {
    INFO("panel " << panel.value("title", "?"));
    CHECK(panel["title"].is_string());
    CHECK(ids.insert(panel["id"].get<int>()).second);
    CHECK(panel["datasource"] == json{{"type", "prometheus"}, {"uid", "clown-prometheus"}});
    for (const char* key : {"x", "y", "w", "h"}) CHECK(panel["gridPos"][key].is_number_integer());
    CHECK(panel["gridPos"]["x"].get<int>() + panel["gridPos"]["w"].get<int>() <= 24);
    REQUIRE(panel["targets"].is_array());
    REQUIRE_FALSE(panel["targets"].empty());
    for (const json& target : panel["targets"]) {
      const std::string expr = concrete(target["expr"].get<std::string>());
      INFO("expr " << expr);
      const json result = p.get("/api/v1/query", {{"query", expr}});
      CHECK(result["status"] == "success");
      CHECK_FALSE(result["data"]["result"].empty());
      ++exprs;
    }
  }
  CHECK(exprs >= 10);
  // The provisioned datasource is the uid the panels name.
  const std::string datasource =
      read_text(clown::test::source_dir() / "contrib" / "grafana" / "provisioning" / "datasources" / "clown.yaml");
  CHECK(datasource.find("uid: clown-prometheus") != std::string::npos);
}

}  // namespace

TEST_CASE("Prometheus scrapes clownd: promtool is clean, totals equal clown usage, dashboard queries return data",
          "[webui][prometheus]") {
  INFO("Debian's prometheus package provides both (apt-get install prometheus; install.sh does)");
  REQUIRE(fs::exists(k_prometheus));
  REQUIRE(fs::exists(k_promtool));
  DaemonFixture d;
  const fs::path claude = seed(d);
  REQUIRE(d.start().exit_code == 0);
  // Claude Code's metrics of a real session (active time; the import stores what the daemon has not yet).
  const std::string otel_token = read_text(d.home / "otel.token").substr(0, 32);
  auto posted = d.client().Post("/v1/metrics", httplib::Headers{{"x-clown-otel-token", otel_token}},
                                read_text(clown::test::source_dir() / "tests" / "data" / "claude-otel" / "2.1.328" /
                                          "interactive" / "otel" / "008-metrics.body"),
                                "application/json");
  REQUIRE(posted);
  REQUIRE(posted->status == 200);
  auto imported = d.post("/api/usage/import-claude", json{{"claude_dir", claude.string()}}.dump());
  REQUIRE(imported);
  REQUIRE(imported->status == 200);
  const auto token_run = d.clown({"daemon", "metrics-token"});
  REQUIRE(token_run.exit_code == 0);
  const std::string token = token_run.out.substr(0, token_run.out.find('\n'));
  REQUIRE(token.size() == 32);

  auto scraped = d.get("/metrics", {{"Authorization", "Bearer " + token}});
  REQUIRE(scraped);
  REQUIRE(scraped->status == 200);
  const fs::path scrape_file = d.tmp.path() / "scrape.txt";
  write_text(scrape_file, scraped->body);
  clown::test::ProcessOptions stdin_scrape;
  stdin_scrape.stdin_data = scraped->body;
  const auto lint = clown::test::run_process({k_promtool, "check", "metrics"}, stdin_scrape);
  INFO(scraped->body);
  CHECK(lint.out + lint.err == "");
  CHECK(lint.exit_code == 0);

  const auto usage = d.clown({"usage", "--period", "all", "--json"});
  REQUIRE(usage.exit_code == 0);
  const json totals = json::parse(usage.out);
  Prometheus p;
  start_prometheus(p, d.tmp.path(), d.port, token);

  CHECK(p.value("sum(clown_cost_usd_total)") == totals["total_cost"]["total_cost"].get<double>());
  const json& t = totals["total_tokens"];
  CHECK(p.value("sum(clown_tokens_total{type=\"input\"})") == t["input_tokens"].get<double>());
  CHECK(p.value("sum(clown_tokens_total{type=\"output\"})") == t["output_tokens"].get<double>());
  CHECK(p.value("sum(clown_tokens_total{type=~\"cache_write_5m|cache_write_1h\"})") ==
        t["cache_creation_input_tokens"].get<double>());
  CHECK(p.value("sum(clown_tokens_total{type=\"cache_read\"})") == t["cache_read_input_tokens"].get<double>());
  CHECK(p.value("sum(clown_requests_total)") == totals["total_requests"].get<double>());
  CHECK(p.value("clown_sessions_total") == totals["total_sessions"].get<double>());
  for (const auto& [profile, row] : totals["aggregates"]["by_profile"].items()) {
    INFO("profile " << profile << ": " << row.dump());
    CHECK(p.value("sum(clown_cost_usd_total{profile=\"" + profile + "\"})") == row["cost"]["total_cost"].get<double>());
  }
  REQUIRE(totals["budgets"].size() == 1);
  const json& budget = totals["budgets"][0];
  CHECK(p.value("clown_budget_used_ratio{budget=\"daily\"}") ==
        budget["spent_usd"].get<double>() / budget["limit_usd"].get<double>());
  CHECK(p.value("clown_runs_active") == 0);
  CHECK(p.value("clown_otel_forward_queue_length") == 0);
  CHECK(p.value("sum(clown_active_time_seconds_total{profile=\"test\",type=\"user\"})") == 14.831);
  CHECK(p.value("sum(clown_lines_of_code_total)") == 0);
  // The import above finished within the last minute.
  CHECK(p.value("time() - clown_import_last_success_timestamp_seconds") < 60);
  check_dashboard(p);
}
