// webui::App without sockets: routing, guards and the error shape.
#include <catch2/catch.hpp>

#include "tests/support/test_support.hpp"
#include "webui/app.hpp"

using clown::webui::App;
using clown::webui::AppConfig;
using clown::webui::HttpRequest;
using nlohmann::json;

namespace {

HttpRequest request(const std::string& method, const std::string& path, const std::string& host = "127.0.0.1:4242") {
  HttpRequest r;
  r.method = method;
  r.path = path;
  r.headers["host"] = host;
  return r;
}

std::string header(const clown::webui::HttpResponse& res, const std::string& name) {
  for (const auto& [k, v] : res.headers)
    if (k == name) return v;
  return "";
}

}  // namespace

TEST_CASE("App routes, guards and answers with one error shape", "[webui][app]") {
  clown::test::TempDir tmp;
  App app(AppConfig{clown::Paths{tmp.path()}, 4242, "t0k3n", "2026-11-24T10:00:00.000Z",
                    "0tel-t0k3n-0123456789abcdef01234", "s3ss10n"});

  auto health = app.handle(request("GET", "/api/health"));
  CHECK(health.status == 200);
  CHECK(json::parse(health.body)["data"]["port"] == 4242);
  CHECK(header(health, "X-Content-Type-Options") == "nosniff");
  CHECK(app.in_flight() == 0);

  auto head = app.handle(request("HEAD", "/api/health"));
  CHECK(head.status == 200);

  auto rebind = app.handle(request("GET", "/api/health", "attacker.example:4242"));
  CHECK(rebind.status == 403);
  CHECK(json::parse(rebind.body) ==
        json{{"success", false},
             {"error",
              {{"code", "forbidden"},
               {"message", "Host 'attacker.example:4242' is not allowed; open http://127.0.0.1:4242/ instead"}}}});
  CHECK(app.handle(request("GET", "/api/health", "")).status == 403);
  CHECK(app.handle(request("GET", "/api/health", "localhost:4242")).status == 200);

  CHECK(app.handle(request("GET", "/missing")).status == 404);
  auto put = app.handle(request("PUT", "/api/health"));
  CHECK(put.status == 405);
  CHECK(header(put, "Allow") == "GET");

  auto post = request("POST", "/api/registry/sync");
  post.body = R"({"offline": 1})";
  CHECK(app.handle(post).status == 403);
  post.headers["x-clown-token"] = "t0k3n";
  auto offline = app.handle(post);
  CHECK(offline.status == 400);
  CHECK(json::parse(offline.body)["error"]["message"] == "'offline' must be true or false");

  // Pages and reads need the session cookie or the token header (docs/security.md#login).
  auto anonymous = app.handle(request("GET", "/profiles"));
  CHECK(anonymous.status == 401);
  CHECK(anonymous.body == "Not logged in: run `clown daemon open` to open the dashboard.\n");
  CHECK(anonymous.body.find("t0k3n") == std::string::npos);
  CHECK(app.handle(request("GET", "/api/profiles")).status == 401);
  auto session = request("GET", "/api/profiles");
  session.headers["cookie"] = "clown_session_4242=s3ss10n";
  CHECK(app.handle(session).status == 200);
  session.headers["cookie"] = "clown_session_4243=s3ss10n";
  CHECK(app.handle(session).status == 401);

  auto page_request = request("GET", "/profiles");
  page_request.headers["x-clown-token"] = "t0k3n";
  auto page = app.handle(page_request);
  CHECK(page.status == 200);
  CHECK(page.body.find("<meta name=\"clown-token\" content=\"t0k3n\">") != std::string::npos);
  CHECK(page.body.find("__CLOWN_") == std::string::npos);
  CHECK(header(page, "Content-Security-Policy").rfind("default-src 'self'", 0) == 0);
  auto again = page_request;
  again.headers["if-none-match"] = header(page, "ETag");
  auto not_modified = app.handle(again);
  CHECK(not_modified.status == 304);
  CHECK(not_modified.body.empty());
}

TEST_CASE("App login links are one-time - HEAD does not use them up", "[webui][app]") {
  clown::test::TempDir tmp;
  App app(AppConfig{clown::Paths{tmp.path()}, 4242, "t0k3n", "2026-11-24T10:00:00.000Z",
                    "0tel-t0k3n-0123456789abcdef01234", "s3ss10n"});
  auto mint = request("POST", "/api/login-token");
  CHECK(app.handle(mint).status == 403);  // only the token holder gets links
  mint.headers["x-clown-token"] = "t0k3n";
  auto minted = app.handle(mint);
  REQUIRE(minted.status == 200);
  const std::string url = json::parse(minted.body)["data"]["login_url"];
  const std::string path = url.substr(url.find("/login"));
  auto login = request("GET", "/login");
  login.params.emplace("token", path.substr(path.find('=') + 1));
  auto head = login;
  head.method = "HEAD";
  CHECK(app.handle(head).status == 200);
  auto in = app.handle(login);
  CHECK(in.status == 200);
  CHECK(header(in, "Set-Cookie") == "clown_session_4242=s3ss10n; Path=/; HttpOnly; SameSite=Strict");
  auto again = app.handle(login);
  CHECK(again.status == 401);
  CHECK(header(again, "Set-Cookie").empty());
}
