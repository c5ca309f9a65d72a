#include "launcher/launch_plan.hpp"

#include <algorithm>

namespace clown::launcher {

const std::vector<std::string>& routing_variables() {
  static const std::vector<std::string> vars = {"ANTHROPIC_BASE_URL",
                                                "ANTHROPIC_AUTH_TOKEN",
                                                "ANTHROPIC_API_KEY",
                                                "ANTHROPIC_MODEL",
                                                "ANTHROPIC_SMALL_FAST_MODEL",
                                                "ANTHROPIC_DEFAULT_OPUS_MODEL",
                                                "ANTHROPIC_DEFAULT_SONNET_MODEL",
                                                "ANTHROPIC_DEFAULT_HAIKU_MODEL",
                                                "ANTHROPIC_CUSTOM_HEADERS",
                                                "CLAUDE_CODE_SUBAGENT_MODEL",
                                                "CLAUDE_CODE_USE_BEDROCK",
                                                "CLAUDE_CODE_USE_VERTEX",
                                                "ANTHROPIC_BEDROCK_BASE_URL",
                                                "ANTHROPIC_VERTEX_BASE_URL",
                                                "ANTHROPIC_VERTEX_PROJECT_ID"};
  return vars;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out.push_back(c);
  }
  return out + "'";
}

namespace {

nlohmann::json hook_entry(const LaunchInputs& in, const char* event) {
  // Claude Code runs hook commands through a shell; CLOWN_HOME is pinned so the
  // hook writes to this run's home even if the agent's environment changes.
  std::string command = "CLOWN_HOME=" + shell_quote(in.paths.root.string()) + " " + shell_quote(in.clown_exe.string()) +
                        " hook " + event + " --run " + in.run_id;
  return nlohmann::json::array({{{"hooks", nlohmann::json::array({{{"type", "command"}, {"command", command}}})}}});
}

}  // namespace

bool is_session(const profiles::AgentManifest& agent, const std::vector<std::string>& args) {
  if (!args.empty() && std::find(agent.non_session_commands.begin(), agent.non_session_commands.end(), args[0]) !=
                           agent.non_session_commands.end())
    return false;
  for (const auto& a : args)
    if (std::find(agent.non_session_flags.begin(), agent.non_session_flags.end(), a) != agent.non_session_flags.end())
      return false;
  return true;
}

namespace {

// Step 2: the variables that route the agent to the profile's provider and model.
Expected<EnvMap> provider_variables(const LaunchInputs& in) {
  using profiles::KeyVar;
  using profiles::ProviderType;
  const auto& profile = in.profile;
  const auto& provider = in.provider;
  EnvMap set;
  const std::string endpoint = profile.endpoint.empty() ? provider.endpoint : profile.endpoint;
  if (provider.requires_endpoint && endpoint.empty())
    return fail("profile '" + profile.alias + "' uses provider '" + provider.id +
                    "', which needs an endpoint: clown profiles set " + profile.alias + " endpoint=https://...",
                k_exit_usage);
  if (provider.type == ProviderType::openai_compatible)
    return fail("provider '" + provider.id + "' is OpenAI-compatible; agent '" + in.agent.id +
                    "' speaks the Anthropic API — put an Anthropic-compatible proxy in front and use provider custom",
                k_exit_usage);
  if (provider.type != ProviderType::self) {
    if (!endpoint.empty()) set["ANTHROPIC_BASE_URL"] = endpoint;
    if (in.api_key)
      set[provider.key_var == KeyVar::api_key ? "ANTHROPIC_API_KEY" : "ANTHROPIC_AUTH_TOKEN"] = *in.api_key;
  }
  const std::string model = profile.model.empty() ? provider.default_model : profile.model;
  if (!model.empty()) {
    set["ANTHROPIC_MODEL"] = model;
    // Third-party endpoints only serve their own models: route Claude Code's
    // opus/sonnet/haiku aliases (and background haiku calls) there too.
    if (provider.type == ProviderType::anthropic_compatible) {
      set["ANTHROPIC_DEFAULT_OPUS_MODEL"] = model;
      set["ANTHROPIC_DEFAULT_SONNET_MODEL"] = model;
      set["ANTHROPIC_DEFAULT_HAIKU_MODEL"] = provider.haiku_model.empty() ? model : provider.haiku_model;
    }
  }
  // A pinned binary must stay the one the profile names: Claude Code's
  // updater otherwise installs a newer version globally mid-run
  // (tests/data/claude-firstrun/README.md#6-auto-updater).
  if (!profile.agent_bin.empty() && !profile.auto_update) set["DISABLE_AUTOUPDATER"] = "1";
  for (const auto& [k, v] : profile.env) set[k] = v;
  return set;
}

// Steps 3-4: Claude Code lets settings.json `env` override the process
// environment, so the same variables go into a private --settings file,
// which also registers the SessionStart/SessionEnd hooks.
void add_session_settings(const LaunchInputs& in, LaunchPlan& plan) {
  plan.settings["env"] = nlohmann::json::object();
  for (const auto& [k, v] : plan.provider_env) plan.settings["env"][k] = v;
  for (const auto& [k, v] : in.telemetry_env) {
    plan.env[k] = v;
    plan.settings["env"][k] = v;
  }
  plan.telemetry = !in.telemetry_env.empty();
  plan.settings["hooks"] = {{"SessionStart", hook_entry(in, "session-start")},
                            {"SessionEnd", hook_entry(in, "session-end")}};
  plan.settings_path = in.paths.run_dir(in.run_id) / "settings.json";
  plan.argv.push_back(in.agent.settings_flag);
  plan.argv.push_back(plan.settings_path.string());
}

}  // namespace

Expected<LaunchPlan> make_launch_plan(const LaunchInputs& in) {
  const auto& profile = in.profile;
  LaunchPlan plan;
  plan.agent_id = in.agent.id;
  plan.provider_id = in.provider.id;
  plan.binary = profile.agent_bin.empty() ? in.agent.binary : profile.agent_bin;
  plan.session = is_session(in.agent, in.agent_args);

  TRY_ASSIGN(const EnvMap set, provider_variables(in));

  // Start from the user's environment; strip routing the profile doesn't set.
  plan.env = in.inherited_env;
  for (const auto& var : routing_variables()) {
    if (set.count(var)) continue;
    if (plan.env.erase(var)) plan.removed.push_back(var);
  }
  // Claude Code refuses to start "inside another Claude Code session" when
  // CLAUDECODE is set; a clown run is a fresh session.
  if (plan.env.erase("CLAUDECODE")) plan.removed.push_back("CLAUDECODE");
  for (const auto& [k, v] : set) plan.env[k] = v;
  plan.provider_env = set;

  if (profile.isolate) {
    plan.isolated = true;
    plan.config_dir = in.paths.home_for(profile.alias).string();
    plan.env[in.agent.config_dir_env] = plan.config_dir;
  } else if (auto it = plan.env.find(in.agent.config_dir_env); it != plan.env.end()) {
    plan.config_dir = it->second;
  }

  plan.argv.push_back(plan.binary);
  if (plan.session) add_session_settings(in, plan);
  plan.argv.insert(plan.argv.end(), in.agent_args.begin(), in.agent_args.end());
  return plan;
}

std::string shell_exports(const LaunchPlan& plan) {
  std::string out;
  for (const auto& var : routing_variables())
    if (!plan.provider_env.count(var)) out += "unset " + var + "\n";
  for (const auto& [k, v] : plan.provider_env) out += "export " + k + "=" + shell_quote(v) + "\n";
  if (plan.isolated && !plan.provider_env.count("CLAUDE_CONFIG_DIR"))
    out += "export CLAUDE_CONFIG_DIR=" + shell_quote(plan.config_dir) + "\n";
  return out;
}

}  // namespace clown::launcher
