#pragma once
// Where clown keeps its files (docs/file-formats.md#layout). Root: $CLOWN_HOME, else
// $XDG_CONFIG_HOME/clown, else ~/.config/clown.
#include <filesystem>
#include <string>

#include "common/error.hpp"

namespace clown {

namespace fs = std::filesystem;

struct Paths {
  fs::path root;

  fs::path config_file() const { return root / "config.toml"; }
  fs::path profiles_dir() const { return root / "profiles"; }
  fs::path profile_file(const std::string& alias) const { return profiles_dir() / (alias + ".toml"); }
  fs::path credentials_dir() const { return root / "credentials"; }
  fs::path credential_file(const std::string& alias) const { return credentials_dir() / alias; }
  fs::path providers_dir() const { return root / "providers.d"; }
  fs::path agents_dir() const { return root / "agents.d"; }
  fs::path homes_dir() const { return root / "homes"; }
  fs::path home_for(const std::string& alias) const { return homes_dir() / alias; }
  fs::path registry_dir() const { return root / "registry"; }
  fs::path pricing_file() const { return registry_dir() / "litellm-pricing.json"; }
  fs::path registry_lock() const { return registry_dir() / "registry.lock"; }
  fs::path telemetry_dir() const { return root / "telemetry"; }
  fs::path sessions_log() const { return telemetry_dir() / "sessions.jsonl"; }
  fs::path aggregates_file() const { return telemetry_dir() / "aggregates.json"; }
  fs::path usage_db() const { return telemetry_dir() / "usage.db"; }
  // One directory per run in progress (run.json + hooks.jsonl); removed when
  // the run has been recorded, so a leftover means its launcher was killed.
  fs::path runs_dir() const { return telemetry_dir() / "runs"; }
  fs::path run_dir(const std::string& run_id) const { return runs_dir() / run_id; }
  // The run's OpenTelemetry api_request events, appended by clownd's receiver.
  fs::path run_otel_spool(const std::string& run_id) const { return run_dir(run_id) / "otel.jsonl"; }
  // Events of sessions clown did not launch (or whose run already ended),
  // stored into usage.db by the daemon.
  fs::path otel_inbox() const { return telemetry_dir() / "otel-inbox.jsonl"; }
  fs::path otel_metrics_inbox() const { return telemetry_dir() / "otel-metrics-inbox.jsonl"; }
  // The secret Claude Code sends with its OTLP exports (0600).
  fs::path otel_token_file() const { return root / "otel.token"; }
  fs::path daemon_file() const { return root / "daemon.json"; }
  fs::path daemon_lock() const { return root / "daemon.lock"; }
  fs::path daemon_log() const { return root / "daemon.log"; }

  // Resolves the root from the environment (no directories are created).
  static Paths from_env();
};

// Creates a directory (and parents) with the given mode when it is missing.
// The error names the directory and the system's reason.
Expected<void> ensure_dir(const fs::path& dir, unsigned mode = 0755);

}  // namespace clown
