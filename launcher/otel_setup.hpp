#pragma once
// `clown otel setup` / `clown otel remove`: Claude Code sessions clown does
// not launch export to clownd too (docs/api.md#otlp-forward). setup writes
// the exporter variables into the `env` of a Claude config dir's
// settings.json (a backup beside it first) and moves an exporter endpoint and
// headers found there into clownd's upstream (credentials/@otel-upstream), so
// the user's collector still gets everything; remove puts the file back.
#include <filesystem>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::launcher {

struct OtelSetupResult {
  std::filesystem::path settings;             // the settings.json written
  std::filesystem::path backup;               // its backup (settings.json.clown-backup)
  int port = 0;                               // where Claude Code now exports: clownd's [daemon] port
  std::optional<std::string> moved_upstream;  // the user's endpoint, now clownd's upstream
  bool kept_stored_upstream = false;          // an upstream was already stored: not replaced
};

// `claude_dir` empty: ~/.claude. A second setup rewrites the env (the port may
// have changed) and keeps the first backup.
Expected<OtelSetupResult> otel_setup(const Paths& paths, const std::filesystem::path& claude_dir);

struct OtelRemoveResult {
  std::filesystem::path settings;
  bool restored = false;          // false: no backup, nothing to undo
  bool cleared_upstream = false;  // the upstream setup had moved was removed again
};
Expected<OtelRemoveResult> otel_remove(const Paths& paths, const std::filesystem::path& claude_dir);

std::filesystem::path otel_setup_backup_file(const std::filesystem::path& settings);

}  // namespace clown::launcher
