#include "ingest/otel_upstream.hpp"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>

#include "common/file_io.hpp"
#include "config/config.hpp"

namespace clown::ingest {

namespace {

// Run ids name files here: only the characters clown's own ids use.
bool safe_run_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (unsigned char c : id)
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  return true;
}

nlohmann::json to_stored_json(const OtelUpstream& u) {
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [k, v] : u.headers) headers[k] = v;
  nlohmann::json out{{"url", u.url}, {"headers", headers}};
  if (!u.logs_url.empty()) out["logs_url"] = u.logs_url;
  if (!u.metrics_url.empty()) out["metrics_url"] = u.metrics_url;
  if (!u.metrics_headers.empty()) {
    nlohmann::json mh = nlohmann::json::object();
    for (const auto& [k, v] : u.metrics_headers) mh[k] = v;
    out["metrics_headers"] = mh;
  }
  if (!u.logs) out["logs"] = false;
  if (!u.metrics) out["metrics"] = false;
  return out;
}

// A stored upstream is a secret like an API key: refused when group or others
// may read it, as ssh refuses a private key (docs/security.md#otel-forward).
Expected<OtelUpstream> read_stored(const fs::path& file, UpstreamSource source) {
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return fail(std::string("permissions ") + mode + " for " + file.string() +
                " are too open: it holds secrets and must be readable by you only; run: chmod 600 " + file.string());
  }
  TRY_ASSIGN(const auto text, read_file(file));
  const auto j = nlohmann::json::parse(text, nullptr, false);
  const auto bad = [&] {
    return fail(file.string() + " is not an upstream file clown wrote; set it again with: clown otel upstream URL");
  };
  if (!j.is_object() || !j.contains("url") || !j["url"].is_string()) return bad();
  OtelUpstream u;
  u.url = j["url"].get<std::string>();
  u.source = source;
  for (auto [key, field] : {std::pair{"logs_url", &u.logs_url}, std::pair{"metrics_url", &u.metrics_url}}) {
    if (!j.contains(key)) continue;
    if (!j[key].is_string()) return bad();
    *field = j[key].get<std::string>();
  }
  for (auto [key, flag] : {std::pair{"logs", &u.logs}, std::pair{"metrics", &u.metrics}}) {
    if (!j.contains(key)) continue;
    if (!j[key].is_boolean()) return bad();
    *flag = j[key].get<bool>();
  }
  if (j.contains("metrics_headers")) {
    if (!j["metrics_headers"].is_object()) return bad();
    for (const auto& [k, v] : j["metrics_headers"].items()) {
      if (!v.is_string()) return bad();
      u.metrics_headers.emplace_back(k, v.get<std::string>());
    }
  }
  if (!j.contains("headers")) return u;
  if (!j["headers"].is_object()) return bad();
  for (const auto& [k, v] : j["headers"].items()) {
    if (!v.is_string()) return bad();
    u.headers.emplace_back(k, v.get<std::string>());
  }
  return u;
}

Expected<void> write_stored(const Paths& paths, const fs::path& file, const OtelUpstream& u) {
  TRY(check_upstream_url(u.url));
  TRY(ensure_dir(file.parent_path(), 0700));
  ::chmod(paths.credentials_dir().c_str(), 0700);
  return write_file_atomic(file, to_stored_json(u).dump(2) + "\n", 0600);
}

// Where a JSON value holds resource attributes: resourceLogs / resourceMetrics.
std::string run_id_of(const nlohmann::json& resources) {
  if (!resources.is_array()) return "";
  for (const auto& r : resources) {
    if (!r.is_object() || !r.contains("resource") || !r["resource"].is_object()) continue;
    const auto& resource = r["resource"];
    if (!resource.contains("attributes") || !resource["attributes"].is_array()) continue;
    for (const auto& a : resource["attributes"]) {
      if (!a.is_object() || !a.contains("key") || a["key"] != "clown.run_id" || !a.contains("value")) continue;
      const auto& value = a["value"];
      if (value.is_object() && value.contains("stringValue") && value["stringValue"].is_string())
        return value["stringValue"].get<std::string>();
    }
  }
  return "";
}

}  // namespace

const char* to_string(UpstreamSource source) {
  switch (source) {
    case UpstreamSource::none: return "none";
    case UpstreamSource::config: return "config";
    case UpstreamSource::credentials: return "credentials";
    case UpstreamSource::run: return "run";
  }
  return "none";
}

bool takes_signal(const OtelUpstream& u, std::string_view signal_path) {
  return signal_path == "/v1/metrics" ? u.metrics : u.logs;
}

const std::vector<std::pair<std::string, std::string>>& signal_headers(const OtelUpstream& u,
                                                                       std::string_view signal_path) {
  return signal_path == "/v1/metrics" && !u.metrics_headers.empty() ? u.metrics_headers : u.headers;
}

std::string signal_url(const OtelUpstream& u, std::string_view signal_path) {
  if (signal_path == "/v1/logs" && !u.logs_url.empty()) return u.logs_url;
  if (signal_path == "/v1/metrics" && !u.metrics_url.empty()) return u.metrics_url;
  std::string base = u.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + std::string(signal_path);
}

nlohmann::json to_public_json(const OtelUpstream& u) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& [k, v] : u.headers) names.push_back(k);
  return {{"url", u.url}, {"source", to_string(u.source)}, {"header_names", names}};
}

fs::path otel_upstream_file(const Paths& paths) { return paths.credentials_dir() / "@otel-upstream"; }

Expected<UpstreamChoice> resolve_otel_upstream(const Paths& paths) {
  UpstreamChoice choice;
  std::error_code ec;
  if (fs::exists(otel_upstream_file(paths), ec)) {
    TRY_ASSIGN(choice.upstream, read_stored(otel_upstream_file(paths), UpstreamSource::credentials));
    return choice;
  }
  TRY_ASSIGN(const auto config, config::load_config(paths));
  if (config.otel.upstream.empty()) return choice;
  OtelUpstream u;
  u.url = config.otel.upstream;
  u.headers = config.otel.headers;
  u.source = UpstreamSource::config;
  choice.upstream = u;
  choice.refused = config.otel.headers_refused;
  return choice;
}

Expected<void> store_otel_upstream(const Paths& paths, const OtelUpstream& upstream) {
  return write_stored(paths, otel_upstream_file(paths), upstream);
}

Expected<bool> clear_otel_upstream(const Paths& paths) {
  const auto file = otel_upstream_file(paths);
  if (std::remove(file.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  return fail(errno_message("cannot remove " + file.string()));
}

fs::path run_upstream_file(const Paths& paths, const std::string& run_id) {
  return paths.credentials_dir() / "@otel-runs" / run_id;
}

Expected<void> store_run_upstream(const Paths& paths, const std::string& run_id, const OtelUpstream& upstream) {
  if (!safe_run_id(run_id)) return fail("'" + run_id + "' is not a run id");
  return write_stored(paths, run_upstream_file(paths, run_id), upstream);
}

std::optional<OtelUpstream> run_upstream(const Paths& paths, const std::string& run_id) {
  if (!safe_run_id(run_id)) return std::nullopt;
  std::error_code ec;
  if (!fs::exists(run_upstream_file(paths, run_id), ec)) return std::nullopt;
  auto u = read_stored(run_upstream_file(paths, run_id), UpstreamSource::run);
  return u ? std::optional<OtelUpstream>(std::move(*u)) : std::nullopt;
}

bool has_run_upstreams(const Paths& paths) {
  std::error_code ec;
  return !fs::is_empty(paths.credentials_dir() / "@otel-runs", ec) && !ec;
}

int64_t prune_finished_run_upstreams(const Paths& paths) {
  // `clown run` stores the upstream a moment before it creates the run's
  // directory: a minute's grace keeps a starting run's upstream.
  const auto old_enough = fs::file_time_type::clock::now() - std::chrono::minutes(1);
  std::error_code ec;
  std::vector<fs::path> finished;
  for (const auto& entry : fs::directory_iterator(paths.credentials_dir() / "@otel-runs", ec))
    if (!fs::exists(paths.run_dir(entry.path().filename().string()), ec) &&
        fs::last_write_time(entry.path(), ec) < old_enough && !ec)
      finished.push_back(entry.path());
  int64_t removed = 0;
  for (const auto& file : finished) removed += fs::remove(file, ec) ? 1 : 0;
  return removed;
}

Expected<std::pair<std::string, std::string>> parse_header_arg(std::string_view arg) {
  const auto eq = arg.find('=');
  const std::string name(arg.substr(0, eq == std::string_view::npos ? arg.size() : eq));
  bool token = !name.empty();
  for (unsigned char c : name)
    if (!std::isalnum(c) && std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos)
      token = false;
  if (eq == std::string_view::npos || !token)
    return fail("--header takes NAME=VALUE with an HTTP header name (e.g. Authorization=\"Bearer ...\"), got '" + name +
                    (eq == std::string_view::npos ? "" : "=...") + "'",
                k_exit_usage);
  return std::pair<std::string, std::string>(name, std::string(arg.substr(eq + 1)));
}

Expected<void> check_upstream_url(std::string_view url) {
  if ((url.rfind("http://", 0) == 0 && url.size() > 7) || (url.rfind("https://", 0) == 0 && url.size() > 8)) return {};
  return fail(
      "the upstream must be an http:// or https:// URL (the collector's OTLP/HTTP base, e.g. "
      "https://collector.example.com:4318), got '" +
          std::string(url) + "'",
      k_exit_usage);
}

std::string otlp_run_id(std::string_view body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return "";
  if (j.contains("resourceLogs")) return run_id_of(j["resourceLogs"]);
  if (j.contains("resourceMetrics")) return run_id_of(j["resourceMetrics"]);
  return "";
}

}  // namespace clown::ingest
