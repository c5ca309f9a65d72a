#pragma once
// The daemon's request handling without sockets: one route table, one
// exception wrapper and one error shape (docs/api.md#conventions).
// webui/server.cpp adapts cpp-httplib to it; tests can call handle() directly.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/paths.hpp"
#include "webui/http_types.hpp"
#include "webui/otlp_receiver.hpp"
#include "webui/usage_cache.hpp"

namespace clown::webui {

struct AppConfig {
  Paths paths;
  int port = 0;            // the port the server listens on (for the Host check)
  std::string token;       // CSRF token every POST must carry in X-Clown-Token
  std::string started_at;  // ISO-8601
  std::string otel_token;  // what OTLP exports carry in x-clown-otel-token (ingest/otel_sink.hpp); "" refuses all
  // The session cookie's value (docs/security.md#login); App makes a random one when empty.
  std::string session_secret;
};

class App {
 public:
  explicit App(AppConfig config);

  // Never throws: every failure becomes the JSON error shape.
  HttpResponse handle(const HttpRequest& request);

  // Milliseconds since the epoch of the last request, and requests in flight
  // (the idle timer only fires when nothing is in flight).
  int64_t last_activity_ms() const { return m_last_activity_ms.load(); }
  int in_flight() const { return m_in_flight.load(); }
  void set_port(int port) { m_config.port = port; }
  // The OTLP receiver, which the team listener shares (webui/team_listener.hpp).
  OtlpReceiver& otlp() { return m_otlp; }

 private:
  using Handler = HttpResponse (App::*)(const HttpRequest&);
  // Who may call a route (docs/security.md#login): anyone who passes the
  // Host check (health, login), a logged-in browser or a token holder (reads:
  // session cookie or X-Clown-Token), the token holder only (writes: the
  // X-Clown-Token header, which other sites cannot send), an OTLP exporter,
  // or a scraper (webui/metrics.hpp metrics_authorized).
  enum class Auth { open, session, page_token, otel_token, metrics };
  struct Route {
    std::string method;
    std::string path;
    Handler handler;
    Auth auth = Auth::session;
  };

  HttpResponse dispatch(const HttpRequest& request);
  bool host_allowed(const std::string& host) const;
  // app_auth.cpp: the session cookie, one-time login links, the 401 answers.
  bool has_session(const HttpRequest& req) const;
  std::optional<HttpResponse> refuse(const HttpRequest& req, Auth auth);
  std::string cookie_name() const;
  HttpResponse login(const HttpRequest&);
  HttpResponse login_token(const HttpRequest&);

  HttpResponse health(const HttpRequest&);
  HttpResponse usage(const HttpRequest&);
  HttpResponse profiles(const HttpRequest&);
  HttpResponse active_runs(const HttpRequest&);
  HttpResponse import_claude(const HttpRequest&);
  HttpResponse import_agents(const HttpRequest&);  // app_import.cpp
  HttpResponse import_any(const HttpRequest&);     // app_import.cpp
  HttpResponse registry_sync(const HttpRequest&);
  HttpResponse page(const HttpRequest&);
  HttpResponse otlp_logs(const HttpRequest& r) { return m_otlp.logs(r); }
  HttpResponse otlp_metrics(const HttpRequest& r) { return m_otlp.metrics(r); }
  HttpResponse otel_status(const HttpRequest&) { return json_ok(m_otlp.forward_status()); }
  HttpResponse asset(const HttpRequest&);
  HttpResponse metrics(const HttpRequest&);  // app_metrics.cpp

  AppConfig m_config;
  std::vector<Route> m_routes;
  UsageCache m_cache;
  OtlpReceiver m_otlp;
  std::mutex m_write_mutex;  // one import / sync at a time
  std::atomic<int64_t> m_last_activity_ms{0};
  std::atomic<int> m_in_flight{0};
  struct Page {
    std::string html;  // the page template with the token filled in
    std::string etag;
  };
  std::vector<std::pair<std::string, Page>> m_pages;  // by request path
  struct LoginToken {
    std::string token;
    int64_t expires_ms = 0;
  };
  std::mutex m_login_mutex;
  std::vector<LoginToken> m_login_tokens;  // unused one-time login links
};

}  // namespace clown::webui
