#include "launcher/otel_setup.hpp"

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "config/config.hpp"
#include "ingest/otel_sink.hpp"
#include "ingest/otel_upstream.hpp"
#include "launcher/claude_telemetry.hpp"

namespace clown::launcher {

namespace {

std::filesystem::path claude_dir_or_default(const std::filesystem::path& dir) {
  if (!dir.empty()) return dir;
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home ? home : ".") / ".claude";
}

// What the backup records: whether there was a file, its bytes, and whether
// setup stored the upstream (remove then clears it again).
Expected<nlohmann::json> read_backup(const std::filesystem::path& file) {
  TRY_ASSIGN(const auto text, read_file(file));
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("existed") || !j["existed"].is_boolean() || !j.contains("content") ||
      !j["content"].is_string())
    return fail(file.string() + " is not a backup clown wrote; restore settings.json by hand and delete it");
  return j;
}

Expected<nlohmann::json> settings_object(const std::string& text, const std::filesystem::path& file) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return nlohmann::json::object();
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object())
    return fail(file.string() + " is not a JSON object; fix it (or move it away) and run clown otel setup again");
  if (j.contains("env") && !j["env"].is_object())
    return fail(file.string() + ": \"env\" is not an object; fix it and run clown otel setup again");
  return j;
}

// The user's exporter becomes clownd's upstream, unless one is stored already.
Expected<void> move_upstream(const Paths& paths, const std::filesystem::path& dir, OtelSetupResult& result,
                             bool& moved) {
  const auto own = user_otel_upstream({}, dir);
  if (!own) return {};
  const std::string target = ingest::signal_url(*own, "/v1/logs");
  if (target.find("127.0.0.1:" + std::to_string(result.port)) != std::string::npos) return {};  // ours already
  std::error_code ec;
  if (std::filesystem::exists(ingest::otel_upstream_file(paths), ec)) {
    result.kept_stored_upstream = true;
    return {};
  }
  ingest::OtelUpstream u = *own;
  u.source = ingest::UpstreamSource::credentials;
  TRY(ingest::store_otel_upstream(paths, u));
  result.moved_upstream = own->url;
  moved = true;
  return {};
}

}  // namespace

std::filesystem::path otel_setup_backup_file(const std::filesystem::path& settings) {
  return settings.string() + ".clown-backup";
}

Expected<OtelSetupResult> otel_setup(const Paths& paths, const std::filesystem::path& claude_dir) {
  const auto dir = claude_dir_or_default(claude_dir);
  OtelSetupResult result;
  result.settings = dir / "settings.json";
  result.backup = otel_setup_backup_file(result.settings);
  TRY_ASSIGN(const auto config, config::load_config(paths));
  if (config.daemon_port == 0)
    return fail(
        "config.toml sets [daemon] port = 0 (any free port): sessions clown does not launch need a fixed "
        "port to export to; set [daemon] port (e.g. 8765) first");
  result.port = config.daemon_port;
  std::error_code ec;
  const bool existed = std::filesystem::exists(result.settings, ec);
  std::string text;
  if (existed) {
    TRY_ASSIGN(text, read_file(result.settings));
  }
  TRY_ASSIGN(auto settings, settings_object(text, result.settings));
  bool moved = false;
  TRY(move_upstream(paths, dir, result, moved));
  if (!std::filesystem::exists(result.backup, ec)) {
    TRY(ensure_dir(dir, 0700));
    const nlohmann::json backup{{"existed", existed}, {"content", text}, {"moved_upstream", moved}};
    TRY(write_file_atomic(result.backup, backup.dump(2) + "\n", 0600));
  }
  TRY_ASSIGN(const auto token, ingest::otel_token(paths));
  EnvMap env = telemetry_env(OtelTarget{result.port, token, ""}, "", "");
  env.erase("OTEL_RESOURCE_ATTRIBUTES");  // no run: sessions are attributed as claude-native
  env["OTEL_METRICS_EXPORTER"] = "otlp";  // forwarded too, as the user's exporter got them
  for (const auto& [k, v] : env) settings["env"][k] = v;
  TRY(write_file_atomic(result.settings, settings.dump(2) + "\n", 0600));
  return result;
}

Expected<OtelRemoveResult> otel_remove(const Paths& paths, const std::filesystem::path& claude_dir) {
  const auto dir = claude_dir_or_default(claude_dir);
  OtelRemoveResult result;
  result.settings = dir / "settings.json";
  const auto backup_file = otel_setup_backup_file(result.settings);
  std::error_code ec;
  if (!std::filesystem::exists(backup_file, ec)) return result;
  TRY_ASSIGN(const auto backup, read_backup(backup_file));
  if (backup["existed"].get<bool>()) {
    TRY(write_file_atomic(result.settings, backup["content"].get<std::string>(), 0600));
  } else {
    std::filesystem::remove(result.settings, ec);
  }
  if (backup.value("moved_upstream", false)) {
    TRY_ASSIGN(result.cleared_upstream, ingest::clear_otel_upstream(paths));
  }
  std::filesystem::remove(backup_file, ec);
  result.restored = true;
  return result;
}

}  // namespace clown::launcher
