// Forwarding OTLP upstream (docs/api.md#otlp-forward) with a real local
// upstream that records exact bytes and headers: forwarded bodies and headers
// equal what was posted; while the upstream is down payloads queue and are
// delivered once when it is back; a restart loses nothing; a full queue drops
// its oldest and counts it; a hanging upstream never delays the receiver.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "ingest/otel_upstream.hpp"
#include "tests/webui/daemon_fixture.hpp"
#include "tests/webui/recording_upstream.hpp"

using namespace clown::test;
using nlohmann::json;

namespace {

const fs::path k_otel = source_dir() / "tests" / "data" / "claude-otel";

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// A daemon whose forwarder retries quickly (the tests wait on events, the
// short backoff only keeps them fast).
struct ForwardFixture {
  DaemonFixture d;
  std::string otel_token;

  explicit ForwardFixture(const std::string& config_toml) {
    write_text(d.home / "config.toml", config_toml);
    ::chmod((d.home / "config.toml").c_str(), 0600);
    d.extra_env = {
        {"CLOWN_OTEL_RETRY_MS", "20"}, {"CLOWN_OTEL_RETRY_MAX_MS", "100"}, {"CLOWN_OTEL_TIMEOUT_MS", "2000"}};
  }
  void start() {
    REQUIRE(d.start().exit_code == 0);
    otel_token = trimmed(read_text(d.home / "otel.token"));
  }
  httplib::Result post(const std::string& path, const std::string& body, httplib::Headers extra = {},
                       const std::string& type = "application/json") {
    extra.emplace("x-clown-otel-token", otel_token);
    return d.client().Post(path, extra, body, type);
  }
  json status() const { return d.get_json("/api/otel/status")["data"]; }
  json disk_status() const { return json::parse(d.clown({"daemon", "status", "--json"}).out)["otel"]; }
  bool wait(const std::function<bool(const json&)>& ready) {
    return wait_for_forward_state(d.home / "telemetry", [&] { return ready(disk_status()); });
  }
};

std::string logs_body(const std::string& marker) {
  return R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":")" + marker +
         R"("}}]},"scopeLogs":[]}]})";
}

// What `clown run` leaves for a user who exports to their own collector: run
// 0123abcd in progress, with `u` as its upstream.
void run_in_progress(const ForwardFixture& f, const clown::ingest::OtelUpstream& u) {
  REQUIRE(clown::ingest::store_run_upstream(clown::Paths{f.d.home}, "0123abcd", u));
  fs::create_directories(f.d.home / "telemetry" / "runs" / "0123abcd");
}

// A logs payload of that run (with a marker attribute `m` when given), and a metrics one.
std::string run_logs(const std::string& marker = "") {
  const std::string m = marker.empty() ? "" : R"(,{"key":"m","value":{"stringValue":")" + marker + R"("}})";
  return R"({"resourceLogs":[{"resource":{"attributes":[{"key":"clown.run_id","value":{"stringValue":"0123abcd"}})" +
         m + R"(]},"scopeLogs":[]}]})";
}
const std::string k_run_metrics =
    R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"clown.run_id","value":{"stringValue":"0123abcd"}}]}}]})";

}  // namespace

TEST_CASE("OTLP forward: the upstream gets the exact bodies, content headers and configured headers",
          "[webui][otlp][forward]") {
  RecordingUpstream up;
  up.up();
  ForwardFixture f("[daemon]\nport = 0\n[otel]\nupstream = \"" + up.url("/otlp/") +
                   "\"\nheaders = {Authorization = \"Bearer s3cret-value\", \"X-Scope-OrgID\" = \"team-a\"}\n");
  f.start();
  const std::string plain = read_text(k_otel / "2.1.328" / "print" / "otel" / "001-logs.body");
  const std::string metrics = read_text(k_otel / "2.1.328" / "print" / "otel" / "002-metrics.body");
  const std::string gz = read_text(k_otel / "2.1.197" / "gzip" / "otel" / "001-logs.body");
  auto r = f.post("/v1/logs", plain);
  REQUIRE(r);
  CHECK(r->status == 200);
  r = f.post("/v1/metrics", metrics);
  REQUIRE(r);
  CHECK(r->status == 200);
  r = f.post("/v1/logs", gz, {{"Content-Encoding", "gzip"}});
  REQUIRE(r);
  CHECK(r->status == 200);

  REQUIRE(up.wait_for(3));
  const auto got = up.requests();
  REQUIRE(got.size() == 3);
  // In arrival order, the signal's path appended to the upstream's base.
  CHECK(got[0].path == "/otlp/v1/logs");
  CHECK(got[0].body == plain);
  CHECK(got[1].path == "/otlp/v1/metrics");
  CHECK(got[1].body == metrics);
  CHECK(got[2].path == "/otlp/v1/logs");
  CHECK(got[2].body == gunzip(gz));
  CHECK(got[2].body.size() > 1000);
  CHECK(got[2].header("Content-Encoding") == "gzip");
  CHECK_FALSE(got[0].has_header("Content-Encoding"));
  for (const auto& req : got) {
    CHECK(req.header("Content-Type") == "application/json");
    CHECK(req.header("Authorization") == "Bearer s3cret-value");
    CHECK(req.header("X-Scope-OrgID") == "team-a");
    CHECK_FALSE(req.has_header("x-clown-otel-token"));  // clown's own secret stays home
  }

  REQUIRE(f.wait([](const json& s) { return s["delivered"] == 3; }));
  const json st = f.status();
  CHECK(st["queue_length"] == 0);
  CHECK(st["queued"] == 3);
  CHECK(st["delivered"] == 3);
  INFO(st.dump());
  CHECK(st["failed_attempts"] == 0);
  CHECK(st["dropped"] == 0);
  CHECK(st["upstream"] == json{{"url", up.url("/otlp/")},
                               {"source", "config"},
                               {"header_names", json::array({"Authorization", "X-Scope-OrgID"})}});
  CHECK(st["last_success_at"].is_string());
  // No header value is ever shown: not by the API, not by `clown daemon status`.
  const auto api_body = f.d.get("/api/otel/status")->body;
  CHECK(api_body.find("s3cret") == std::string::npos);
  CHECK(f.d.clown({"daemon", "status", "--json"}).out.find("s3cret") == std::string::npos);
  const auto text = f.d.clown({"daemon", "status"}).out;
  CHECK(text.find("  otel     forwarding to " + up.url("/otlp/") +
                  " (config)\n"
                  "           0 queued now, 3 queued in all, 3 delivered, 0 failed attempts, 0 dropped\n") !=
        std::string::npos);
  CHECK(text.find("s3cret") == std::string::npos);
  // The status route is guarded like every /api read.
  auto anonymous = f.d.get("/api/otel/status", {}, false);
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  // The local copy was stored too.
  REQUIRE(f.d.clown({"daemon", "stop"}).exit_code == 0);
  CHECK(json::parse(f.d.clown({"usage", "--period", "all", "--json"}).out)["total_requests"] == 4);
}

TEST_CASE("OTLP forward: payloads queue while the upstream is down and are delivered once when it is back",
          "[webui][otlp][forward]") {
  RecordingUpstream up;  // down
  ForwardFixture f("[daemon]\nport = 0\n[otel]\nupstream = \"" + up.url() + "\"\n");
  f.start();
  for (const char* m : {"one", "two", "three"}) {
    auto r = f.post("/v1/logs", logs_body(m));
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  // Queued before the receiver answered: visible at once.
  CHECK(f.status()["queue_length"] == 3);
  CHECK(f.status()["queued"] == 3);
  REQUIRE(f.wait([](const json& s) { return s["failed_attempts"].get<int>() >= 2; }));
  json st = f.status();
  CHECK(st["delivered"] == 0);
  CHECK(st["last_error"].get<std::string>().find(up.url() + "/v1/logs: ") == 0);
  CHECK(st["last_error_at"].is_string());
  CHECK(f.d.get("/metrics")->body.find("\nclown_otel_forward_queue_length 3\n") != std::string::npos);

  up.up();
  REQUIRE(up.wait_for(3));
  REQUIRE(f.wait([](const json& s) { return s["queue_length"] == 0 && s["delivered"] == 3; }));
  const auto got = up.requests();
  REQUIRE(got.size() == 3);  // each once: nothing is left to resend
  CHECK(got[0].body == logs_body("one"));
  CHECK(got[1].body == logs_body("two"));
  CHECK(got[2].body == logs_body("three"));
  CHECK(f.d.get("/metrics")->body.find("\nclown_otel_forward_queue_length 0\n") != std::string::npos);
}

TEST_CASE("OTLP forward: a daemon restart with a non-empty queue loses nothing", "[webui][otlp][forward]") {
  RecordingUpstream up;  // down
  ForwardFixture f("[daemon]\nport = 0\n[otel]\nupstream = \"" + up.url() + "\"\n");
  f.start();
  REQUIRE(f.post("/v1/logs", logs_body("before-1")));
  REQUIRE(f.post("/v1/metrics", R"({"resourceMetrics":[]})"));
  REQUIRE(f.d.clown({"daemon", "stop"}).exit_code == 0);
  // The payloads are files, one each, written before the receiver answered.
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(f.d.home / "telemetry" / "otel-queue")) {
    CHECK((fs::status(e.path()).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
    ++files;
  }
  CHECK(files == 2);
  CHECK(f.disk_status()["queue_length"] == 2);

  up.up();
  f.start();
  REQUIRE(up.wait_for(2));
  REQUIRE(f.wait([](const json& s) { return s["queue_length"] == 0 && s["delivered"] == 2; }));
  const auto got = up.requests();
  REQUIRE(got.size() == 2);
  CHECK(got[0].path == "/v1/logs");
  CHECK(got[0].body == logs_body("before-1"));
  CHECK(got[1].path == "/v1/metrics");
  CHECK(got[1].body == R"({"resourceMetrics":[]})");
  CHECK(f.status()["queued"] == 2);  // counters survive the restart
}

TEST_CASE("OTLP forward: a full queue drops its oldest payload and counts it", "[webui][otlp][forward]") {
  RecordingUpstream up;  // down
  ForwardFixture f("[daemon]\nport = 0\n[otel]\nupstream = \"" + up.url() + "\"\nqueue_max_payloads = 2\n");
  f.start();
  for (const char* m : {"a", "b", "c"}) REQUIRE(f.post("/v1/logs", logs_body(m)));
  json st = f.status();
  CHECK(st["queue_length"] == 2);
  CHECK(st["queued"] == 3);
  CHECK(st["dropped"] == 1);
  up.up();
  REQUIRE(up.wait_for(2));
  REQUIRE(f.wait([](const json& s) { return s["queue_length"] == 0 && s["delivered"] == 2; }));
  const auto got = up.requests();
  REQUIRE(got.size() == 2);
  CHECK(got[0].body == logs_body("b"));
  CHECK(got[1].body == logs_body("c"));
}

TEST_CASE("OTLP forward: an upstream that never answers does not delay the receiver or the local copy",
          "[webui][otlp][forward]") {
  SilentUpstream silent;
  ForwardFixture f("[daemon]\nport = 0\n[otel]\nupstream = \"" + silent.url() + "\"\n");
  f.d.extra_env["CLOWN_OTEL_TIMEOUT_MS"] = "60000";  // each attempt hangs for a minute
  f.start();
  const std::string plain = read_text(k_otel / "2.1.328" / "print" / "otel" / "001-logs.body");
  for (int i = 0; i < 3; ++i) {
    // The deadline: a receiver waiting on the upstream would not answer within it.
    httplib::Client c("127.0.0.1", f.d.port);
    c.set_read_timeout(3, 0);
    auto r = c.Post("/v1/logs", {{"x-clown-otel-token", f.otel_token}}, plain, "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  CHECK(f.status()["queue_length"] == 3);
  CHECK(f.status()["delivered"] == 0);
  // Stopping cuts the hanging attempt off (the payloads stay queued).
  const auto stop = f.d.clown({"daemon", "stop"});
  CHECK(stop.exit_code == 0);
  CHECK(f.disk_status()["queue_length"] == 3);
  const json usage = json::parse(f.d.clown({"usage", "--period", "all", "--json"}).out);
  CHECK(usage["total_requests"] == 2);
}

TEST_CASE(
    "OTLP forward: headers from a config.toml others can read are refused until chmod 600; "
    "clown otel upstream stores them in credentials/, which wins",
    "[webui][otlp][forward]") {
  RecordingUpstream from_config, from_credentials;
  from_config.up();
  from_credentials.up();
  ForwardFixture f("[daemon]\nport = 0\n[otel]\nupstream = \"" + from_config.url() +
                   "\"\nheaders = {Authorization = \"Bearer from-config\"}\n");
  const auto config = (f.d.home / "config.toml").string();
  ::chmod(config.c_str(), 0644);
  f.start();
  REQUIRE(f.post("/v1/logs", logs_body("held")));
  const std::string refused = "not using [otel] headers: permissions 0644 for " + config +
                              " let group or others read these secrets; run: chmod 600 " + config +
                              " (or store them with: clown otel upstream URL --header K=V)";
  REQUIRE(f.wait([&](const json& s) { return s["last_error"] == refused; }));
  json st = f.status();
  CHECK(st["upstream_error"] == refused);
  CHECK(st["queue_length"] == 1);  // kept, not sent without its headers
  CHECK(from_config.requests().empty());
  const auto shown = f.d.clown({"otel", "upstream"});
  CHECK(shown.exit_code == 0);
  CHECK(shown.out ==
        "OTLP upstream: " + from_config.url() + " (from " + config + " [otel]), headers: none\n" + refused + "\n");
  // Fixed without a restart: the forwarder reads the files for every attempt.
  ::chmod(config.c_str(), 0600);
  REQUIRE(from_config.wait_for(1));
  CHECK(from_config.requests()[0].header("Authorization") == "Bearer from-config");
  CHECK(from_config.requests()[0].body == logs_body("held"));

  // The credentials file wins over config.toml.
  auto set = f.d.clown({"otel", "upstream", from_credentials.url("/base"), "--header", "Authorization=Bearer cred=1",
                        "--header", "X-Team=a"});
  REQUIRE(set.exit_code == 0);
  const auto stored = f.d.home / "credentials" / "@otel-upstream";
  CHECK(set.out == "clownd forwards OTLP to " + from_credentials.url("/base") +
                       " (headers: Authorization, X-Team), stored in " + stored.string() +
                       " (0600); it takes precedence over config.toml [otel].\n");
  CHECK((fs::status(stored).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK((fs::status(stored.parent_path()).permissions() & fs::perms::all) == fs::perms::owner_all);
  CHECK(f.d.clown({"otel", "upstream"}).out == "OTLP upstream: " + from_credentials.url("/base") + " (from " +
                                                   stored.string() + "), headers: Authorization, X-Team\n");
  REQUIRE(f.post("/v1/metrics", R"({"resourceMetrics":[]})"));
  REQUIRE(from_credentials.wait_for(1));
  const auto got = from_credentials.requests()[0];
  CHECK(got.path == "/base/v1/metrics");
  CHECK(got.header("Authorization") == "Bearer cred=1");  // only the first '=' splits
  CHECK(got.header("X-Team") == "a");
  CHECK(f.status()["upstream"]["source"] == "credentials");

  // A stored file others can read is refused like an open key file.
  ::chmod(stored.c_str(), 0640);
  CHECK(f.status()["upstream_error"] == "permissions 0640 for " + stored.string() +
                                            " are too open: it holds secrets and must be readable by you only; run: "
                                            "chmod 600 " +
                                            stored.string());
  ::chmod(stored.c_str(), 0600);

  // --clear: config.toml applies again.
  CHECK(f.d.clown({"otel", "upstream", "--clear"}).out == "Removed the stored OTLP upstream.\n");
  CHECK(f.d.clown({"otel", "upstream", "--clear"}).out == "There was no stored OTLP upstream.\n");
  REQUIRE(f.post("/v1/logs", logs_body("after-clear")));
  REQUIRE(from_config.wait_for(2));
  CHECK(from_config.requests()[1].body == logs_body("after-clear"));

  // Bad command lines say what is expected.
  auto bad = f.d.clown({"otel", "upstream", "collector:4318"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err ==
        "clown: error: the upstream must be an http:// or https:// URL (the collector's OTLP/HTTP base, e.g. "
        "https://collector.example.com:4318), got 'collector:4318'\n");
  bad = f.d.clown({"otel", "upstream", "https://c.example", "--header", "Authorization"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err ==
        "clown: error: --header takes NAME=VALUE with an HTTP header name (e.g. "
        "Authorization=\"Bearer ...\"), got 'Authorization'\n");
}

TEST_CASE("OTLP forward: a run's payloads go to that run's own upstream, others to the default one",
          "[webui][otlp][forward]") {
  RecordingUpstream fallback, own;
  fallback.up();
  own.up();
  ForwardFixture f("[daemon]\nport = 0\n[otel]\nupstream = \"" + fallback.url() + "\"\n");
  // What `clown run` stores for a user who exported to their own collector.
  clown::ingest::OtelUpstream u;
  u.url = own.url("/base");
  u.logs_url = own.url("/exact/logs");
  u.headers = {{"Authorization", "Bearer own"}};
  run_in_progress(f, u);
  // A run that ended: its upstream is deleted once the queue is empty.
  REQUIRE(clown::ingest::store_run_upstream(clown::Paths{f.d.home}, "0ld0ld", u));
  const auto old_file = f.d.home / "credentials" / "@otel-runs" / "0ld0ld";
  fs::last_write_time(old_file, fs::last_write_time(old_file) - std::chrono::minutes(2));
  f.start();
  const std::string tagged = run_logs();
  const std::string& tagged_metrics = k_run_metrics;
  REQUIRE(f.post("/v1/logs", tagged));
  REQUIRE(f.post("/v1/metrics", tagged_metrics));
  REQUIRE(f.post("/v1/logs", logs_body("untagged")));
  REQUIRE(own.wait_for(2));
  REQUIRE(fallback.wait_for(1));
  const auto got = own.requests();
  CHECK(got[0].path == "/exact/logs");  // a signal-specific endpoint is used as is
  CHECK(got[0].body == tagged);
  CHECK(got[0].header("Authorization") == "Bearer own");
  CHECK(got[1].path == "/base/v1/metrics");
  CHECK(got[1].body == tagged_metrics);
  CHECK(fallback.requests().at(0).body == logs_body("untagged"));
  REQUIRE(f.wait([](const json& s) { return s["delivered"] == 3; }));
  CHECK(own.requests().size() == 2);
  CHECK(fallback.requests().size() == 1);
  CHECK(f.status()["run_upstreams"] == 1);
  CHECK_FALSE(fs::exists(f.d.home / "credentials" / "@otel-runs" / "0ld0ld"));
  CHECK(fs::exists(f.d.home / "credentials" / "@otel-runs" / "0123abcd"));
}

TEST_CASE("OTLP forward: a run's upstream that is down holds back only its own payloads", "[webui][otlp][forward]") {
  RecordingUpstream fallback, own;  // own: down
  fallback.up();
  // Retries far apart: while the run's upstream waits, the default one must not.
  ForwardFixture f("[daemon]\nport = 0\n[otel]\nupstream = \"" + fallback.url() + "\"\n");
  f.d.extra_env = {
      {"CLOWN_OTEL_RETRY_MS", "300"}, {"CLOWN_OTEL_RETRY_MAX_MS", "300"}, {"CLOWN_OTEL_TIMEOUT_MS", "2000"}};
  clown::ingest::OtelUpstream u;
  u.url = own.url();
  run_in_progress(f, u);
  f.start();
  REQUIRE(f.post("/v1/logs", run_logs("run-1")));
  REQUIRE(f.wait([](const json& s) { return s["failed_attempts"].get<int>() >= 1; }));
  REQUIRE(f.post("/v1/logs", logs_body("default-1")));
  REQUIRE(f.post("/v1/logs", run_logs("run-2")));
  REQUIRE(f.post("/v1/logs", logs_body("default-2")));
  // Both default payloads arrive although older payloads of the dead upstream are queued before them.
  REQUIRE(fallback.wait_for(2));
  CHECK(fallback.requests().at(0).body == logs_body("default-1"));
  CHECK(fallback.requests().at(1).body == logs_body("default-2"));
  REQUIRE(f.wait([](const json& s) { return s["queue_length"] == 2 && s["delivered"] == 2; }));
  // The run's upstream comes back: its payloads arrive once, in order.
  own.up();
  REQUIRE(own.wait_for(2));
  REQUIRE(f.wait([](const json& s) { return s["queue_length"] == 0 && s["delivered"] == 4; }));
  const auto got = own.requests();
  REQUIRE(got.size() == 2);
  CHECK(got[0].body == run_logs("run-1"));
  CHECK(got[1].body == run_logs("run-2"));
  CHECK(fallback.requests().size() == 2);
}

TEST_CASE("OTLP forward: a run whose user exported only metrics forwards only metrics there",
          "[webui][otlp][forward]") {
  RecordingUpstream fallback, own;
  fallback.up();
  own.up();
  ForwardFixture f("[daemon]\nport = 0\n[otel]\nupstream = \"" + fallback.url() + "\"\n");
  clown::ingest::OtelUpstream u;
  u.url = own.url("/m/v1/metrics");
  u.metrics_url = own.url("/m/v1/metrics");
  u.metrics_headers = {{"api-key", "m1"}};
  u.logs = false;
  run_in_progress(f, u);
  f.start();
  const std::string logs = run_logs();
  const std::string& metrics = k_run_metrics;
  REQUIRE(f.post("/v1/logs", logs));
  REQUIRE(f.post("/v1/metrics", metrics));
  REQUIRE(f.wait([](const json& s) { return s["queue_length"] == 0 && s["delivered"] == 2; }));
  REQUIRE(own.requests().size() == 1);
  CHECK(own.requests()[0].path == "/m/v1/metrics");
  CHECK(own.requests()[0].body == metrics);
  CHECK(own.requests()[0].header("api-key") == "m1");
  REQUIRE(fallback.requests().size() == 1);  // the run's events: the default upstream, as without a run upstream
  CHECK(fallback.requests()[0].body == logs);
}
