#include "launcher/launch_plan.hpp"

#include <algorithm>

#include "launcher/agent_injection.hpp"

namespace clown::launcher {

std::string shell_quote(const std::string& s) { return profiles::shell_quote(s); }

bool is_session(const profiles::AgentDefinition& agent, const std::vector<std::string>& args) {
  if (!args.empty() && std::find(agent.non_session_commands.begin(), agent.non_session_commands.end(), args[0]) !=
                           agent.non_session_commands.end())
    return false;
  for (const auto& a : args)
    if (std::find(agent.non_session_flags.begin(), agent.non_session_flags.end(), a) != agent.non_session_flags.end())
      return false;
  return true;
}

namespace {

// The session the user picked (--resume <id>, --session-id=<id>, ...):
// nullopt when none (clown then chooses one), "" when the flag has no value.
std::optional<std::string> picked_session(const profiles::AgentDefinition& agent,
                                          const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    for (const auto& flag : agent.resume_flags) {
      if (args[i] == flag) return i + 1 < args.size() ? args[i + 1] : std::string();
      if (args[i].rfind(flag + "=", 0) == 0) return args[i].substr(flag.size() + 1);
    }
  }
  return std::nullopt;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// The API the provider is reached by: the first the agent speaks that the
// provider serves. `self` injects nothing (nullopt, no error).
Expected<std::optional<profiles::ProviderEndpoint>> choose_api(const LaunchInputs& in) {
  const auto& provider = in.provider;
  const auto& agent = in.agent;
  for (auto api : agent.api_list())
    if (auto e = provider.endpoint_for(api)) return std::optional<profiles::ProviderEndpoint>(*e);
  if (provider.type == profiles::ProviderType::self) return std::optional<profiles::ProviderEndpoint>();
  std::vector<std::string> served, spoken;
  for (const auto& e : provider.endpoints) served.emplace_back(profiles::to_string(e.api));
  for (auto api : agent.api_list()) spoken.emplace_back(profiles::to_string(api));
  return fail("profile '" + in.profile.alias + "' uses provider '" + provider.id + "' (" +
                  (served.empty() ? std::string("no API") : join(served)) + "), but " + agent.name + " speaks " +
                  (spoken.empty() ? std::string("no provider API (use provider self)") : join(spoken)) +
                  "; providers that work with " + agent.id + ": " + join(in.working_providers) +
                  " (change it: clown profiles set " + in.profile.alias + " provider=<id>)",
              k_exit_usage);
}

// Step 2: the provider's and the agent's variables and arguments; the
// profile's [env] wins.
void inject_provider(const LaunchInputs& in, const profiles::TemplateValues& values,
                     const std::optional<profiles::ProviderEndpoint>& via, LaunchPlan& plan) {
  apply_env(in.agent.launch.env, values, plan.provider_env);
  apply_args(in.agent.launch.args, values, plan.args);
  if (const auto* inj = via ? in.agent.injection_for(via->api) : nullptr) {
    apply_env(inj->env, values, plan.provider_env);
    apply_args(inj->args, values, plan.args);
  }
  // A pinned binary must stay the one the profile names: Claude Code's
  // updater otherwise installs a newer version globally mid-run
  // (tests/data/claude-firstrun/README.md#6-auto-updater).
  if (!in.profile.agent_bin.empty() && !in.profile.auto_update) plan.provider_env["DISABLE_AUTOUPDATER"] = "1";
  for (const auto& [k, v] : in.profile.env) plan.provider_env[k] = v;
}

// Step 3: the environment: the user's, without routing the profile does not
// set, plus clown's variables and the isolated home.
void build_env(const LaunchInputs& in, const profiles::TemplateValues& values, const EnvMap& session_env,
               LaunchPlan& plan) {
  EnvMap& isolation = plan.isolation_env;
  if (in.profile.isolate) apply_env(in.agent.isolation.env, values, isolation);
  plan.env = in.inherited_env;
  for (const auto& var : in.agent.strip_env) {
    if (plan.provider_env.count(var) || session_env.count(var) || isolation.count(var)) continue;
    plan.unset.push_back(var);
    if (plan.env.erase(var)) plan.removed.push_back(var);
  }
  for (const EnvMap* part :
       {static_cast<const EnvMap*>(&plan.provider_env), &session_env, static_cast<const EnvMap*>(&isolation)})
    for (const auto& [k, v] : *part) plan.env[k] = v;
}

// Where the agent keeps its state and usage logs for this run.
void locate_home(const LaunchInputs& in, const profiles::TemplateValues& values, LaunchPlan& plan) {
  plan.usage_reader = in.agent.usage.reader;
  plan.isolated = in.profile.isolate;
  if (plan.isolated) {
    plan.config_dir = values.get("home");
    plan.usage_dir = profiles::expand_usage_path(in.agent.usage.isolated_dir, plan.env, values).value_or("");
    return;
  }
  for (const auto& dir : in.agent.usage.dirs) {
    if (auto path = profiles::expand_usage_path(dir, plan.env, values)) {
      plan.usage_dir = *path;
      break;
    }
  }
  plan.config_dir = plan.usage_dir;
}

// The definition's status line merged into the session file, when the
// profile wants it and the user has none of their own.
Expected<void> add_statusline(const LaunchInputs& in, const profiles::TemplateValues& values, LaunchPlan& plan) {
  if (!in.profile.statusline || in.user_statusline || in.agent.session_statusline.empty() || plan.session_file.empty())
    return {};
  const auto patch_text = profiles::expand(in.agent.session_statusline, values);
  auto content = nlohmann::json::parse(plan.session_file_content, nullptr, false);
  const auto patch = nlohmann::json::parse(patch_text.value_or(""), nullptr, false);
  if (!content.is_object() || !patch.is_object())
    return fail("agent '" + in.agent.id + "': its session file_content and statusline must be JSON objects");
  content.merge_patch(patch);
  plan.session_file_content = content.dump();
  plan.statusline = true;
  return {};
}

// Step 4: what only a session gets (hooks, a private settings file, a session id).
Expected<void> add_session(const LaunchInputs& in, profiles::TemplateValues& values, EnvMap& session_env,
                           std::vector<std::string>& session_args, LaunchPlan& plan) {
  if (!in.agent.usage.telemetry_file.empty())
    plan.telemetry_file = profiles::expand(in.agent.usage.telemetry_file, values).value_or("");
  values.set("telemetry_file", plan.telemetry_file.string());
  const auto picked = picked_session(in.agent, in.agent_args);
  if (picked)
    plan.session_id = *picked;
  else
    values.set("new_session_id", in.new_session_id);
  // The agent's telemetry export to clownd (Claude Code: launcher/claude_telemetry.hpp)
  // goes into its environment and, like the provider's variables, its settings file.
  EnvMap settings_env = plan.provider_env;
  for (const auto& [k, v] : in.telemetry_env) {
    session_env[k] = v;
    settings_env[k] = v;
  }
  plan.telemetry = !in.telemetry_env.empty();
  values.set("env_json", nlohmann::json(settings_env).dump());
  if (!in.agent.session_file.empty()) {
    plan.session_file = profiles::expand(in.agent.session_file, values).value_or("");
    values.set("session_file", plan.session_file.string());
    auto content = profiles::expand(in.agent.session_file_content, values);
    if (!content) return fail("agent '" + in.agent.id + "': its session file_content names an empty value");
    plan.session_file_content = *content;
    TRY(add_statusline(in, values, plan));
  }
  apply_env(in.agent.session.env, values, session_env);
  apply_args(in.agent.session.args, values, session_args);
  // The session id clown chose, when the agent was given it.
  if (!in.new_session_id.empty() &&
      std::find(session_args.begin(), session_args.end(), in.new_session_id) != session_args.end())
    plan.session_id = in.new_session_id;
  return {};
}

}  // namespace

Expected<LaunchPlan> make_launch_plan(const LaunchInputs& in) {
  const auto& profile = in.profile;
  const auto& provider = in.provider;
  LaunchPlan plan;
  plan.agent_id = in.agent.id;
  plan.provider_id = provider.id;
  plan.binary = profile.agent_bin.empty() ? in.agent.binary : profile.agent_bin;
  plan.session = is_session(in.agent, in.agent_args);
  if (provider.requires_endpoint && profile.endpoint.empty())
    return fail("profile '" + profile.alias + "' uses provider '" + provider.id +
                    "', which needs an endpoint: clown profiles set " + profile.alias + " endpoint=https://...",
                k_exit_usage);
  TRY_ASSIGN(const auto via, choose_api(in));
  if (via && provider.type != profiles::ProviderType::self) plan.api = profiles::to_string(via->api);
  auto values = launch_values(in, via);
  plan.model = values.get("model");
  inject_provider(in, values, via, plan);
  EnvMap session_env;
  std::vector<std::string> session_args;
  if (plan.session) TRY(add_session(in, values, session_env, session_args, plan));
  build_env(in, values, session_env, plan);
  locate_home(in, values, plan);
  if (plan.isolated) {
    TRY_ASSIGN(plan.home_files, home_file_merges(in.agent, values));
  }
  plan.argv.push_back(plan.binary);
  plan.argv.insert(plan.argv.end(), session_args.begin(), session_args.end());
  plan.argv.insert(plan.argv.end(), plan.args.begin(), plan.args.end());
  plan.argv.insert(plan.argv.end(), in.agent_args.begin(), in.agent_args.end());
  return plan;
}

std::string shell_exports(const LaunchPlan& plan) {
  std::string out;
  for (const auto& var : plan.unset) out += "unset " + var + "\n";
  for (const auto& [k, v] : plan.provider_env) out += "export " + k + "=" + shell_quote(v) + "\n";
  for (const auto& [k, v] : plan.isolation_env)
    if (!plan.provider_env.count(k)) out += "export " + k + "=" + shell_quote(v) + "\n";
  if (!plan.args.empty()) {
    out += "# " + plan.binary + " also needs these arguments:";
    for (const auto& a : plan.args) out += " " + shell_quote(a);
    out += "\n";
  }
  return out;
}

}  // namespace clown::launcher
