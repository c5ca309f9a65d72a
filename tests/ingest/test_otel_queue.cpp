// The OTLP forward's on-disk queue and upstream choice without a daemon:
// order, limits, what survives a reopen, bad files, header arguments, URLs
// and the run id of a payload.
#include <catch2/catch.hpp>

#include "ingest/otel_queue.hpp"
#include "ingest/otel_upstream.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::ingest;

namespace {

QueuedPayload logs(const std::string& body) { return {"/v1/logs", "application/json", "", "", body}; }

}  // namespace

TEST_CASE("otel queue: oldest first, limits drop the oldest, a reopen finds what is left", "[otel][forward]") {
  test::TempDir tmp;
  const Paths paths{tmp.path()};
  {
    OtelQueue q(paths);
    CHECK_FALSE(q.oldest());
    QueuedPayload gz{"/v1/metrics", "application/json", "gzip", "run1", "{\"m\":1}"};
    REQUIRE(q.push(gz, {}) == 0);
    REQUIRE(q.push(logs("{\"a\":2}"), {}) == 0);
    CHECK(q.length() == 2);
    const auto first = q.read(*q.oldest());
    REQUIRE(first);
    CHECK(first->signal_path == "/v1/metrics");
    CHECK(first->content_encoding == "gzip");
    CHECK(first->run_id == "run1");
    CHECK(first->body == "{\"m\":1}");
    // Three at most: the fourth push drops the oldest.
    REQUIRE(q.push(logs("{\"a\":3}"), {3, 1 << 20}) == 0);
    REQUIRE(q.push(logs("{\"a\":4}"), {3, 1 << 20}) == 1);
    CHECK(q.length() == 3);
    CHECK(q.read(*q.oldest())->body == "{\"a\":2}");
  }
  OtelQueue reopened(paths);
  CHECK(reopened.length() == 3);
  CHECK(otel_queue_length(paths) == 3);
  const auto id = *reopened.oldest();
  CHECK(reopened.read(id)->body == "{\"a\":2}");
  reopened.remove(id);
  CHECK(reopened.read(*reopened.oldest())->body == "{\"a\":3}");
  // A byte limit smaller than two payloads keeps only the newest one (never drops the new one).
  CHECK(reopened.push(logs(std::string(500, 'x')), {100, 300}) == 2);
  CHECK(reopened.length() == 1);
  CHECK(reopened.read(*reopened.oldest())->body == std::string(500, 'x'));
}

TEST_CASE("otel queue: a file without its header line is an error naming it, not a crash", "[otel][forward]") {
  test::TempDir tmp;
  const Paths paths{tmp.path()};
  test::write_text(otel_queue_dir(paths) / "0000000000000001-00000000.otlp", "{\"resourceLogs\":[]}");
  test::write_text(otel_queue_dir(paths) / "0000000000000002-00000000.otlp",
                   "{\"path\":\"/v1/logs\",\"content_type\":5}\n{}");
  test::write_text(otel_queue_dir(paths) / ".0000000000000003-00000000.otlp.tmp.1.2", "partial");
  OtelQueue q(paths);
  CHECK(q.length() == 2);  // the temporary file of an interrupted write is not a payload
  const auto bad = q.read(*q.oldest());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == (otel_queue_dir(paths) / "0000000000000001-00000000.otlp").string() +
                                   " is not a queued OTLP payload (no header line)");
  q.remove(*q.oldest());
  const auto odd = q.read(*q.oldest());
  REQUIRE(odd);
  CHECK(odd->content_type == "application/json");  // a wrong type reads as absent
  CHECK(odd->body == "{}");
}

TEST_CASE("otel upstream: header arguments, URLs and a payload's run id", "[otel][forward]") {
  CHECK(*parse_header_arg("Authorization=Bearer a=b") ==
        std::pair<std::string, std::string>{"Authorization", "Bearer a=b"});
  CHECK(*parse_header_arg("X-Empty=") == std::pair<std::string, std::string>{"X-Empty", ""});
  CHECK(parse_header_arg("NoValue").error().message ==
        "--header takes NAME=VALUE with an HTTP header name (e.g. Authorization=\"Bearer ...\"), got 'NoValue'");
  CHECK(parse_header_arg("Bad Name=x").error().exit_code == k_exit_usage);
  CHECK(check_upstream_url("https://c.example:4318"));
  CHECK_FALSE(check_upstream_url("https://"));
  CHECK_FALSE(check_upstream_url("ftp://c.example"));
  OtelUpstream u;
  u.url = "https://c.example/base/";
  CHECK(signal_url(u, "/v1/logs") == "https://c.example/base/v1/logs");
  u.logs_url = "https://c.example/exact";
  CHECK(signal_url(u, "/v1/logs") == "https://c.example/exact");
  CHECK(signal_url(u, "/v1/metrics") == "https://c.example/base/v1/metrics");
  CHECK(
      otlp_run_id(
          R"({"resourceLogs":[{"resource":{"attributes":[{"key":"clown.run_id","value":{"stringValue":"ab12"}}]}}]})") ==
      "ab12");
  CHECK(otlp_run_id(R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"x","value":{"stringValue":"y"}},)"
                    R"({"key":"clown.run_id","value":{"stringValue":"cd34"}}]}}]})") == "cd34");
  CHECK(otlp_run_id(
            R"({"resourceLogs":[{"resource":{"attributes":[{"key":"clown.run_id","value":{"intValue":"5"}}]}}]})") ==
        "");
  CHECK(otlp_run_id(R"({"resourceLogs":[5, {"resource":7}]})") == "");
  CHECK(otlp_run_id("not json") == "");
  CHECK(otlp_run_id("\xff\xfe") == "");
}
