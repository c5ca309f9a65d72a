// GET /metrics without sockets: the text format (escaping, numbers), who may
// scrape, and the opt-in scrape token's file.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/support/test_support.hpp"
#include "webui/app.hpp"
#include "webui/metrics.hpp"
#include "webui/prometheus_text.hpp"

using clown::webui::App;
using clown::webui::AppConfig;
using clown::webui::HttpRequest;
using clown::webui::PrometheusText;

namespace {

HttpRequest scrape(const std::map<std::string, std::string>& headers) {
  HttpRequest r;
  r.method = "GET";
  r.path = "/metrics";
  r.headers = headers;
  r.headers["host"] = "127.0.0.1:4242";
  return r;
}

}  // namespace

TEST_CASE("Prometheus text: HELP/TYPE lines, escaped labels, exact numbers", "[webui][metrics]") {
  PrometheusText out;
  out.family("clown_cost_usd_total", PrometheusText::Type::counter, "Cost\\in USD\nper model");
  out.sample({{"profile", "a\"b\\c\nd"}, {"model", "m"}}, 0.1 + 0.2);
  out.sample({}, int64_t{9007199254740993});
  out.single("clown_runs_active", PrometheusText::Type::gauge, "Runs", 2.0);
  out.single("clown_nan", PrometheusText::Type::gauge, "x", std::numeric_limits<double>::quiet_NaN());
  CHECK(out.text() ==
        "# HELP clown_cost_usd_total Cost\\\\in USD\\nper model\n"
        "# TYPE clown_cost_usd_total counter\n"
        "clown_cost_usd_total{profile=\"a\\\"b\\\\c\\nd\",model=\"m\"} 0.30000000000000004\n"
        "clown_cost_usd_total 9007199254740993\n"
        "# HELP clown_runs_active Runs\n"
        "# TYPE clown_runs_active gauge\n"
        "clown_runs_active 2\n"
        "# HELP clown_nan x\n"
        "# TYPE clown_nan gauge\n"
        "clown_nan NaN\n");
}

TEST_CASE("/metrics needs the daemon token or the scrape token", "[webui][metrics]") {
  clown::test::TempDir tmp;
  const clown::Paths paths{tmp.path()};
  App app(AppConfig{paths, 4242, "d43m0n-t0k3n", "2026-11-24T10:00:00.000Z", "0tel-t0k3n-0123456789abcdef01234", ""});

  auto anonymous = app.handle(scrape({}));
  CHECK(anonymous.status == 401);
  CHECK(nlohmann::json::parse(anonymous.body)["error"]["code"] == "unauthorized");
  CHECK(app.handle(scrape({{"authorization", "Bearer wrong"}})).status == 401);
  CHECK(app.handle(scrape({{"authorization", "Bearer "}})).status == 401);
  CHECK(app.handle(scrape({{"authorization", "Basic d43m0n-t0k3n"}})).status == 401);
  // No scrape token yet: an empty Bearer must not match an absent file.
  CHECK(app.handle(scrape({{"authorization", "Bearer"}})).status == 401);

  auto by_header = app.handle(scrape({{"x-clown-token", "d43m0n-t0k3n"}}));
  REQUIRE(by_header.status == 200);
  CHECK(by_header.content_type == "text/plain; version=0.0.4; charset=utf-8");
  // An empty store: every family is there, zero where a gauge has one sample.
  CHECK(by_header.body.find("# TYPE clown_tokens_total counter\n") != std::string::npos);
  CHECK(by_header.body.find("\nclown_sessions_total 0\n") != std::string::npos);
  CHECK(by_header.body.find("\nclown_runs_active 0\n") != std::string::npos);
  CHECK(by_header.body.find("\nclown_import_last_success_timestamp_seconds 0\n") != std::string::npos);
  CHECK(by_header.body.find("\nclown_otel_forward_queue_length 0\n") != std::string::npos);
  CHECK(app.handle(scrape({{"authorization", "Bearer d43m0n-t0k3n"}})).status == 200);

  const auto token = clown::webui::metrics_token(paths, false);
  REQUIRE(token);
  CHECK(token->size() == 32);
  struct stat st {};
  REQUIRE(::stat(clown::webui::metrics_token_file(paths).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(paths.credentials_dir().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  CHECK(*clown::webui::metrics_token(paths, false) == *token);  // stable until renewed
  CHECK(app.handle(scrape({{"authorization", "Bearer " + *token}})).status == 200);
  // The scrape token is for /metrics only: it is no page token.
  HttpRequest sync;
  sync.method = "POST";
  sync.path = "/api/registry/sync";
  sync.headers = {{"host", "127.0.0.1:4242"}, {"x-clown-token", *token}};
  CHECK(app.handle(sync).status == 403);

  const auto renewed = clown::webui::metrics_token(paths, true);
  REQUIRE(renewed);
  CHECK(*renewed != *token);
  CHECK(app.handle(scrape({{"authorization", "Bearer " + *token}})).status == 401);
  CHECK(app.handle(scrape({{"authorization", "Bearer " + *renewed}})).status == 200);
  CHECK(*clown::webui::remove_metrics_token(paths) == true);
  CHECK(*clown::webui::remove_metrics_token(paths) == false);
  CHECK(app.handle(scrape({{"authorization", "Bearer " + *renewed}})).status == 401);
}
