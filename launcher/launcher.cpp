#include "launcher/launcher.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "common/environment.hpp"
#include "common/file_io.hpp"
#include "common/format.hpp"
#include "common/time.hpp"
#include "launcher/budget_gate.hpp"
#include "launcher/claude_home.hpp"
#include "launcher/claude_telemetry.hpp"
#include "launcher/spawn.hpp"
#include "profiles/agent_template.hpp"
#include "profiles/catalog.hpp"
#include "profiles/profile_store.hpp"
#include "runs/run_finish.hpp"
#include "runs/run_record.hpp"

namespace clown::launcher {

EnvMap current_environment() { return clown::current_environment(); }

namespace {

// The key, in order: a key stored with --api-key-stdin, the variable the
// profile names, then the provider's usual variable in the user's environment.
// A stored key that cannot be read (or is readable by others) fails the run:
// falling back to the environment would bill another account.
Expected<std::optional<std::string>> resolve_key(const Paths& paths, const profiles::Profile& profile,
                                                 const profiles::Provider& provider, const EnvMap& env) {
  if (profiles::has_credential(paths, profile.alias)) {
    auto key = profiles::load_credential(paths, profile.alias);
    if (!key)
      return fail("profile '" + profile.alias + "': cannot use its stored API key: " + key.error().message +
                  " (or store it again with: clown profiles set " + profile.alias + " --api-key-stdin)");
    if (!key->empty()) return *key;
  }
  for (const auto& var : {profile.api_key_env, provider.key_env}) {
    if (var.empty()) continue;
    if (auto it = env.find(var); it != env.end() && !it->second.empty()) return it->second;
  }
  return std::optional<std::string>{};
}

}  // namespace

Expected<LaunchInputs> launch_inputs(const Paths& paths, const std::string& alias,
                                     const std::vector<std::string>& agent_args, const std::filesystem::path& clown_exe,
                                     const std::string& run_id) {
  auto profile = profiles::load_profile(paths, alias);
  if (!profile) return tl::unexpected(profile.error());
  const auto catalog = profiles::load_catalog_for(paths, profile->agent);
  const auto* agent = catalog.find_agent(profile->agent);
  if (!agent) return fail("profile '" + alias + "': " + catalog.unknown_agent_message(profile->agent));
  const auto* provider = catalog.find_provider(profile->provider);
  if (!provider) return fail("profile '" + alias + "': " + catalog.unknown_provider_message(profile->provider));
  LaunchInputs in;
  in.profile = *profile;
  in.agent = *agent;
  in.provider = *provider;
  in.working_providers = catalog.providers_for(*agent);
  in.inherited_env = current_environment();
  in.paths = paths;
  in.run_id = run_id;
  in.clown_exe = clown_exe;
  in.agent_args = agent_args;
  in.new_session_id = random_uuid();
  std::error_code ec;
  in.cwd = std::filesystem::current_path(ec).string();
  TRY_ASSIGN(in.api_key, resolve_key(paths, *profile, *provider, in.inherited_env));
  if (!in.api_key && provider->type != profiles::ProviderType::self && !provider->key_env.empty() &&
      profile->api_key_env.empty()) {
    return fail("profile '" + alias + "' has no API key for provider '" + provider->id + "': export " +
                    provider->key_env + "=..., or store one with: clown profiles set " + alias +
                    " api_key_env=VAR (or create the profile with --api-key-stdin)",
                k_exit_usage);
  }
  if (!in.api_key && !profile->api_key_env.empty()) {
    return fail("profile '" + alias + "' reads its API key from $" + profile->api_key_env +
                    ", which is not set in this environment",
                k_exit_usage);
  }
  return in;
}

Expected<LaunchPlan> plan_for_profile(const Paths& paths, const std::string& alias,
                                      const std::vector<std::string>& agent_args,
                                      const std::filesystem::path& clown_exe, const std::string& run_id) {
  TRY_ASSIGN(const auto in, launch_inputs(paths, alias, agent_args, clown_exe, run_id));
  return make_launch_plan(in);
}

namespace {

runs::RunInfo run_info_for(const LaunchPlan& plan, const std::string& alias, const std::string& run_id) {
  runs::RunInfo info;
  info.run_id = run_id;
  info.profile = alias;
  info.agent_id = plan.agent_id;
  info.provider_id = plan.provider_id;
  info.model = plan.model;
  std::error_code ec;
  info.cwd = std::filesystem::current_path(ec).string();
  info.config_dir = plan.config_dir;
  info.usage_reader = plan.usage_reader;
  info.usage_dir = plan.usage_dir;
  info.isolated = plan.isolated;
  info.session_id = plan.session_id;
  info.telemetry_file = plan.telemetry_file.string();
  info.launcher_pid = static_cast<int>(::getpid());
  return info;
}

// Merges clown's keys into a file of the isolated home (Gemini CLI's
// settings.json): objects merge, anything else is replaced.
Expected<void> merge_home_file(const HomeFileMerge& merge) {
  nlohmann::json doc = nlohmann::json::object();
  if (auto text = read_file(merge.path)) {
    doc = nlohmann::json::parse(*text, nullptr, false, true);
    if (!doc.is_object())
      return fail(merge.path.string() + " is not a JSON object; fix or remove it (clown adds its keys to it)");
  }
  for (const auto& patch : merge.patches) doc.merge_patch(patch);
  TRY(ensure_dir(merge.path.parent_path(), 0700));
  return write_file_atomic(merge.path, doc.dump(2) + "\n", 0600);
}

// An isolated home exists before the agent starts, with clown's keys merged
// into the definition's files; Claude Code's gets the seed that skips its
// first-run screens (launcher/claude_home.hpp).
Expected<std::vector<std::string>> prepare_home(const LaunchPlan& plan) {
  if (!plan.isolated) return std::vector<std::string>{};
  TRY(ensure_dir(plan.config_dir, 0700));
  for (const auto& merge : plan.home_files) TRY(merge_home_file(merge));
  if (plan.agent_id != "claude") return std::vector<std::string>{};
  std::optional<std::string> api_key;
  if (auto it = plan.provider_env.find("ANTHROPIC_API_KEY"); it != plan.provider_env.end()) api_key = it->second;
  return seed_claude_home(plan.config_dir, api_key, current_environment());
}

// Claude Code ends silently (2.1.197) or with exit 0 (2.1.328, Esc) when the
// user leaves its trust question; the signs are no SessionStart hook and an
// untrusted folder (tests/data/claude-firstrun/README.md#2-trust). It asks
// only in its interactive interface, on a terminal: a run in a pipe or a
// script never stops there.
std::optional<std::string> trust_notice(const LaunchPlan& plan, const runs::RunInfo& info, bool session_started) {
  if (session_started || plan.agent_id != "claude") return std::nullopt;
  if (!::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO)) return std::nullopt;
  if (folder_trusted(claude_global_config(plan.config_dir, plan.env), info.cwd)) return std::nullopt;
  return "Claude Code stopped at its question whether to trust " + info.cwd +
         ", so no session started (nothing recorded); run again and choose \"Yes, I trust this folder\"";
}

// Records the run on disk before the agent starts; the returned lock lives
// for the whole run (runs/run_record.hpp).
Expected<FileLock> start_run(const Paths& paths, const LaunchPlan& plan, runs::RunInfo& info) {
  info.started_ms = now_ms();
  TRY_ASSIGN(auto lock, runs::write_run_start(paths, info));
  // Read once by the agent and removed after the run: no fsync needed.
  if (plan.session && !plan.session_file.empty())
    TRY(write_file_atomic(plan.session_file, plan.session_file_content, 0600, Durability::atomic_only));
  return lock;
}

}  // namespace

namespace {

// The Claude config dir the agent will use (for the user's own settings.json):
// the isolated home, else the first of its definition's log dirs that is set
// ($CLAUDE_CONFIG_DIR), else ~/.claude.
std::filesystem::path agent_config_dir(const LaunchInputs& in) {
  if (in.profile.isolate) return in.paths.home_for(in.profile.alias);
  for (const auto& dir : in.agent.usage.dirs)
    if (auto path = profiles::expand_usage_path(dir, in.inherited_env, profiles::TemplateValues())) return *path;
  auto home = in.inherited_env.find("HOME");
  return std::filesystem::path(home == in.inherited_env.end() ? "." : home->second) / ".claude";
}

// Points the agent's telemetry at clownd unless the profile or the user's own
// exporter says otherwise; starts clownd when none runs.
TelemetryMode choose_telemetry(LaunchInputs& in, RunOutcome& outcome) {
  if (!in.agent.otel || !in.profile.telemetry) return TelemetryMode::off;
  // A user's own OTLP/HTTP collector gets the run's data through clownd
  // (its per-run upstream, docs/api.md#otlp-forward); others are left alone.
  const auto own = user_otel_upstream(in.inherited_env, agent_config_dir(in));
  if (!own)
    if (const auto setting = user_otel_setting(in.inherited_env, agent_config_dir(in))) {
      outcome.warnings.push_back("your own OpenTelemetry exporter is set (" + *setting +
                                 "); clown leaves it alone and counts this run from its transcripts");
      return TelemetryMode::user;
    }
  auto target = ensure_receiver(in.paths, in.clown_exe);
  if (!target) {
    outcome.warnings.push_back("no OpenTelemetry receiver (" + target.error().message +
                               "); this run is counted from its transcripts");
    return TelemetryMode::clown;  // intended: its line says the events were unavailable
  }
  if (own) {
    if (auto stored = ingest::store_run_upstream(in.paths, in.run_id, *own); !stored) {
      outcome.warnings.push_back("cannot hand your own OpenTelemetry exporter to clownd (" + stored.error().message +
                                 "); clown leaves it alone and counts this run from its transcripts");
      return TelemetryMode::user;
    }
    const bool both = own->logs && own->metrics;
    const std::string what = both ? "telemetry" : own->logs ? "events" : "metrics";
    outcome.warnings.push_back("your own OpenTelemetry exporter (" +
                               ingest::signal_url(*own, own->logs ? "/v1/logs" : "/v1/metrics") + ") gets this run's " +
                               what + " through clownd, which keeps a local copy");
  }
  const auto user_resource = in.inherited_env.find("OTEL_RESOURCE_ATTRIBUTES");
  in.telemetry_env = telemetry_env(*target, in.run_id, in.profile.alias,
                                   user_resource == in.inherited_env.end() ? "" : user_resource->second);
  return TelemetryMode::clown;
}

}  // namespace

Expected<RunOutcome> run_profile(const Paths& paths, const RunRequest& request) {
  const std::string run_id = random_hex_id(8);
  TRY_ASSIGN(auto inputs, launch_inputs(paths, request.alias, request.agent_args, request.clown_exe, run_id));
  if (!inputs.agent.session_statusline.empty() && inputs.profile.statusline)
    inputs.user_statusline = user_statusline(agent_config_dir(inputs));
  RunOutcome outcome;
  outcome.warnings = inputs.profile.load_warnings;
  TelemetryMode telemetry = TelemetryMode::off;
  if (is_session(inputs.agent, inputs.agent_args)) {
    TRY_ASSIGN(const auto lines, check_budget_gate(paths, inputs.profile, request.over_budget, now_ms()));
    for (const auto& line : lines)
      if (request.notify) request.notify(line);
    telemetry = choose_telemetry(inputs, outcome);
  }
  TRY_ASSIGN(const auto plan, make_launch_plan(inputs));
  const auto path_var = plan.env.count("PATH") ? plan.env.at("PATH") : std::string("/usr/local/bin:/usr/bin:/bin");
  auto executable = find_executable(plan.binary, path_var);
  if (!executable)
    return fail("agent binary '" + plan.binary + "' not found (profile '" + request.alias +
                    "'); install it or point the profile at it: clown profiles set " + request.alias +
                    " agent_bin=/path/to/" + plan.binary,
                k_exit_not_found);

  TRY_ASSIGN(auto home_warnings, prepare_home(plan));
  outcome.warnings.insert(outcome.warnings.end(), home_warnings.begin(), home_warnings.end());
  if (!plan.session) {
    // `mcp list`, `--version`: no session, nothing to record.
    TRY_ASSIGN(outcome.exit_code, run_foreground(*executable, plan.argv, plan.env));
    return outcome;
  }
  auto info = run_info_for(plan, request.alias, run_id);
  info.otel = to_string(telemetry);
  TRY_ASSIGN(const auto run_lock, start_run(paths, plan, info));
  auto status = run_foreground(*executable, plan.argv, plan.env);
  info.ended_ms = now_ms();
  if (!status) {
    std::error_code ec;
    std::filesystem::remove_all(paths.run_dir(run_id), ec);
    return tl::unexpected(status.error());
  }
  info.exit_code = *status;
  outcome.exit_code = *status;
  if (auto finished = runs::finish_run(paths, info); !finished) {
    outcome.warnings.push_back("the run finished but could not be recorded: " + finished.error().message);
  } else {
    outcome.warnings.insert(outcome.warnings.end(), finished->warnings.begin(), finished->warnings.end());
    if (auto notice = trust_notice(plan, info, finished->usage.session_started)) outcome.notices.push_back(*notice);
  }
  runs::recover_abandoned_runs(paths);
  return outcome;
}

}  // namespace clown::launcher
