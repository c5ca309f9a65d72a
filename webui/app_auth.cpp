// Who may use the daemon (docs/security.md#login): one-time login links that
// `clown daemon start|open` ask for with the token from daemon.json (0600),
// exchanged for an HttpOnly, SameSite=Strict session cookie.
#include <algorithm>

#include "common/format.hpp"
#include "common/time.hpp"
#include "webui/app.hpp"
#include "webui/metrics.hpp"

namespace clown::webui {

namespace {

// A login link is good for one use within this time; `clown daemon open` makes a new one.
constexpr int64_t k_login_token_ms = 15 * 60 * 1000;
constexpr size_t k_max_login_tokens = 32;

const std::string k_page_hint = "Not logged in: run `clown daemon open` to open the dashboard.\n";

HttpResponse plain(int status, std::string body) {
  HttpResponse res;
  res.status = status;
  res.content_type = "text/plain; charset=utf-8";
  res.body = std::move(body);
  return res;
}

// The value of one cookie in a Cookie header ("a=1; b=2"), empty when absent.
std::string cookie_value(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    size_t start = header.find_first_not_of(' ', pos);
    if (start < end && header.compare(start, name.size(), name) == 0 && start + name.size() < end &&
        header[start + name.size()] == '=')
      return header.substr(start + name.size() + 1, end - start - name.size() - 1);
    pos = end + 1;
  }
  return "";
}

}  // namespace

// Cookies are shared by every port of a host, so two daemons (two
// CLOWN_HOMEs) on 127.0.0.1 need different cookie names.
std::string App::cookie_name() const { return "clown_session_" + std::to_string(m_config.port); }

bool App::has_session(const HttpRequest& req) const {
  if (same_secret(req.header("x-clown-token"), m_config.token)) return true;
  return same_secret(cookie_value(req.header("cookie"), cookie_name()), m_config.session_secret);
}

std::optional<HttpResponse> App::refuse(const HttpRequest& req, Auth auth) {
  switch (auth) {
    case Auth::open: return std::nullopt;
    case Auth::otel_token:
      if (m_otlp.authorized(req)) return std::nullopt;
      return json_error(401, "unauthorized",
                        "missing or wrong x-clown-otel-token header; `clown run` sets it for the agents it starts");
    case Auth::page_token:
      // Writes need the header even with a session cookie: other sites cannot set it (CSRF).
      if (same_secret(req.header("x-clown-token"), m_config.token)) return std::nullopt;
      return json_error(403, "forbidden",
                        "missing or wrong X-Clown-Token header; use the token from daemon.json "
                        "(the web UI sends it for you)");
    case Auth::metrics:
      if (metrics_authorized(req, m_config.token, m_config.paths)) return std::nullopt;
      return json_error(401, "unauthorized",
                        "send `Authorization: Bearer <token>` with the daemon token or the scrape token from "
                        "`clown daemon metrics-token`");
    case Auth::session:
      if (has_session(req)) return std::nullopt;
      if (req.path.rfind("/api/", 0) == 0)
        return json_error(401, "unauthorized",
                          "not logged in: run `clown daemon open`, or send the X-Clown-Token header from daemon.json");
      return plain(401, k_page_hint);
  }
  return std::nullopt;
}

HttpResponse App::login_token(const HttpRequest&) {
  LoginToken login{random_hex_id(16), now_ms() + k_login_token_ms};
  {
    std::lock_guard<std::mutex> lock(m_login_mutex);
    if (m_login_tokens.size() >= k_max_login_tokens) m_login_tokens.erase(m_login_tokens.begin());
    m_login_tokens.push_back(login);
  }
  return json_ok({{"login_url", "http://127.0.0.1:" + std::to_string(m_config.port) + "/login?token=" + login.token},
                  {"expires_at", format_iso8601_ms(login.expires_ms)}});
}

HttpResponse App::login(const HttpRequest& req) {
  // A HEAD (a link preview) must not use up the one-time link.
  if (req.method == "HEAD") return plain(200, "");
  const std::string token = req.param("token").value_or("");
  bool valid = false;
  {
    std::lock_guard<std::mutex> lock(m_login_mutex);
    const int64_t now = now_ms();
    std::erase_if(m_login_tokens, [now](const LoginToken& t) { return t.expires_ms <= now; });
    auto it = std::find_if(m_login_tokens.begin(), m_login_tokens.end(),
                           [&](const LoginToken& t) { return !token.empty() && same_secret(t.token, token); });
    if (it != m_login_tokens.end()) {
      m_login_tokens.erase(it);  // one use only
      valid = true;
    }
  }
  if (!valid)
    return plain(401, "This login link was already used or has expired: run `clown daemon open` for a new one.\n");
  // A page that moves on to /usage itself rather than a 3xx: a navigation
  // this origin starts carries the SameSite=Strict cookie even when the login
  // link was opened from another site or a file (docs/security.md#login).
  HttpResponse res;
  res.content_type = "text/html; charset=utf-8";
  res.body =
      "<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url=/usage\">"
      "<title>clown</title><p>Logged in. <a href=\"/usage\">Open the dashboard</a>.</p>\n";
  res.headers.emplace_back("Set-Cookie",
                           cookie_name() + "=" + m_config.session_secret + "; Path=/; HttpOnly; SameSite=Strict");
  res.headers.emplace_back("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  return res;
}

}  // namespace clown::webui
