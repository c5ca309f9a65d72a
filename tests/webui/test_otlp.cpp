// The daemon's OTLP/HTTP receiver over a real socket, fed the bodies real
// Claude Code exports sent (tests/data/claude-otel/README.md): 2.1.328 posts
// with Content-Length, 2.1.197 chunked, gzip when asked. Events are stored
// once, whatever the framing, and bad exports get OTLP's status answers.
#include <catch2/catch.hpp>

#include "tests/webui/daemon_fixture.hpp"

using namespace clown::test;
using nlohmann::json;

namespace {

const fs::path k_otel = source_dir() / "tests" / "data" / "claude-otel";

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// POSTs `body` to `path` the way 2.1.197 does: Transfer-Encoding: chunked.
httplib::Result post_chunked(const DaemonFixture& d, const std::string& path, const std::string& body,
                             httplib::Headers headers) {
  auto c = d.client();
  return c.Post(
      path, headers,
      [&body](size_t, httplib::DataSink& sink) {
        // Two chunks, as a streaming exporter would send them.
        const size_t half = body.size() / 2;
        sink.write(body.data(), half);
        sink.write(body.data() + half, body.size() - half);
        sink.done();
        return true;
      },
      "application/json");
}

}  // namespace

TEST_CASE("OTLP receiver: real exports with Content-Length, chunked and gzip bodies are stored once", "[webui][otlp]") {
  DaemonFixture d;
  REQUIRE(d.start().exit_code == 0);
  const std::string token = trimmed(read_text(d.home / "otel.token"));
  REQUIRE(token.size() >= 32);
  const httplib::Headers auth{{"x-clown-otel-token", token}};
  auto c = d.client();

  // 2.1.328, -p: two api_request events, Content-Length.
  const std::string plain = read_text(k_otel / "2.1.328" / "print" / "otel" / "001-logs.body");
  auto r = c.Post("/v1/logs", auth, plain, "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "{}");
  // The exporter retries what it thinks failed: the same events again add nothing.
  r = c.Post("/v1/logs", auth, plain, "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);

  // 2.1.197 with OTEL_EXPORTER_OTLP_COMPRESSION=gzip: chunked and gzip.
  httplib::Headers gzip = auth;
  gzip.emplace("Content-Encoding", "gzip");
  r = post_chunked(d, "/v1/logs", read_text(k_otel / "2.1.197" / "gzip" / "otel" / "001-logs.body"), gzip);
  REQUIRE(r);
  CHECK(r->status == 200);
  // Metrics are accepted (and stored: tests below).
  r = c.Post("/v1/metrics", auth, read_text(k_otel / "2.1.328" / "print" / "otel" / "002-metrics.body"),
             "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);

  // Refusals, with OTLP's google.rpc.Status bodies.
  r = c.Post("/v1/logs", httplib::Headers{{"x-clown-otel-token", std::string(token.size(), 'x')}}, plain,
             "application/json");
  REQUIRE(r);
  CHECK(r->status == 401);
  r = c.Post("/v1/logs", plain, "application/json");  // no token at all
  REQUIRE(r);
  CHECK(r->status == 401);
  r = c.Post("/v1/logs", auth, "\x0a\x02\x08\x01", "application/x-protobuf");
  REQUIRE(r);
  CHECK(r->status == 415);
  CHECK(json::parse(r->body) ==
        json{{"code", 3},
             {"message", "clown's receiver takes OTLP/HTTP JSON: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json"}});
  r = c.Post("/v1/logs", auth, R"({"resourceLogs": [{"scopeLogs": 5)", "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(json::parse(r->body)["code"] == 3);

  // Stopping drains the inbox: afterwards the store holds the four requests once.
  REQUIRE(d.clown({"daemon", "stop"}).exit_code == 0);
  auto usage = d.clown({"usage", "--period", "all", "--json"});
  REQUIRE(usage.exit_code == 0);
  const json got = json::parse(usage.out);
  CHECK(got["total_requests"] == 4);
  CHECK(got["total_tokens"]["input_tokens"] == 838 + 337);
  CHECK(got["total_tokens"]["output_tokens"] == 283 + 565);
  CHECK(got["total_tokens"]["cache_read_input_tokens"] == 10634 + 41288);
  CHECK(got["total_tokens"]["cache_creation_input_tokens"] == 6967 + 5065);
  CHECK(got["total_sessions"] == 2);
}

TEST_CASE("OTLP receiver: Claude Code's metrics are stored once and `clown usage activity` shows them",
          "[webui][otlp]") {
  DaemonFixture d;
  REQUIRE(d.start().exit_code == 0);
  const httplib::Headers auth{{"x-clown-otel-token", trimmed(read_text(d.home / "otel.token"))}};
  auto c = d.client();
  const std::string body = read_text(k_otel / "2.1.328" / "interactive" / "otel" / "008-metrics.body");
  for (int i = 0; i < 2; ++i) {  // an exporter's retry adds nothing
    auto r = c.Post("/v1/metrics", auth, body, "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  auto r = c.Post("/v1/metrics", auth, R"({"resourceMetrics": {}})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  // Stopping drains the inbox.
  REQUIRE(d.clown({"daemon", "stop"}).exit_code == 0);
  auto activity = d.clown({"usage", "activity", "--period", "all", "--json"});
  REQUIRE(activity.exit_code == 0);
  const json got = json::parse(activity.out);
  REQUIRE(got["by_profile"].size() == 1);
  const json& row = got["by_profile"][0];
  CHECK(row["profile"] == "test");
  CHECK(row["sessions"] == 1);
  CHECK(row["active_time_s"]["user"] == 14.831);
  CHECK(row["active_time_s"]["cli"].get<double>() == Approx(0.68).epsilon(1e-12));
  CHECK(row["agent_tokens"] == 651 + 377 + 12968 + 6395 + 1073 + 1163 + 95331 + 11300);
  CHECK(row["agent_cost_usd"].get<double>() == Approx(0.0380289 + 0.09817005).epsilon(1e-12));
  CHECK(row["lines_of_code"] == json{{"added", 0}, {"removed", 0}});
  CHECK(row["points"] == 13);
  CHECK(got["totals"]["points"] == 13);
  auto table = d.clown({"usage", "activity", "--period", "all"});
  REQUIRE(table.exit_code == 0);
  INFO(table.out);
  CHECK(
      table.out.find("test            1         14.8s            0.7s        0        0        0    0         $0.14") !=
      std::string::npos);
}
