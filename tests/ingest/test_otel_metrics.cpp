// OpenTelemetry metrics (POST /v1/metrics) on a real capture
// (tests/data/claude-otel: Claude Code 2.1.328's interactive session) and on
// hand-made payloads for what Claude Code does not send (cumulative sums,
// gauges, histograms, broken points): parsing, the inbox, storing each point
// once, and the per-profile sums `clown usage activity` shows.
#include <catch2/catch.hpp>

#include <map>

#include <nlohmann/json.hpp>

#include "ingest/otel_metrics.hpp"
#include "ingest/otel_sink.hpp"
#include "store/otel_metrics_table.hpp"
#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using nlohmann::json;

namespace {

const fs::path k_interactive =
    test::source_dir() / "tests" / "data" / "claude-otel" / "2.1.328" / "interactive" / "otel" / "008-metrics.body";

// A payload of one sum with the given temporality and points (value, start, end).
std::string sum_payload(const std::string& name, int temporality, const std::vector<std::array<double, 3>>& points,
                        const std::string& profile = "p") {
  json dps = json::array();
  for (const auto& [v, start, end] : points)
    dps.push_back({{"attributes", json::array({{{"key", "type"}, {"value", {{"stringValue", "added"}}}},
                                               {{"key", "session.id"}, {"value", {{"stringValue", "s1"}}}}})},
                   {"startTimeUnixNano", std::to_string(static_cast<int64_t>(start))},
                   {"timeUnixNano", std::to_string(static_cast<int64_t>(end))},
                   {"asDouble", v}});
  json metric = {{"name", name},
                 {"unit", "count"},
                 {"sum", {{"aggregationTemporality", temporality}, {"isMonotonic", true}, {"dataPoints", dps}}}};
  json resource = {{"attributes", json::array({{{"key", "clown.profile"}, {"value", {{"stringValue", profile}}}}})}};
  return json{{"resourceMetrics",
               json::array({{{"resource", resource}, {"scopeMetrics", json::array({{{"metrics", {metric}}}})}}})}}
      .dump();
}

std::map<std::string, double> sums_by_name_type(const Paths& paths) {
  auto store = store::Store::open_readonly(paths);
  REQUIRE(store);
  std::map<std::string, double> out;
  for (const auto& s : store::metric_sums((*store)->db(), "", INT64_MIN, INT64_MAX))
    out[s.profile + "|" + s.name + "|" + s.type] = s.value;
  return out;
}

}  // namespace

TEST_CASE("otel metrics: Claude Code 2.1.328's shutdown export parses into its 13 points", "[otel][metrics]") {
  const auto batch = ingest::parse_otlp_metrics(test::read_text(k_interactive));
  REQUIRE(batch);
  CHECK(batch->metrics == 4);
  CHECK(batch->skipped == 0);
  REQUIRE(batch->points.size() == 13);
  const auto& session = batch->points[0];
  CHECK(session.name == "claude_code.session.count");
  CHECK(session.value == 1);
  CHECK(session.session_id == "f0674bc1-c2eb-4bcd-aa64-155bf0f78ea5");
  CHECK(session.profile == "test");
  CHECK(session.run_id == "test-run-1");
  CHECK(session.temporality == store::MetricTemporality::delta);
  CHECK(session.start_ns == 1795929278123000000);
  CHECK(session.time_ns == 1795929293286000000);
  // Identities are columns, not labels; what was measured stays.
  CHECK(session.labels == R"({"start_type":"fresh"})");
  const auto& user = batch->points[11];
  CHECK(user.name == "claude_code.active_time.total");
  CHECK(user.unit == "s");
  CHECK(user.type == "user");
  CHECK(user.value == 14.831);
  CHECK(batch->points[3].labels == R"({"model":"claude-sonnet-4-5","query_source":"auxiliary","type":"input"})");
}

TEST_CASE("otel metrics: the inbox stores each point once, whatever an exporter resends", "[otel][metrics]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  const auto body = test::read_text(k_interactive);
  REQUIRE(*ingest::receive_otlp_metrics(paths, body) == 13);
  REQUIRE(*ingest::receive_otlp_metrics(paths, body) == 13);  // a retry
  CHECK(*ingest::drain_otel_metrics_inbox(paths) == 13);
  CHECK(*ingest::drain_otel_metrics_inbox(paths) == 0);  // nothing new
  REQUIRE(*ingest::receive_otlp_metrics(paths, body) == 13);
  CHECK(*ingest::drain_otel_metrics_inbox(paths) == 0);  // already stored
  const auto sums = sums_by_name_type(paths);
  CHECK(sums.at("test|claude_code.session.count|") == 1);
  CHECK(sums.at("test|claude_code.active_time.total|user") == 14.831);
  CHECK(sums.at("test|claude_code.active_time.total|cli") == Approx(0.68).epsilon(1e-12));
  CHECK(sums.at("test|claude_code.token.usage|input") == 651 + 1073);
  CHECK(sums.at("test|claude_code.token.usage|cacheRead") == 12968 + 95331);
  CHECK(sums.at("test|claude_code.cost.usage|") == Approx(0.0380289 + 0.09817005).epsilon(1e-12));
}

TEST_CASE("otel metrics: delta points add up, a cumulative series counts its latest point", "[otel][metrics]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  const double t0 = 1.7e18;
  REQUIRE(*ingest::receive_otlp_metrics(paths, sum_payload("claude_code.lines_of_code.count", 1,
                                                           {{{5, t0, t0 + 1e9}}, {{7, t0 + 1e9, t0 + 2e9}}})) == 2);
  // Cumulative: 10 then 25 since the same start; a restarted series (new start) adds its own 4.
  REQUIRE(*ingest::receive_otlp_metrics(
              paths, sum_payload("claude_code.commit.count", 2,
                                 {{{10, t0, t0 + 1e9}}, {{25, t0, t0 + 2e9}}, {{4, t0 + 3e9, t0 + 4e9}}}, "q")) == 3);
  REQUIRE(*ingest::drain_otel_metrics_inbox(paths) == 5);
  const auto sums = sums_by_name_type(paths);
  CHECK(sums.at("p|claude_code.lines_of_code.count|added") == 12);
  CHECK(sums.at("q|claude_code.commit.count|added") == 29);
  CHECK(sums.size() == 2);
}

TEST_CASE("otel metrics: bad payloads are refused, bad points skipped and counted", "[otel][metrics]") {
  CHECK_FALSE(ingest::parse_otlp_metrics("not json"));
  CHECK_FALSE(ingest::parse_otlp_metrics(R"({"resourceMetrics": 5})"));
  CHECK(ingest::parse_otlp_metrics("{}")->points.empty());
  const auto batch = ingest::parse_otlp_metrics(R"({"resourceMetrics": [{"scopeMetrics": [{"metrics": [
      {"name": "h", "histogram": {"dataPoints": [{"timeUnixNano": "1", "count": "3"}]}},
      {"name": "g", "gauge": {"dataPoints": [{"timeUnixNano": "2000000", "asInt": "42"},
                                             {"timeUnixNano": "x", "asInt": "1"},
                                             {"timeUnixNano": "3", "asDouble": "NaN"},
                                             {"timeUnixNano": "4"}]}},
      {"name": "", "sum": {"dataPoints": []}}, 7]}]}]})");
  REQUIRE(batch);
  CHECK(batch->metrics == 3);
  CHECK(batch->skipped == 1 + 3 + 1);
  REQUIRE(batch->points.size() == 1);
  CHECK(batch->points[0].name == "g");
  CHECK(batch->points[0].temporality == store::MetricTemporality::gauge);
  CHECK(batch->points[0].value == 42);
  CHECK(batch->points[0].time_ns == 2000000);
}
