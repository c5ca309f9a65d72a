#pragma once
// Claude Code's OpenTelemetry export, pointed at clownd for the runs clown
// launches (docs/accuracy.md#otel): every API request the agent makes,
// background ones included, reaches the run's spool tagged with the run.
#include <filesystem>
#include <optional>
#include <string>

#include "common/paths.hpp"
#include "ingest/otel_upstream.hpp"
#include "launcher/launch_plan.hpp"

namespace clown::launcher {

enum class TelemetryMode {
  clown,  // clown sets the exporter (the default)
  off,    // the profile says telemetry = false
  user,   // the user's own exporter is configured: clown leaves it alone
};
const char* to_string(TelemetryMode mode);

// Where Claude Code exports to.
struct OtelTarget {
  int port = 0;
  std::string token;
  std::string machine_id;  // this machine's (store/machine_id.hpp), "" when unknown
};

// The user's own exporter: OTEL_* exporter variables in the environment or
// in the `env` of the Claude config dir's settings.json. Returns the variable
// that shows it, or nullopt.
std::optional<std::string> user_otel_setting(const EnvMap& env, const std::filesystem::path& config_dir);

// The user's own OTLP/HTTP exporter as an upstream for clownd: the
// OTEL_EXPORTER_OTLP_[LOGS_]ENDPOINT and _HEADERS of the environment with the
// settings.json `env` applied over it (Claude Code applies that block over
// its environment). nullopt when no endpoint is set or the protocol is gRPC
// (clownd forwards OTLP/HTTP only): clown then leaves the exporter alone.
std::optional<ingest::OtelUpstream> user_otel_upstream(const EnvMap& env, const std::filesystem::path& config_dir);

// The variables that make Claude Code export api_request events to `target`,
// tagged with the run, profile and machine (clown.machine_id, so a central
// clownd a forward reaches files them under this machine: docs/api.md#team).
// The signal-specific ones are set too: a user's OTEL_EXPORTER_OTLP_LOGS_*
// would beat the generic ones. `user_resource` is the user's own
// OTEL_RESOURCE_ATTRIBUTES (e.g. clown.user=alice): kept after clown's, minus
// the clown.run_id and clown.profile clown sets; its clown.machine_id wins.
EnvMap telemetry_env(const OtelTarget& target, const std::string& run_id, const std::string& profile,
                     const std::string& user_resource = "");

// The receiver clown points runs at: the running daemon, else one started
// now (`clownd daemon start`, which returns once it answers; its idle exit
// stops it again). The port comes from daemon.json, so `[daemon] port = 0`
// (any free port) works too.
Expected<OtelTarget> ensure_receiver(const Paths& paths, const std::filesystem::path& clown_exe);

}  // namespace clown::launcher
