#include "launcher/launcher.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "common/file_io.hpp"
#include "common/format.hpp"
#include "common/time.hpp"
#include "launcher/claude_home.hpp"
#include "launcher/spawn.hpp"
#include "profiles/catalog.hpp"
#include "profiles/profile_store.hpp"
#include "runs/run_finish.hpp"
#include "runs/run_record.hpp"

extern char** environ;

namespace clown::launcher {

EnvMap current_environment() {
  EnvMap env;
  for (char** e = environ; *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq) env.emplace(std::string(*e, static_cast<size_t>(eq - *e)), std::string(eq + 1));
  }
  return env;
}

namespace {

// The key, in order: a key stored with --api-key-stdin, the variable the
// profile names, then the provider's usual variable in the user's environment.
std::optional<std::string> resolve_key(const Paths& paths, const profiles::Profile& profile,
                                       const profiles::Provider& provider, const EnvMap& env) {
  if (profiles::has_credential(paths, profile.alias)) {
    if (auto key = profiles::load_credential(paths, profile.alias); key && !key->empty()) return *key;
  }
  for (const auto& var : {profile.api_key_env, provider.key_env}) {
    if (var.empty()) continue;
    if (auto it = env.find(var); it != env.end() && !it->second.empty()) return it->second;
  }
  return std::nullopt;
}

}  // namespace

Expected<LaunchPlan> plan_for_profile(const Paths& paths, const std::string& alias,
                                      const std::vector<std::string>& agent_args,
                                      const std::filesystem::path& clown_exe, const std::string& run_id) {
  auto profile = profiles::load_profile(paths, alias);
  if (!profile) return tl::unexpected(profile.error());
  const auto catalog = profiles::load_catalog(paths);
  const auto* agent = catalog.find_agent(profile->agent);
  if (!agent) return fail("profile '" + alias + "': " + catalog.unknown_agent_message(profile->agent));
  const auto* provider = catalog.find_provider(profile->provider);
  if (!provider) return fail("profile '" + alias + "': " + catalog.unknown_provider_message(profile->provider));
  LaunchInputs in;
  in.profile = *profile;
  in.agent = *agent;
  in.provider = *provider;
  in.inherited_env = current_environment();
  in.paths = paths;
  in.run_id = run_id;
  in.clown_exe = clown_exe;
  in.agent_args = agent_args;
  in.api_key = resolve_key(paths, *profile, *provider, in.inherited_env);
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
  return make_launch_plan(in);
}

namespace {

runs::RunInfo run_info_for(const LaunchPlan& plan, const std::string& alias, const std::string& run_id) {
  runs::RunInfo info;
  info.run_id = run_id;
  info.profile = alias;
  info.agent_id = plan.agent_id;
  info.provider_id = plan.provider_id;
  info.model = plan.provider_env.count("ANTHROPIC_MODEL") ? plan.provider_env.at("ANTHROPIC_MODEL") : "";
  std::error_code ec;
  info.cwd = std::filesystem::current_path(ec).string();
  info.config_dir = plan.config_dir;
  info.launcher_pid = static_cast<int>(::getpid());
  return info;
}

// An isolated home exists before the agent starts; Claude Code's gets the
// seed that skips its first-run screens (launcher/claude_home.hpp).
Expected<std::vector<std::string>> prepare_home(const LaunchPlan& plan) {
  if (!plan.isolated) return std::vector<std::string>{};
  TRY(ensure_dir(plan.config_dir, 0700));
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
  if (plan.session) TRY(write_file_atomic(plan.settings_path, plan.settings.dump(2), 0600, Durability::atomic_only));
  return lock;
}

}  // namespace

Expected<RunOutcome> run_profile(const Paths& paths, const RunRequest& request) {
  const std::string run_id = random_hex_id(8);
  TRY_ASSIGN(const auto plan, plan_for_profile(paths, request.alias, request.agent_args, request.clown_exe, run_id));
  const auto path_var = plan.env.count("PATH") ? plan.env.at("PATH") : std::string("/usr/local/bin:/usr/bin:/bin");
  auto executable = find_executable(plan.binary, path_var);
  if (!executable)
    return fail("agent binary '" + plan.binary + "' not found (profile '" + request.alias +
                    "'); install it or point the profile at it: clown profiles set " + request.alias +
                    " agent_bin=/path/to/" + plan.binary,
                k_exit_not_found);

  TRY_ASSIGN(auto home_warnings, prepare_home(plan));
  if (!plan.session) {
    // `mcp list`, `--version`: no session, nothing to record.
    TRY_ASSIGN(const int status, run_foreground(*executable, plan.argv, plan.env));
    return RunOutcome{status, std::move(home_warnings), {}};
  }
  auto info = run_info_for(plan, request.alias, run_id);
  TRY_ASSIGN(const auto run_lock, start_run(paths, plan, info));
  auto status = run_foreground(*executable, plan.argv, plan.env);
  info.ended_ms = now_ms();
  if (!status) {
    std::error_code ec;
    std::filesystem::remove_all(paths.run_dir(run_id), ec);
    return tl::unexpected(status.error());
  }
  info.exit_code = *status;
  RunOutcome outcome{*status, std::move(home_warnings), {}};
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
