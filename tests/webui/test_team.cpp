// A central clownd ([team] role = "central", docs/api.md#team) over real
// sockets, fed the body a real Claude Code 2.1.328 exported
// (tests/data/claude-otel) as another machine's: with the team token it is
// stored once under that machine and user, with exact totals; without or with
// a wrong token nothing is stored; the team port serves nothing but OTLP. And
// the whole chain: a second clownd forwards ([otel] upstream) to the central
// one, which files the payload under the forwarder's machine id.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/webui/daemon_fixture.hpp"

using namespace clown::test;
using nlohmann::json;

namespace {

const fs::path k_print = source_dir() / "tests" / "data" / "claude-otel" / "2.1.328" / "print" / "otel";

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

int free_port() {
  const int port = free_fixed_port();
  REQUIRE(port != 0);
  return port;
}

// The capture with resource attributes added, as a teammate's clown run (or
// OTEL_RESOURCE_ATTRIBUTES) would send them.
std::string with_resource(const std::string& body, const std::vector<std::pair<std::string, std::string>>& attrs) {
  json j = json::parse(body);
  for (const char* kind : {"resourceLogs", "resourceMetrics"})
    if (j.contains(kind))
      for (auto& r : j[kind])
        for (const auto& [k, v] : attrs)
          r["resource"]["attributes"].push_back({{"key", k}, {"value", {{"stringValue", v}}}});
  return j.dump();
}

void write_config(const DaemonFixture& d, const std::string& toml) {
  write_text(d.home / "config.toml", toml);
  ::chmod((d.home / "config.toml").c_str(), 0600);
}

struct Central {
  DaemonFixture d;
  int team_port = free_port();
  std::string token;

  Central() {
    write_config(d, "[team]\nrole = \"central\"\nlisten = \"127.0.0.1:" + std::to_string(team_port) + "\"\n");
    REQUIRE(d.start().exit_code == 0);
    auto printed = d.clown({"team", "token"});
    REQUIRE(printed.exit_code == 0);
    token = trimmed(printed.out);
  }
  httplib::Client team() const {
    httplib::Client c("127.0.0.1", team_port);
    c.set_connection_timeout(5, 0);
    c.set_read_timeout(30, 0);
    return c;
  }
  httplib::Result post(const std::string& path, const std::string& body, const std::string& bearer) const {
    httplib::Headers headers;
    if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
    return team().Post(path, headers, body, "application/json");
  }
  json usage(std::vector<std::string> args) const {
    args.insert(args.begin(), {"usage", "--period", "all", "--json"});
    auto r = d.clown(args);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }
};

// The two api_request events of the capture (tests/data/claude-otel/2.1.328/print).
void check_print_totals(const json& got) {
  CHECK(got["total_requests"] == 2);
  CHECK(got["total_tokens"]["input_tokens"] == 482 + 356);
  CHECK(got["total_tokens"]["output_tokens"] == 139 + 144);
  CHECK(got["total_tokens"]["cache_read_input_tokens"] == 5478 + 5156);
  CHECK(got["total_tokens"]["cache_creation_input_tokens"] == 3417 + 3550);
  // Claude Code's own cost_usd of the two events; clown prices them alike.
  CHECK(got["total_cost"]["total_cost"].get<double>() == Approx(0.0190839 + 0.01925055).margin(1e-12));
  CHECK(got["total_cost"]["cost_complete"] == true);
}

}  // namespace

TEST_CASE("Team listener: another machine's export with the team token is stored once under its machine and user",
          "[webui][otlp][team]") {
  Central c;
  REQUIRE(c.token.size() == 64);
  // `clown daemon status` says where other machines send to.
  const std::string listen = "127.0.0.1:" + std::to_string(c.team_port);
  auto status = c.d.clown({"daemon", "status", "--json"});
  REQUIRE(status.exit_code == 0);
  CHECK(json::parse(status.out)["team_listen"] == listen);
  auto text = c.d.clown({"daemon", "status"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("\n  team     " + listen + " (OTLP from other machines, with the team token)\n") !=
        std::string::npos);
  CHECK(c.token == trimmed(read_text(c.d.home / "credentials" / "@team-token")));
  CHECK((fs::status(c.d.home / "credentials" / "@team-token").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  const std::string plain = read_text(k_print / "001-logs.body");
  const std::string body =
      with_resource(plain, {{"clown.machine_id", "laptop-2"}, {"user.email", "alice@example.com"}});

  // No token, a wrong one, the local receiver's header: 401, nothing stored.
  const std::string other = with_resource(plain, {{"clown.machine_id", "laptop-3"}});
  for (const auto& bearer : {std::string(), std::string(64, '0'), c.token + "x", c.token.substr(0, 63)}) {
    auto r = c.post("/v1/logs", other, bearer);
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(json::parse(r->body)["code"] == 16);
  }
  auto r =
      c.team().Post("/v1/logs", httplib::Headers{{"x-clown-otel-token", trimmed(read_text(c.d.home / "otel.token"))}},
                    other, "application/json");
  REQUIRE(r);
  CHECK(r->status == 401);

  // Only OTLP on the team port: the dashboard, the API and /metrics are not there.
  for (const std::string path : {"/", "/usage", "/api/usage", "/api/health", "/metrics", "/api/otel/status"}) {
    auto g = c.team().Get(path, httplib::Headers{{"Authorization", "Bearer " + c.token}});
    REQUIRE(g);
    CHECK(g->status == 404);
  }
  auto imp = c.post("/api/import/claude", "{}", c.token);
  REQUIRE(imp);
  CHECK(imp->status == 404);

  // With the token: accepted, twice (an exporter's retry), and the metrics too.
  for (int i = 0; i < 2; ++i) {
    r = c.post("/v1/logs", body, c.token);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "{}");
  }
  r = c.post("/v1/metrics", with_resource(read_text(k_print / "002-metrics.body"), {{"clown.machine_id", "laptop-2"}}),
             c.token);
  REQUIRE(r);
  CHECK(r->status == 200);

  // Stopping drains the inbox.
  REQUIRE(c.d.clown({"daemon", "stop"}).exit_code == 0);
  check_print_totals(c.usage({"--machine", "laptop-2"}));
  CHECK(c.usage({"--machine", "laptop-3"})["total_requests"] == 0);
  const json all = c.usage({});
  CHECK(all["total_requests"] == 2);  // nothing counted as this machine's
  const json& by_machine = all["aggregates"]["by_machine"];
  REQUIRE(by_machine.size() == 1);
  CHECK(by_machine["laptop-2"]["requests"] == 2);
  CHECK(by_machine["laptop-2"]["tokens"] == all["total_tokens"]);
  auto sql =
      c.d.clown({"usage", "sql", "--json",
                 "SELECT machine, user, profile, run_id, source, COUNT(*) AS n FROM requests GROUP BY 1, 2, 3, 4, 5"});
  REQUIRE(sql.exit_code == 0);
  // The sender's profile name, never one of this machine's runs.
  CHECK(json::parse(sql.out) == json::array({{{"machine", "laptop-2"},
                                              {"user", "alice@example.com"},
                                              {"profile", "test"},
                                              {"run_id", ""},
                                              {"source", "otel"},
                                              {"n", 2}}}));
  // The stable view carries the user too (schema 12).
  sql = c.d.clown({"usage", "sql", "--json", "SELECT machine, user, COUNT(*) AS n FROM v_requests GROUP BY 1, 2"});
  REQUIRE(sql.exit_code == 0);
  CHECK(json::parse(sql.out) == json::array({{{"machine", "laptop-2"}, {"user", "alice@example.com"}, {"n", 2}}}));
  sql = c.d.clown({"usage", "sql", "--json", "SELECT DISTINCT machine, user, run_id FROM otel_metrics"});
  REQUIRE(sql.exit_code == 0);
  // user.id: the hash Claude Code 2.1.328 puts on every point.
  CHECK(json::parse(sql.out) ==
        json::array({{{"machine", "laptop-2"},
                      {"user", "ca831df2665499c1e3beaafd785217fe1a4781c98037e20793ddbbf3b01e3e3d"},
                      {"run_id", ""}}}));
}

TEST_CASE("Team listener: a rotated token refuses the old one at once", "[webui][otlp][team]") {
  Central c;
  const std::string old = c.token;
  auto rotated = c.d.clown({"team", "token", "--rotate"});
  REQUIRE(rotated.exit_code == 0);
  const std::string fresh = trimmed(rotated.out);
  REQUIRE(fresh.size() == 64);
  CHECK(fresh != old);
  const std::string body = with_resource(read_text(k_print / "001-logs.body"), {{"clown.machine_id", "laptop-2"}});
  auto r = c.post("/v1/logs", body, old);
  REQUIRE(r);
  CHECK(r->status == 401);
  r = c.post("/v1/logs", body, fresh);
  REQUIRE(r);
  CHECK(r->status == 200);
}

TEST_CASE("Team listener: a clownd forwarding to the central one gets its payload filed under its own machine id",
          "[webui][otlp][team][forward]") {
  Central c;
  DaemonFixture laptop;
  write_config(laptop, "[otel]\nupstream = \"http://127.0.0.1:" + std::to_string(c.team_port) +
                           "\"\nheaders = {Authorization = \"Bearer " + c.token + "\"}\n");
  laptop.extra_env = {{"CLOWN_OTEL_RETRY_MS", "20"}, {"CLOWN_OTEL_RETRY_MAX_MS", "100"}};
  REQUIRE(laptop.start().exit_code == 0);
  // The capture as a Claude Code on the laptop sends it (not through clown run:
  // no clown.machine_id of its own; the forwarding clownd names its machine).
  auto r = laptop.client().Post(
      "/v1/logs", httplib::Headers{{"x-clown-otel-token", trimmed(read_text(laptop.home / "otel.token"))}},
      read_text(k_print / "001-logs.body"), "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  // Wait (bounded) for the central store to hold it: forward, then drain.
  json all;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    all = c.usage({});
    if (all["total_requests"] == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // polling the stored result, not synchronization
  } while (std::chrono::steady_clock::now() < deadline);
  const std::string laptop_id = trimmed(read_text(laptop.home / "machine-id"));
  REQUIRE(laptop_id.size() == 36);
  REQUIRE(all["aggregates"]["by_machine"].size() == 1);
  CHECK(all["aggregates"]["by_machine"].contains(laptop_id));
  check_print_totals(c.usage({"--machine", laptop_id}));
  // The laptop keeps its own copy, as its own.
  REQUIRE(laptop.clown({"daemon", "stop"}).exit_code == 0);
  auto local = laptop.clown({"usage", "--period", "all", "--json", "--machine", laptop_id});
  REQUIRE(local.exit_code == 0);
  check_print_totals(json::parse(local.out));
}
