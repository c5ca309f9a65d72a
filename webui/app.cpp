#include "webui/app.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <exception>
#include <filesystem>
#include <optional>

#include "common/embedded.hpp"
#include "common/error.hpp"
#include "common/format.hpp"
#include "common/hex.hpp"
#include "common/time.hpp"
#include "ingest/importer.hpp"
#include "profiles/profile_store.hpp"
#include "registry/sync.hpp"
#include "reports/report.hpp"
#include "reports/report_kind.hpp"
#include "runs/active_runs.hpp"
#include "runs/run_finish.hpp"
#include "webui/metrics.hpp"

extern const clown::EmbeddedFiles clown_webui_assets;

namespace clown::webui {

namespace {

constexpr std::string_view k_usage_prefix = "/api/usage";

std::string usage_path(reports::ReportKind kind) {
  if (kind == reports::ReportKind::summary) return std::string(k_usage_prefix);
  return std::string(k_usage_prefix) + "/" + std::string(reports::info(kind).name);
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
}

void add_security_headers(HttpResponse& res) {
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("Referrer-Policy", "no-referrer");
  res.headers.emplace_back("X-Frame-Options", "DENY");
  res.headers.emplace_back("Cache-Control", "no-cache");
}

HttpResponse conditional(const HttpRequest& req, std::string body, const std::string& etag,
                         const std::string& content_type) {
  HttpResponse res;
  res.headers.emplace_back("ETag", etag);
  if (req.header("if-none-match") == etag) {
    res.status = 304;
    res.content_type.clear();
    return res;
  }
  res.content_type = content_type;
  res.body = std::move(body);
  return res;
}

Expected<int64_t> non_negative_param(const HttpRequest& req, const std::string& name, int64_t fallback, int64_t max) {
  auto text = req.param(name);
  if (!text) return fallback;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || ptr != text->data() + text->size() || value < 0 || value > max)
    return fail("'" + name + "' must be a whole number from 0 to " + std::to_string(max) + ", got '" + *text + "'",
                k_exit_usage);
  return value;
}

// A route path ending in "/*" matches any non-empty last segment under it.
bool path_matches(const std::string& route, const std::string& path) {
  if (route.size() < 2 || route.compare(route.size() - 2, 2, "/*") != 0) return route == path;
  const size_t prefix = route.size() - 1;
  return path.size() > prefix && path.compare(0, prefix, route, 0, prefix) == 0 &&
         path.find('/', prefix) == std::string::npos;
}

// A yes/no query parameter: absent, 0/false or 1/true.
Expected<bool> flag_param(const HttpRequest& req, const std::string& name) {
  const auto text = req.param(name);
  if (!text || *text == "0" || *text == "false") return false;
  if (*text == "1" || *text == "true" || text->empty()) return true;
  return fail("'" + name + "' must be 1 or 0 (true or false), got '" + *text + "'", k_exit_usage);
}

// A claude_dir from the API must belong to the daemon's user, and so must its
// projects/ (docs/security.md#import): the API imports no one else's history.
std::optional<std::string> foreign_dir(const std::filesystem::path& dir) {
  for (const auto& d : {dir, dir / "projects"}) {
    struct stat st {};
    if (::stat(d.c_str(), &st) != 0) return "cannot read '" + d.string() + "'";
    if (st.st_uid != ::geteuid())
      return "'" + d.string() + "' is owned by uid " + std::to_string(st.st_uid) + ", not by the daemon's user (uid " +
             std::to_string(::geteuid()) + "); the API imports only your own Claude config directories";
  }
  return std::nullopt;
}

}  // namespace

App::App(AppConfig config)
    : m_config(std::move(config)), m_cache(m_config.paths), m_otlp(m_config.paths, m_config.otel_token) {
  if (m_config.session_secret.empty()) m_config.session_secret = random_hex_id(16);
  m_routes = {
      {"GET", "/api/health", &App::health, Auth::open},
      {"GET", "/login", &App::login, Auth::open},
      {"POST", "/api/login-token", &App::login_token, Auth::page_token},
      {"GET", "/api/profiles", &App::profiles},
      {"GET", "/api/runs/active", &App::active_runs},
      {"POST", "/api/usage/import-claude", &App::import_claude, Auth::page_token},
      {"GET", "/api/usage/import-agents", &App::import_agents},
      {"POST", "/api/usage/import", &App::import_any, Auth::page_token},
      {"POST", "/api/registry/sync", &App::registry_sync, Auth::page_token},
      {"POST", "/v1/logs", &App::otlp_logs, Auth::otel_token},
      {"POST", "/v1/metrics", &App::otlp_metrics, Auth::otel_token},
      {"GET", "/api/otel/status", &App::otel_status},
      {"GET", "/metrics", &App::metrics, Auth::metrics},
      {"GET", "/", &App::page},
      {"GET", "/usage", &App::page},
      {"GET", "/sessions", &App::page},
      {"GET", "/profiles", &App::page},
      {"GET", "/sessions/*", &App::page},  // one session: /sessions/<id>
      {"GET", "/static/app.css", &App::asset},
      {"GET", "/static/app.js", &App::asset},
      {"GET", "/static/panels.js", &App::asset},
      {"GET", "/static/session.js", &App::asset},
      {"GET", "/static/chart.min.js", &App::asset},
  };
  // One route per report kind: /api/usage (summary) and /api/usage/<kind>.
  for (const auto& report : reports::report_kinds()) m_routes.push_back({"GET", usage_path(report.kind), &App::usage});
  const EmbeddedFile* tmpl = clown_webui_assets.find("page.html");
  struct PageSpec {
    const char* path;
    const char* name;
    const char* title;
  };
  for (const PageSpec& spec :
       {PageSpec{"/", "usage", "Usage"}, PageSpec{"/usage", "usage", "Usage"},
        PageSpec{"/sessions", "sessions", "Sessions"}, PageSpec{"/profiles", "profiles", "Profiles"},
        PageSpec{"/sessions/*", "session", "Session"}}) {
    std::string html = tmpl ? std::string(tmpl->data) : std::string("<!doctype html><title>clown</title>");
    replace_all(html, "__CLOWN_TOKEN__", m_config.token);
    replace_all(html, "__CLOWN_PAGE__", spec.name);
    replace_all(html, "__CLOWN_TITLE__", spec.title);
    std::string etag = content_etag(html);
    m_pages.emplace_back(spec.path, Page{std::move(html), std::move(etag)});
  }
  m_last_activity_ms = now_ms();
}

bool App::host_allowed(const std::string& host) const {
  // DNS-rebinding guard: a page on evil.example that resolves to 127.0.0.1
  // still sends its own name in Host.
  const std::string port = std::to_string(m_config.port);
  return host == "127.0.0.1:" + port || host == "localhost:" + port;
}

HttpResponse App::handle(const HttpRequest& request) {
  ++m_in_flight;
  m_last_activity_ms = now_ms();
  HttpResponse res;
  try {
    res = dispatch(request);
  } catch (const std::exception& e) {
    res = json_error(500, "internal_error", std::string("internal error: ") + e.what() + " (see daemon.log)");
  } catch (...) {
    res = json_error(500, "internal_error", "internal error (see daemon.log)");
  }
  add_security_headers(res);
  m_last_activity_ms = now_ms();
  --m_in_flight;
  return res;
}

HttpResponse App::dispatch(const HttpRequest& req) {
  if (!host_allowed(req.header("host")))
    return json_error(403, "forbidden",
                      "Host '" + req.header("host") +
                          "' is not allowed; open http://127.0.0.1:" + std::to_string(m_config.port) + "/ instead");
  // HEAD is a GET without a body (the HTTP layer drops the body).
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  std::string allowed;
  for (const Route& route : m_routes) {
    if (!path_matches(route.path, req.path)) continue;
    if (method == route.method) {
      if (auto refused = refuse(req, route.auth)) return std::move(*refused);
      return (this->*route.handler)(req);
    }
    allowed += (allowed.empty() ? "" : ", ") + std::string(route.method);
  }
  if (!allowed.empty()) {
    HttpResponse res =
        json_error(405, "method_not_allowed", req.method + " is not allowed on " + req.path + "; use " + allowed);
    res.headers.emplace_back("Allow", allowed);
    return res;
  }
  return json_error(404, "not_found", "no such page or endpoint: " + req.path + " (try /usage or /api/health)");
}

HttpResponse App::health(const HttpRequest&) {
  return json_ok({{"status", "ok"},
                  {"version", CLOWN_VERSION},
                  {"pid", static_cast<int64_t>(::getpid())},
                  {"port", m_config.port},
                  {"started_at", m_config.started_at}});
}

HttpResponse App::usage(const HttpRequest& req) {
  std::string kind = "summary";
  if (req.path.size() > k_usage_prefix.size()) kind = req.path.substr(k_usage_prefix.size() + 1);

  auto limit = non_negative_param(req, "limit", 100, 100000);
  if (!limit) return json_error(400, "bad_request", limit.error().message);
  auto offset = non_negative_param(req, "offset", 0, INT64_MAX / 2);
  if (!offset) return json_error(400, "bad_request", offset.error().message);
  reports::ReportOptions options(reports::Paging{*limit, *offset});
  for (auto [name, out] : {std::pair{"breakdown", &options.breakdown}, std::pair{"active", &options.blocks.active},
                           std::pair{"recent", &options.blocks.recent}}) {
    auto value = flag_param(req, name);
    if (!value) return json_error(400, "bad_request", value.error().message);
    *out = *value;
  }

  reports::UsageFilter filter;
  std::string key = kind;
  auto take = [&](const char* name, std::string& out) {
    auto v = req.param(name);
    if (v) out = *v;
    key += std::string("\n") + name + "=" + (v ? *v : "\x01");
  };
  take("period", filter.period);
  std::string since, until, aliases;
  take("since", since);
  take("until", until);
  if (req.param("since")) filter.since = since;
  if (req.param("until")) filter.until = until;
  take("profile", filter.profile);
  take("model", filter.model);
  take("agent", filter.agent);
  take("project", filter.project);
  take("machine", filter.machine);
  take("timezone", filter.timezone);
  take("start_of_week", filter.start_of_week);
  take("project_aliases", aliases);
  if (!aliases.empty()) filter.project_aliases.push_back(aliases);
  take("id", options.session_id);
  take("token_limit", options.blocks.token_limit);
  take("plan", options.plan);
  key += "\n" + std::to_string(options.paging.limit) + "," + std::to_string(options.paging.offset) + "," +
         std::to_string(options.breakdown) + std::to_string(options.blocks.active) +
         std::to_string(options.blocks.recent);

  CachedBody cached = m_cache.get(key, [&] {
    auto data = reports::usage_json(m_config.paths, filter, kind, options);
    HttpResponse res = data ? json_ok(*data)
                       : data.error().exit_code == k_exit_usage
                           ? json_error(400, "bad_request", data.error().message)
                           : json_error(500, "internal_error", data.error().message);
    return CachedBody{res.status, std::move(res.body)};
  });
  HttpResponse res;
  res.status = cached.status;
  res.body = std::move(cached.body);
  return res;
}

HttpResponse App::profiles(const HttpRequest&) {
  auto listing = profiles::list_profiles(m_config.paths);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& profile : listing.profiles) list.push_back(profiles::to_public_json(m_config.paths, profile));
  return json_ok({{"profiles", list}, {"broken", listing.broken}});
}

HttpResponse App::active_runs(const HttpRequest&) { return json_ok(runs::active_runs_json(m_config.paths)); }

HttpResponse App::import_claude(const HttpRequest& req) {
  ingest::ImportOptions options;
  if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return json_error(400, "bad_request",
                        R"(the body must be a JSON object such as {"claude_dir": "/home/me/.claude"})");
    if (body.contains("claude_dir") && !body["claude_dir"].is_null()) {
      if (!body["claude_dir"].is_string()) return json_error(400, "bad_request", "'claude_dir' must be a string path");
      std::filesystem::path dir = body["claude_dir"].get<std::string>();
      std::error_code ec;
      if (dir.empty() || !dir.is_absolute() || !std::filesystem::is_directory(dir / "projects", ec))
        return json_error(400, "bad_request",
                          "claude_dir '" + dir.string() +
                              "' must be an absolute path to an existing Claude config directory containing "
                              "projects/ (e.g. /home/me/.claude)");
      if (auto refused = foreign_dir(dir)) return json_error(400, "bad_request", *refused);
      options.claude_dirs.push_back(dir);
    }
  }
  std::lock_guard<std::mutex> lock(m_write_mutex);
  auto summary = runs::import_claude_after_runs(m_config.paths, options);
  if (!summary)
    return json_error(summary.error().exit_code == k_exit_usage ? 400 : 500,
                      summary.error().exit_code == k_exit_usage ? "bad_request" : "internal_error",
                      summary.error().message);
  return json_ok(ingest::to_json(*summary));
}

HttpResponse App::registry_sync(const HttpRequest& req) {
  registry::SyncOptions options;
  if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return json_error(400, "bad_request", R"(the body must be a JSON object such as {"force": true})");
    if (body.contains("force")) {
      if (!body["force"].is_boolean()) return json_error(400, "bad_request", "'force' must be true or false");
      options.force = body["force"].get<bool>();
    }
    if (body.contains("offline")) {
      if (!body["offline"].is_boolean()) return json_error(400, "bad_request", "'offline' must be true or false");
      options.offline = body["offline"].get<bool>();
    }
  }
  std::lock_guard<std::mutex> lock(m_write_mutex);
  auto result = registry::sync_pricing(m_config.paths, options);
  if (!result)
    return json_error(result.error().exit_code == k_exit_usage ? 400 : 502,
                      result.error().exit_code == k_exit_usage ? "bad_request" : "sync_failed", result.error().message);
  return json_ok(registry::to_json(*result));
}

HttpResponse App::page(const HttpRequest& req) {
  for (const auto& [path, page] : m_pages)
    if (path_matches(path, req.path)) {
      HttpResponse res = conditional(req, page.html, page.etag, "text/html; charset=utf-8");
      // Everything the page needs comes from this origin; nothing from the network.
      res.headers.emplace_back("Content-Security-Policy",
                               "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
      return res;
    }
  return json_error(404, "not_found", "no such page: " + req.path);
}

HttpResponse App::asset(const HttpRequest& req) {
  const std::string name = req.path.substr(std::string("/static/").size());
  const EmbeddedFile* file = clown_webui_assets.find(name);
  if (!file) return json_error(404, "not_found", "no such file: " + req.path);
  const bool css = name.size() > 4 && name.compare(name.size() - 4, 4, ".css") == 0;
  return conditional(req, std::string(file->data), std::string(file->etag),
                     css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
}

}  // namespace clown::webui
