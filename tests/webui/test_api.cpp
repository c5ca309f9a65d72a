// The JSON API and pages of a running daemon (cpp-httplib client).
#include <unistd.h>

#include <fstream>

#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "tests/webui/daemon_fixture.hpp"

using clown::test::DaemonFixture;
using clown::test::read_text;
using clown::test::write_text;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string usage_line(const std::string& session, const std::string& id, const std::string& model,
                       const std::string& ts, int in, int out, int cw, int cr, const std::string& cwd) {
  json j{{"type", "assistant"},
         {"sessionId", session},
         {"timestamp", ts},
         {"requestId", "req_" + id},
         {"cwd", cwd},
         {"isSidechain", false},
         {"message",
          {{"id", "msg_" + id},
           {"model", model},
           {"usage",
            {{"input_tokens", in},
             {"output_tokens", out},
             {"cache_creation_input_tokens", cw},
             {"cache_read_input_tokens", cr},
             {"cache_creation", {{"ephemeral_5m_input_tokens", cw}, {"ephemeral_1h_input_tokens", 0}}}}}}}};
  return j.dump() + "\n";
}

// Two models, two sessions; the "work" profile's isolated home holds a third session.
struct Seed {
  fs::path claude_dir;
};

Seed seed(DaemonFixture& d) {
  const std::string ts = clown::format_iso8601_ms(clown::now_ms() - 3600 * 1000);
  Seed s;
  s.claude_dir = d.tmp.path() / "claude";
  fs::create_directories(s.claude_dir / "projects" / "-tmp-alpha");
  write_text(s.claude_dir / "projects" / "-tmp-alpha" / "s1.jsonl",
             usage_line("s1", "a1", "claude-sonnet-4-5", ts, 100, 200, 300, 400, "/tmp/alpha") +
                 usage_line("s1", "a2", "claude-sonnet-4-5", ts, 10, 20, 30, 40, "/tmp/alpha"));
  write_text(s.claude_dir / "projects" / "-tmp-alpha" / "s2.jsonl",
             usage_line("s2", "b1", "claude-haiku-4-5", ts, 1000, 2000, 0, 5000, "/tmp/alpha"));
  write_text(d.home / "profiles" / "work.toml", "agent = \"claude\"\nprovider = \"anthropic\"\n");
  fs::create_directories(d.home / "homes" / "work" / "projects" / "-tmp-beta");
  write_text(d.home / "homes" / "work" / "projects" / "-tmp-beta" / "s3.jsonl",
             usage_line("s3", "c1", "claude-sonnet-4-5", ts, 7, 8, 9, 10, "/tmp/beta"));
  return s;
}

int64_t total_tokens(const json& t) {
  return t["input_tokens"].get<int64_t>() + t["output_tokens"].get<int64_t>() +
         t["cache_creation_input_tokens"].get<int64_t>() + t["cache_read_input_tokens"].get<int64_t>();
}

}  // namespace

TEST_CASE("security: Host header, POST token, no CORS", "[webui][api]") {
  DaemonFixture d;
  REQUIRE(d.start().exit_code == 0);
  const std::string port = std::to_string(d.port);

  SECTION("Host must be 127.0.0.1:<port> or localhost:<port>") {
    for (const std::string& host : std::vector<std::string>{"127.0.0.1:" + port, "localhost:" + port}) {
      auto res = d.get("/api/health", {{"Host", host}});
      REQUIRE(res);
      CHECK(res->status == 200);
    }
    for (const std::string& host : std::vector<std::string>{"evil.example:" + port, "127.0.0.1", "localhost",
                                                            "127.0.0.1:1", "localhost.evil.example:" + port}) {
      for (const std::string& path : std::vector<std::string>{"/api/health", "/usage", "/api/usage", "/nope"}) {
        auto res = d.get(path, {{"Host", host}});
        REQUIRE(res);
        CHECK(res->status == 403);
        auto j = json::parse(res->body);
        CHECK(j["success"] == false);
        CHECK(j["error"]["code"] == "forbidden");
        CHECK(j["error"]["message"] ==
              "Host '" + host + "' is not allowed; open http://127.0.0.1:" + port + "/ instead");
      }
    }
    // A DNS-rebound page cannot POST either, even with the token.
    httplib::Headers h{{"Host", "evil.example:" + port}, {"X-Clown-Token", d.token}};
    auto res = d.client().Post("/api/usage/import-claude", h, "{}", "application/json");
    REQUIRE(res);
    CHECK(res->status == 403);
  }

  SECTION("every POST needs the token") {
    for (const std::string& path : std::vector<std::string>{"/api/usage/import-claude", "/api/registry/sync"}) {
      auto none = d.post(path, "{}", false);
      REQUIRE(none);
      CHECK(none->status == 403);
      CHECK(json::parse(none->body)["error"]["message"] ==
            "missing or wrong X-Clown-Token header; use the token from daemon.json (the web UI sends it for you)");
      httplib::Headers wrong{{"X-Clown-Token", std::string(d.token.size(), '0')}};
      auto bad = d.client().Post(path, wrong, "{}", "application/json");
      REQUIRE(bad);
      CHECK(bad->status == 403);
      httplib::Headers prefix{{"X-Clown-Token", d.token.substr(0, 31)}};
      auto short_token = d.client().Post(path, prefix, "{}", "application/json");
      REQUIRE(short_token);
      CHECK(short_token->status == 403);
    }
    // With the token the request reaches the handler (which validates its body).
    auto ok = d.post("/api/usage/import-claude", R"({"claude_dir": "/nonexistent/dir"})");
    REQUIRE(ok);
    CHECK(ok->status == 400);
  }

  SECTION("no CORS headers, preflight refused") {
    auto res = d.get("/api/usage?period=all", {{"Origin", "http://evil.example"}});
    REQUIRE(res);
    for (const auto& [name, value] : res->headers) CHECK(name.rfind("Access-Control-", 0) == std::string::npos);
    httplib::Request req;
    req.method = "OPTIONS";
    req.path = "/api/usage/import-claude";
    req.headers = {{"Origin", "http://evil.example"}, {"Access-Control-Request-Method", "POST"}};
    auto pre = d.client().send(req);
    REQUIRE(pre);
    CHECK(pre->status == 405);
    CHECK(pre->get_header_value("Allow") == "POST");
    for (const auto& [name, value] : pre->headers) CHECK(name.rfind("Access-Control-", 0) == std::string::npos);
    CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
  }
}

TEST_CASE("errors share one JSON shape with proper status codes", "[webui][api]") {
  DaemonFixture d;
  REQUIRE(d.start().exit_code == 0);

  auto not_found = d.get("/api/nope");
  REQUIRE(not_found);
  CHECK(not_found->status == 404);
  CHECK(not_found->get_header_value("Content-Type") == "application/json");
  CHECK(
      json::parse(not_found->body) ==
      json{{"success", false},
           {"error",
            {{"code", "not_found"}, {"message", "no such page or endpoint: /api/nope (try /usage or /api/health)"}}}});

  auto wrong_method = d.get("/api/usage/import-claude");
  REQUIRE(wrong_method);
  CHECK(wrong_method->status == 405);
  CHECK(wrong_method->get_header_value("Allow") == "POST");
  CHECK(json::parse(wrong_method->body)["error"]["code"] == "method_not_allowed");

  auto post_get_route = d.post("/api/usage", "{}");
  REQUIRE(post_get_route);
  CHECK(post_get_route->status == 405);
  CHECK(post_get_route->get_header_value("Allow") == "GET");

  auto big = d.post("/api/usage/import-claude", std::string((1 << 20) + 1, ' '));
  REQUIRE(big);
  CHECK(big->status == 413);
  CHECK(json::parse(big->body) ==
        json{{"success", false},
             {"error", {{"code", "payload_too_large"}, {"message", "request body larger than 1 MiB"}}}});

  // Requests cpp-httplib refuses itself get the same shape.
  httplib::Request propfind;
  propfind.method = "PROPFIND";
  propfind.path = "/api/health";
  auto odd = d.client().send(propfind);
  REQUIRE(odd);
  CHECK(odd->status == 400);
  CHECK(json::parse(odd->body) ==
        json{{"success", false},
             {"error", {{"code", "bad_request"}, {"message", "malformed or unsupported HTTP request"}}}});
  auto long_uri = d.get("/api/usage?x=" + std::string(9000, 'a'));
  REQUIRE(long_uri);
  CHECK(long_uri->status == 414);
  CHECK(json::parse(long_uri->body)["error"]["code"] == "uri_too_long");

  for (const std::string& body : std::vector<std::string>{"not json", "[1,2]", "\"x\""}) {
    auto res = d.post("/api/usage/import-claude", body);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json::parse(res->body)["error"]["message"] ==
          R"(the body must be a JSON object such as {"claude_dir": "/home/me/.claude"})");
  }
  auto not_string = d.post("/api/usage/import-claude", R"({"claude_dir": 5})");
  REQUIRE(not_string);
  CHECK(not_string->status == 400);
  CHECK(json::parse(not_string->body)["error"]["message"] == "'claude_dir' must be a string path");

  // An existing directory without projects/ is refused too.
  fs::create_directories(d.tmp.path() / "empty-claude");
  const std::string empty_dir = (d.tmp.path() / "empty-claude").string();
  auto no_projects = d.post("/api/usage/import-claude", json{{"claude_dir", empty_dir}}.dump());
  REQUIRE(no_projects);
  CHECK(no_projects->status == 400);
  CHECK(json::parse(no_projects->body)["error"]["message"] ==
        "claude_dir '" + empty_dir +
            "' must be an absolute path to an existing Claude config directory containing projects/ (e.g. "
            "/home/me/.claude)");

  auto bad_sync = d.post("/api/registry/sync", R"({"force": "yes"})");
  REQUIRE(bad_sync);
  CHECK(bad_sync->status == 400);
  CHECK(json::parse(bad_sync->body)["error"]["message"] == "'force' must be true or false");

  for (const std::string& query : std::vector<std::string>{"limit=abc", "limit=-1", "offset=1x", "limit=100001"}) {
    auto res = d.get("/api/usage/sessions?" + query);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json::parse(res->body)["error"]["code"] == "bad_request");
  }
}

TEST_CASE("bad report queries are 400 with the report's message", "[webui][api]") {
  DaemonFixture d;
  REQUIRE(d.start().exit_code == 0);
  for (const std::string& query :
       std::vector<std::string>{"period=fortnight", "period=all&since=2026-13-45", "timezone=Mars/Olympus",
                                "since=2026-11-10&until=2026-11-01"}) {
    for (const std::string& path : std::vector<std::string>{"/api/usage", "/api/usage/daily", "/api/usage/sessions"}) {
      auto res = d.get(path + "?" + query);
      REQUIRE(res);
      INFO(path << "?" << query << " -> " << res->body);
      CHECK(res->status == 400);
      auto j = json::parse(res->body);
      CHECK(j["success"] == false);
      CHECK(j["error"]["code"] == "bad_request");
      CHECK_FALSE(j["error"]["message"].get<std::string>().empty());
    }
  }
  auto unknown = d.get_json("/api/usage?period=fortnight");
  CHECK(unknown["error"]["message"].get<std::string>().rfind("unknown period 'fortnight'", 0) == 0);
}

TEST_CASE("usage endpoints return the CLI's data, filtered, and follow imports", "[webui][api]") {
  DaemonFixture d;
  Seed s = seed(d);
  REQUIRE(d.start().exit_code == 0);

  // Empty store first (and this answer is cached until the store changes).
  auto empty = d.get_json("/api/usage?period=all");
  REQUIRE(empty["success"] == true);
  CHECK(empty["data"]["total_requests"] == 0);

  auto imported = d.post("/api/usage/import-claude", json{{"claude_dir", s.claude_dir.string()}}.dump());
  REQUIRE(imported);
  REQUIRE(imported->status == 200);
  auto summary = json::parse(imported->body)["data"];
  CHECK(summary["new_requests"] == 4);  // 3 from claude_dir + 1 from the work profile's home
  CHECK(summary["files_read"] == 3);

  auto all = d.get_json("/api/usage?period=all");
  REQUIRE(all["success"] == true);
  const json& data = all["data"];
  CHECK(data["total_requests"] == 4);
  CHECK(data["total_sessions"] == 3);
  CHECK(data["total_tokens"] == json{{"input_tokens", 1117},
                                     {"output_tokens", 2228},
                                     {"cache_creation_input_tokens", 339},
                                     {"cache_read_input_tokens", 5450}});
  CHECK(data["aggregates"]["by_profile"].contains("work"));

  // Same data object as `clown usage --json`.
  auto cli = d.clown({"usage", "--period", "all", "--json"});
  REQUIRE(cli.exit_code == 0);
  CHECK(json::parse(cli.out) == data);

  auto sonnet = d.get_json("/api/usage?period=all&model=claude-sonnet-4-5");
  CHECK(sonnet["data"]["total_requests"] == 3);
  CHECK(total_tokens(sonnet["data"]["total_tokens"]) == 100 + 200 + 300 + 400 + 10 + 20 + 30 + 40 + 7 + 8 + 9 + 10);
  auto work = d.get_json("/api/usage?period=all&profile=work");
  CHECK(work["data"]["total_requests"] == 1);
  CHECK(total_tokens(work["data"]["total_tokens"]) == 34);
  // Requests of one machine (all four were counted on this one).
  REQUIRE(data["aggregates"]["by_machine"].size() == 1);
  const std::string here = data["aggregates"]["by_machine"].begin().key();
  CHECK(d.get_json("/api/usage?period=all&machine=" + here)["data"]["total_requests"] == 4);
  auto elsewhere = d.get_json("/api/usage?period=all&machine=0123456789abcdef");
  INFO(elsewhere.dump());
  CHECK(elsewhere["data"]["total_requests"] == 0);
  // A profile neither on disk nor in the history is a bad request, like a bad period.
  auto nobody = d.get_json("/api/usage?period=all&profile=nobody");
  CHECK(nobody["success"] == false);
  CHECK(nobody["error"]["code"] == "bad_request");
  CHECK(nobody["error"]["message"].get<std::string>().rfind("unknown profile 'nobody'", 0) == 0);
  auto week = d.get_json("/api/usage?period=7d&timezone=UTC");
  CHECK(week["data"]["total_requests"] == 4);
  CHECK(week["data"]["timezone"] == "UTC");

  auto models = d.get_json("/api/usage/models?period=all");
  REQUIRE(models["data"]["models"].size() == 2);
  auto daily = d.get_json("/api/usage/daily?period=all&model=claude-haiku-4-5");
  REQUIRE(daily["data"]["daily"].size() == 1);
  CHECK(daily["data"]["daily"][0]["requests"] == 1);
  auto hourly = d.get_json("/api/usage/hourly?period=all");
  CHECK(hourly["data"]["hourly"].size() >= 1);
  auto profiles = d.get_json("/api/usage/profiles?period=all");
  CHECK(profiles["data"]["profiles"].size() == 2);
  auto projects = d.get_json("/api/usage/projects?period=all");
  CHECK(projects["data"]["projects"].size() == 2);
  auto sessions = d.get_json("/api/usage/sessions?period=all&limit=2&offset=1");
  CHECK(sessions["data"]["total"] == 3);
  CHECK(sessions["data"]["limit"] == 2);
  CHECK(sessions["data"]["offset"] == 1);
  CHECK(sessions["data"]["sessions"].size() == 2);
  for (const std::string& kind :
       std::vector<std::string>{"daily", "hourly", "models", "profiles", "sessions", "projects"}) {
    auto cli_kind = d.clown({"usage", kind, "--period", "all", "--json"});
    if (cli_kind.exit_code == 0 && kind != "sessions") {
      INFO(kind);
      CHECK(json::parse(cli_kind.out) == d.get_json("/api/usage/" + kind + "?period=all")["data"]);
    }
  }

  // A second import of the same files adds nothing; new data shows at once.
  auto again = d.post("/api/usage/import-claude", json{{"claude_dir", s.claude_dir.string()}}.dump());
  REQUIRE(again);
  CHECK(json::parse(again->body)["data"]["new_requests"] == 0);
  write_text(s.claude_dir / "projects" / "-tmp-alpha" / "s4.jsonl",
             usage_line("s4", "d1", "claude-haiku-4-5", clown::format_iso8601_ms(clown::now_ms() - 60000), 1, 1, 0, 0,
                        "/tmp/alpha"));
  auto third = d.post("/api/usage/import-claude", json{{"claude_dir", s.claude_dir.string()}}.dump());
  REQUIRE(third);
  CHECK(json::parse(third->body)["data"]["new_requests"] == 1);
  CHECK(d.get_json("/api/usage?period=all")["data"]["total_requests"] == 5);
}

TEST_CASE("profiles, active runs and pages", "[webui][api]") {
  DaemonFixture d;
  write_text(d.home / "profiles" / "work.toml",
             "agent = \"claude\"\nprovider = \"anthropic\"\nmodel = \"claude-sonnet-4-5\"\n[env]\n"
             "MY_SERVICE_TOKEN = \"env-secret-value-42\"\n");
  fs::create_directories(d.home / "credentials");
  write_text(d.home / "credentials" / "work", "sk-ant-api03-SUPERSECRETKEY");
  REQUIRE(d.start().exit_code == 0);

  auto profiles = d.get("/api/profiles");
  REQUIRE(profiles);
  CHECK(profiles->status == 200);
  auto pj = json::parse(profiles->body);
  CHECK(pj["success"] == true);
  REQUIRE(pj["data"]["profiles"].size() == 1);
  CHECK(pj["data"]["profiles"][0]["alias"] == "work");
  CHECK(profiles->body.find("SUPERSECRETKEY") == std::string::npos);
  CHECK(profiles->body.find("env-secret-value-42") == std::string::npos);

  auto runs = d.get_json("/api/runs/active");
  CHECK(runs == json{{"success", true}, {"data", json::array()}});

  auto page = d.get("/usage");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(page->body.find("<meta name=\"clown-token\" content=\"" + d.token + "\">") != std::string::npos);
  CHECK(page->body.find("data-page=\"usage\"") != std::string::npos);
  CHECK(page->body.find("http://") == std::string::npos);  // nothing loaded from the network
  CHECK(page->body.find("https://") == std::string::npos);
  const std::string etag = page->get_header_value("ETag");
  CHECK(etag.size() == 18);
  auto cached = d.get("/usage", {{"If-None-Match", etag}});
  REQUIRE(cached);
  CHECK(cached->status == 304);
  CHECK(cached->body.empty());

  auto root = d.get("/");
  REQUIRE(root);
  CHECK(root->body == page->body);
  for (const std::string& name : std::vector<std::string>{"sessions", "profiles"}) {
    auto p = d.get("/" + name);
    REQUIRE(p);
    CHECK(p->status == 200);
    CHECK(p->body.find("data-page=\"" + name + "\"") != std::string::npos);
  }
  auto chart = d.get("/static/chart.min.js");
  REQUIRE(chart);
  CHECK(chart->status == 200);
  CHECK(chart->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  CHECK(chart->body == read_text("/usr/share/javascript/chart.js/chart.min.js"));
  auto chart304 = d.get("/static/chart.min.js", {{"If-None-Match", chart->get_header_value("ETag")}});
  REQUIRE(chart304);
  CHECK(chart304->status == 304);
  auto css = d.get("/static/app.css");
  REQUIRE(css);
  CHECK(css->get_header_value("Content-Type") == "text/css; charset=utf-8");
  auto js = d.get("/static/app.js");
  REQUIRE(js);
  CHECK(js->status == 200);
  auto missing = d.get("/static/other.js");
  REQUIRE(missing);
  CHECK(missing->status == 404);

  // No response carries a key; the token appears only in the page.
  for (const std::string& path :
       std::vector<std::string>{"/api/health", "/api/profiles", "/api/runs/active", "/api/usage?period=all"}) {
    auto res = d.get(path);
    REQUIRE(res);
    CHECK(res->body.find("SUPERSECRETKEY") == std::string::npos);
    CHECK(res->body.find(d.token) == std::string::npos);
  }
}

TEST_CASE("active runs show live token counts read from their transcripts", "[webui][api]") {
  DaemonFixture d;
  const int64_t now = clown::now_ms();
  const fs::path transcript = d.tmp.path() / "live" / "s9.jsonl";
  fs::create_directories(transcript.parent_path());
  write_text(transcript, usage_line("s9", "l1", "claude-sonnet-4-5", clown::format_iso8601_ms(now - 30000), 100, 200,
                                    300, 400, "/tmp/live"));
  auto add_run = [&](const std::string& id, int launcher_pid) {
    fs::create_directories(d.home / "telemetry" / "runs" / id);
    write_text(d.home / "telemetry" / "runs" / id / "run.json",
               json{{"run_id", id},
                    {"profile", "work"},
                    {"agent_id", "claude"},
                    {"provider_id", "anthropic"},
                    {"model", "claude-sonnet-4-5"},
                    {"cwd", "/tmp/live"},
                    {"config_dir", ""},
                    {"started_ms", now - 60000},
                    {"started_at", clown::format_iso8601_ms(now - 60000)},
                    {"launcher_pid", launcher_pid}}
                   .dump());
    write_text(d.home / "telemetry" / "runs" / id / "hooks.jsonl", json{{"event", "session-start"},
                                                                        {"session_id", "s9"},
                                                                        {"transcript_path", transcript.string()},
                                                                        {"cwd", "/tmp/live"},
                                                                        {"source", "startup"},
                                                                        {"received_ms", now - 59000}}
                                                                           .dump() +
                                                                       "\n");
  };
  add_run("run-alive", static_cast<int>(::getpid()));  // this test process stands in for the launcher
  add_run("run-dead", 999999);                         // a launcher that no longer exists
  REQUIRE(d.start().exit_code == 0);

  auto runs = d.get_json("/api/runs/active");
  REQUIRE(runs["success"] == true);
  REQUIRE(runs["data"].size() == 1);
  const json& run = runs["data"][0];
  CHECK(run["run_id"] == "run-alive");
  CHECK(run["profile"] == "work");
  CHECK(run["requests"] == 1);
  CHECK(run["tokens"] == json{{"input_tokens", 100},
                              {"output_tokens", 200},
                              {"cache_creation_input_tokens", 300},
                              {"cache_read_input_tokens", 400}});

  // The transcript grows while the run goes on: the next poll sees it.
  std::ofstream(transcript, std::ios::app)
      << usage_line("s9", "l2", "claude-sonnet-4-5", clown::format_iso8601_ms(now - 1000), 1, 2, 3, 4, "/tmp/live");
  auto later = d.get_json("/api/runs/active");
  REQUIRE(later["data"].size() == 1);
  CHECK(later["data"][0]["requests"] == 2);
  CHECK(later["data"][0]["tokens"]["input_tokens"] == 101);
}

TEST_CASE("the Import button offers every agent found and imports one or all", "[webui][api]") {
  DaemonFixture d;
  const fs::path data = clown::test::source_dir() / "tests" / "data";
  // Codex CLI's default home (~/.codex) and opencode's data dir hold real logs.
  const fs::path user = d.tmp.path() / "user";
  fs::create_directories(user / ".codex");
  fs::copy(data / "codex" / "0.169.0" / "sessions", user / ".codex" / "sessions", fs::copy_options::recursive);
  fs::create_directories(user / ".local" / "share" / "opencode");
  fs::copy_file(data / "opencode" / "1.18.33" / "opencode.db", user / ".local" / "share" / "opencode" / "opencode.db");
  REQUIRE(d.start().exit_code == 0);

  auto agents = d.get_json("/api/usage/import-agents");
  REQUIRE(agents["success"] == true);
  CHECK(agents["data"]["agents"] == json::parse(R"([{"id": "codex", "name": "Codex CLI"},
                                                    {"id": "opencode", "name": "opencode"}])"));

  auto one = d.post("/api/usage/import", R"({"agent": "opencode"})");
  REQUIRE(one);
  REQUIRE(one->status == 200);
  auto imports = json::parse(one->body)["data"]["imports"];
  REQUIRE(imports.size() == 1);
  CHECK(imports[0]["agent"] == "opencode");
  CHECK(imports[0]["new_requests"] == 7);

  auto all = d.post("/api/usage/import", "{}");
  REQUIRE(all);
  REQUIRE(all->status == 200);
  imports = json::parse(all->body)["data"]["imports"];
  REQUIRE(imports.size() == 2);
  CHECK(imports[0]["agent"] == "codex");
  CHECK(imports[0]["new_requests"] == 22);  // sessions/ of the capture's first home (the archived fork left out)
  CHECK(imports[1]["new_requests"] == 0);   // opencode: imported above

  auto usage = d.get_json("/api/usage?period=all");
  CHECK(usage["data"]["total_requests"] == 29);
  CHECK(usage["data"]["aggregates"]["by_agent"]["codex"]["requests"] == 22);
  CHECK(usage["data"]["aggregates"]["by_profile"].contains("opencode-native"));

  auto unknown = d.post("/api/usage/import", R"({"agent": "nope"})");
  REQUIRE(unknown);
  CHECK(unknown->status == 400);
  CHECK(json::parse(unknown->body)["error"]["message"] == "unknown agent 'nope' (see: clown agents list)");
  auto bad = d.post("/api/usage/import", R"({"agent": 5})");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  auto no_token = d.post("/api/usage/import", "{}", false);
  REQUIRE(no_token);
  CHECK(no_token->status == 403);
}

TEST_CASE("analytics endpoints: the CLI's JSON for every new kind, session by id, its page", "[webui][api]") {
  DaemonFixture d;
  const auto data = clown::test::source_dir() / "tests" / "data" / "claude" / "2.1.328";
  REQUIRE(d.clown({"usage", "import-claude", "--claude-dir", data.string()}).exit_code == 0);
  write_text(d.home / "config.toml", "[budgets]\nmonthly = 100\n");
  REQUIRE(d.start().exit_code == 0);

  const std::vector<std::pair<std::string, std::vector<std::string>>> same = {
      {"weekly?breakdown=1", {"weekly", "--breakdown"}},
      {"monthly?start_of_week=sunday", {"monthly", "--start-of-week", "sunday"}},
      {"blocks?token_limit=max", {"blocks", "--token-limit", "max"}},
      {"session?id=38ea6f6a", {"session", "38ea6f6a"}},
      {"roi?plan=max5&since=2026-11-20&until=2026-11-25",
       {"roi", "--plan", "max5", "--since", "2026-11-20", "--until", "2026-11-25"}},
      {"budget", {"budget"}},
      {"insights?period=all", {"insights", "--period", "all"}},
      {"projects?period=all&project_aliases=work%3Dcapture",
       {"projects", "--period", "all", "--project-aliases", "work=capture"}},
  };
  for (const auto& [query, args] : same) {
    INFO(query);
    std::vector<std::string> cli{"usage"};
    cli.insert(cli.end(), args.begin(), args.end());
    cli.push_back("--json");
    auto r = d.clown(cli);
    REQUIRE(r.exit_code == 0);
    auto api = d.get_json("/api/usage/" + query);
    REQUIRE(api["success"] == true);
    json from_cli = json::parse(r.out);
    if (query.rfind("blocks", 0) == 0) {  // "now" differs by the time between the two calls
      from_cli.erase("now");
      api["data"].erase("now");
    }
    CHECK(from_cli == api["data"]);
  }
  auto session = d.get_json("/api/usage/session?id=38ea");
  CHECK(session["data"]["session_id"] == "38ea6f6a-66f7-4d28-968e-00148ac4215c");
  CHECK(session["data"]["agents"]["subagents"][0]["agent_type"] == "general-purpose");
  CHECK(d.get_json("/api/usage/projects?period=all&project_aliases=work%3Dcapture")["data"]["projects"][0]["project"] ==
        "capture");

  for (const std::string bad :
       {"/api/usage/session", "/api/usage/session?id=nope", "/api/usage/weekly?breakdown=yes",
        "/api/usage/blocks?token_limit=lots", "/api/usage/roi?plan=ultra", "/api/usage/weekly?start_of_week=someday"}) {
    auto res = d.get(bad);
    REQUIRE(res);
    INFO(bad << " -> " << res->body);
    CHECK(res->status == 400);
    CHECK(json::parse(res->body)["error"]["code"] == "bad_request");
  }
  CHECK(d.get_json("/api/usage/weekly?breakdown=yes")["error"]["message"] ==
        "'breakdown' must be 1 or 0 (true or false), got 'yes'");

  auto page = d.get("/sessions/38ea6f6a-66f7-4d28-968e-00148ac4215c");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("data-page=\"session\"") != std::string::npos);
  auto nested = d.get("/sessions/a/b");
  REQUIRE(nested);
  CHECK(nested->status == 404);
  auto bare = d.get("/sessions/");
  REQUIRE(bare);
  CHECK(bare->status == 404);
}
