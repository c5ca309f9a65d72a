#include "launcher/claude_telemetry.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "common/file_lock.hpp"
#include "ingest/otel_sink.hpp"
#include "store/machine_id.hpp"

extern char** environ;

namespace clown::launcher {

namespace {

// Variables that send Claude Code's telemetry somewhere.
bool exports_telemetry(const std::string& name) {
  return name.rfind("OTEL_EXPORTER_OTLP_", 0) == 0 || name == "OTEL_LOGS_EXPORTER" || name == "OTEL_METRICS_EXPORTER";
}

// OTEL_EXPORTER_OTLP_HEADERS: "k1=v1,k2=v2", values percent-encoded (the
// OpenTelemetry SDK environment specification, W3C baggage format).
std::vector<std::pair<std::string, std::string>> parse_otlp_headers(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    return s;
  };
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    const size_t eq = item.find('=');
    if (eq != std::string::npos && !trim(item.substr(0, eq)).empty()) {
      std::string value, raw = trim(item.substr(eq + 1));
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%' && i + 2 < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
          value += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          value += raw[i];
        }
      }
      out.emplace_back(trim(item.substr(0, eq)), value);
    }
    start = comma + 1;
  }
  return out;
}

// The environment Claude Code will see for OTEL_*: inherited, then the
// settings.json `env` block over it.
EnvMap effective_otel_env(const EnvMap& env, const std::filesystem::path& config_dir) {
  EnvMap out;
  for (const auto& [k, v] : env)
    if (k.rfind("OTEL_", 0) == 0) out[k] = v;
  auto text = read_file(config_dir / "settings.json");
  if (!text) return out;
  const auto settings = nlohmann::json::parse(*text, nullptr, false);
  if (!settings.is_object() || !settings.contains("env") || !settings["env"].is_object()) return out;
  for (const auto& [k, v] : settings["env"].items())
    if (k.rfind("OTEL_", 0) == 0 && v.is_string()) out[k] = v.get<std::string>();
  return out;
}

}  // namespace

std::optional<ingest::OtelUpstream> user_otel_upstream(const EnvMap& env, const std::filesystem::path& config_dir) {
  const EnvMap otel = effective_otel_env(env, config_dir);
  const auto get = [&](const char* name) {
    auto it = otel.find(name);
    return it == otel.end() ? std::string() : it->second;
  };
  // Per signal: the exporter Claude Code would have used (OTEL_LOGS_EXPORTER /
  // OTEL_METRICS_EXPORTER name `otlp`), over HTTP (a gRPC exporter is left
  // alone), and its endpoint: the signal's own, else the base one + /v1/<signal>.
  const auto signal = [&](const char* exporter, const char* prefix, std::string& endpoint) {
    const std::string kind = get(exporter);
    if (!kind.empty() && kind.find("otlp") == std::string::npos) return false;
    std::string protocol = get(("OTEL_EXPORTER_OTLP_" + std::string(prefix) + "_PROTOCOL").c_str());
    if (protocol.empty()) protocol = get("OTEL_EXPORTER_OTLP_PROTOCOL");
    if (protocol == "grpc") return false;
    endpoint = get(("OTEL_EXPORTER_OTLP_" + std::string(prefix) + "_ENDPOINT").c_str());
    return !endpoint.empty() || !get("OTEL_EXPORTER_OTLP_ENDPOINT").empty();
  };
  ingest::OtelUpstream u;
  u.url = get("OTEL_EXPORTER_OTLP_ENDPOINT");
  u.logs = signal("OTEL_LOGS_EXPORTER", "LOGS", u.logs_url);
  u.metrics = signal("OTEL_METRICS_EXPORTER", "METRICS", u.metrics_url);
  if (!u.logs && !u.metrics) return std::nullopt;
  if (u.url.empty()) u.url = u.logs ? u.logs_url : u.metrics_url;
  for (const auto* url : {&u.url, &u.logs_url, &u.metrics_url})
    if (!url->empty() && !ingest::check_upstream_url(*url)) return std::nullopt;
  const std::string logs_headers = get("OTEL_EXPORTER_OTLP_LOGS_HEADERS");
  u.headers = parse_otlp_headers(logs_headers.empty() ? get("OTEL_EXPORTER_OTLP_HEADERS") : logs_headers);
  if (const std::string mh = get("OTEL_EXPORTER_OTLP_METRICS_HEADERS"); !mh.empty()) {
    u.metrics_headers = parse_otlp_headers(mh);
    if (!u.logs) u.headers = u.metrics_headers;
  }
  u.source = ingest::UpstreamSource::run;
  return u;
}

const char* to_string(TelemetryMode mode) {
  switch (mode) {
    case TelemetryMode::clown: return "clown";
    case TelemetryMode::off: return "off";
    case TelemetryMode::user: return "user";
  }
  return "off";
}

std::optional<std::string> user_otel_setting(const EnvMap& env, const std::filesystem::path& config_dir) {
  for (const auto& [k, v] : env)
    if (exports_telemetry(k) && !v.empty()) return k;
  auto text = read_file(config_dir / "settings.json");
  if (!text) return std::nullopt;
  const auto settings = nlohmann::json::parse(*text, nullptr, false);
  if (!settings.is_object() || !settings.contains("env") || !settings["env"].is_object()) return std::nullopt;
  for (const auto& [k, v] : settings["env"].items())
    if (exports_telemetry(k) && v.is_string() && !v.get<std::string>().empty())
      return k + " in " + (config_dir / "settings.json").string();
  return std::nullopt;
}

namespace {

// OTEL_RESOURCE_ATTRIBUTES: "key=value" pairs separated by commas (the
// OpenTelemetry SDK environment variable specification).
std::string resource_attributes(const OtelTarget& t, const std::string& run_id, const std::string& profile,
                                const std::string& user_resource) {
  std::string out = "clown.run_id=" + run_id + ",clown.profile=" + profile;
  std::string kept;
  bool has_machine = false;
  size_t pos = 0;
  while (pos <= user_resource.size() && !user_resource.empty()) {
    const size_t comma = std::min(user_resource.find(',', pos), user_resource.size());
    const std::string pair = user_resource.substr(pos, comma - pos);
    const std::string key = pair.substr(0, pair.find('='));
    if (!pair.empty() && key != "clown.run_id" && key != "clown.profile") {
      kept += "," + pair;
      has_machine = has_machine || key == "clown.machine_id";
    }
    pos = comma + 1;
  }
  if (!has_machine && !t.machine_id.empty()) out += ",clown.machine_id=" + t.machine_id;
  return out + kept;
}

}  // namespace

EnvMap telemetry_env(const OtelTarget& t, const std::string& run_id, const std::string& profile,
                     const std::string& user_resource) {
  const std::string base = "http://127.0.0.1:" + std::to_string(t.port);
  const std::string header = std::string(ingest::k_otel_token_header) + "=" + t.token;
  return {{"CLAUDE_CODE_ENABLE_TELEMETRY", "1"},
          {"OTEL_LOGS_EXPORTER", "otlp"},
          {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
          {"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/json"},
          {"OTEL_EXPORTER_OTLP_ENDPOINT", base},
          {"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", base + "/v1/logs"},
          {"OTEL_EXPORTER_OTLP_HEADERS", header},
          {"OTEL_EXPORTER_OTLP_LOGS_HEADERS", header},
          // Batches leave every second, so live views see requests as they
          // happen; Claude Code flushes the last batch when it exits.
          {"OTEL_LOGS_EXPORT_INTERVAL", "1000"},
          // Metrics (active time, lines of code: docs/accuracy.md#otel-metrics)
          // as delta sums, every minute (a few rows per active minute) and at exit.
          {"OTEL_METRICS_EXPORTER", "otlp"},
          {"OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/json"},
          {"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", base + "/v1/metrics"},
          {"OTEL_EXPORTER_OTLP_METRICS_HEADERS", header},
          {"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta"},
          {"OTEL_METRIC_EXPORT_INTERVAL", "60000"},
          {"OTEL_RESOURCE_ATTRIBUTES", resource_attributes(t, run_id, profile, user_resource)}};
}

namespace {

// The port of the daemon that holds the lock, from its daemon.json.
std::optional<int> running_port(const Paths& paths) {
  if (!FileLock::held_elsewhere(paths.daemon_lock())) return std::nullopt;
  auto text = read_file(paths.daemon_file());
  if (!text) return std::nullopt;
  const auto info = nlohmann::json::parse(*text, nullptr, false);
  if (!info.is_object() || !info.contains("port") || !info["port"].is_number_integer()) return std::nullopt;
  const int port = info["port"].get<int>();
  return port > 0 ? std::optional<int>(port) : std::nullopt;
}

// Runs `clownd daemon start` (quietly) and waits for it to return.
Expected<void> start_daemon(const std::filesystem::path& clown_exe) {
  const auto clownd = (clown_exe.parent_path() / "clownd").string();
  std::vector<std::string> args = {clownd, "daemon", "start"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  for (int fd : {0, 1, 2}) posix_spawn_file_actions_addopen(&files, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own session: the terminal's signals (Ctrl-C to the agent) never reach the daemon.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, clownd.c_str(), &files, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&files);
  if (rc != 0) return fail("cannot start " + clownd + ": " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  // 0: started; 3 (webui::k_exit_already_running): another one won the race.
  if (WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3)) return {};
  return fail("`clownd daemon start` failed (see `clown daemon start` for why)");
}

}  // namespace

Expected<OtelTarget> ensure_receiver(const Paths& paths, const std::filesystem::path& clown_exe) {
  OtelTarget target;
  TRY_ASSIGN(target.token, ingest::otel_token(paths));
  auto port = running_port(paths);
  if (!port) {
    TRY(start_daemon(clown_exe));
    port = running_port(paths);
    if (!port) return fail("the daemon started but daemon.json names no port");
  }
  target.port = *port;
  target.machine_id = store::machine_id(paths).value_or("");
  return target;
}

}  // namespace clown::launcher
