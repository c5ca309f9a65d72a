#include "launcher/agent_injection.hpp"

namespace clown::launcher {

std::string hook_command(const LaunchInputs& in, const char* event) {
  // Agents run hook commands through a shell; CLOWN_HOME is pinned so the
  // hook writes to this run's home even if the agent's environment changes.
  return "CLOWN_HOME=" + shell_quote(in.paths.root.string()) + " " + shell_quote(in.clown_exe.string()) + " hook " +
         event + " --run " + in.run_id;
}

std::string statusline_command(const LaunchInputs& in) {
  // Pinned like the hooks; CLOWN_PROFILE names the profile on the line.
  return "CLOWN_HOME=" + shell_quote(in.paths.root.string()) + " CLOWN_PROFILE=" + shell_quote(in.profile.alias) + " " +
         shell_quote(in.clown_exe.string()) + " statusline";
}

profiles::TemplateValues launch_values(const LaunchInputs& in, const std::optional<profiles::ProviderEndpoint>& via) {
  using profiles::KeyVar;
  const auto& profile = in.profile;
  const auto& provider = in.provider;
  profiles::TemplateValues v;
  const bool injected = via && provider.type != profiles::ProviderType::self;
  const std::string key = injected && in.api_key ? *in.api_key : "";
  const std::string model = profile.model.empty() ? provider.default_model : profile.model;
  const std::string small = provider.haiku_model.empty() ? model : provider.haiku_model;
  const auto run_dir = in.paths.run_dir(in.run_id).string();
  v.set("home", profile.isolate ? in.paths.home_for(profile.alias).string() : "");
  v.set("run_id", in.run_id);
  v.set("run_dir", run_dir);
  v.set("clown", in.clown_exe.string());
  v.set("cwd", in.cwd);
  v.set("endpoint", injected ? (profile.endpoint.empty() ? via->url : profile.endpoint) : "");
  v.set("key", key);
  v.set("api_key", provider.key_var == KeyVar::api_key ? key : "");
  v.set("auth_token", provider.key_var == KeyVar::auth_token ? key : "");
  v.set("model", model);
  v.set("small_model", small);
  v.set("compatible_model", provider.compatible() ? model : "");
  v.set("compatible_small_model", provider.compatible() ? small : "");
  v.set("provider", provider.id);
  v.set("provider_name", provider.name);
  v.set("api", via ? std::string(profiles::to_string(via->api)) : "");
  v.set("hook_session_start", hook_command(in, "session-start"));
  v.set("hook_session_end", hook_command(in, "session-end"));
  v.set("hook_subagent_start", hook_command(in, "subagent-start"));
  v.set("hook_stop", hook_command(in, "stop"));
  v.set("statusline_command", statusline_command(in));
  v.set("env_json", "{}");
  for (const auto& [name, text] : in.agent.values) v.define(name, text);
  if (via)
    if (const auto* inj = in.agent.injection_for(via->api))
      for (const auto& [name, text] : inj->values) v.define(name, text);
  return v;
}

void apply_env(const std::vector<profiles::EnvEntry>& entries, const profiles::TemplateValues& values, EnvMap& out) {
  for (const auto& e : entries) {
    for (const auto& candidate : e.candidates) {
      if (auto value = profiles::expand(candidate, values)) {
        out[e.name] = *value;
        break;
      }
    }
  }
}

void apply_args(const std::vector<std::vector<std::string>>& groups, const profiles::TemplateValues& values,
                std::vector<std::string>& out) {
  for (const auto& group : groups) {
    std::vector<std::string> expanded;
    for (const auto& arg : group) {
      auto value = profiles::expand(arg, values);
      if (!value) break;
      expanded.push_back(std::move(*value));
    }
    if (expanded.size() == group.size()) out.insert(out.end(), expanded.begin(), expanded.end());
  }
}

Expected<std::vector<HomeFileMerge>> home_file_merges(const profiles::AgentDefinition& agent,
                                                      const profiles::TemplateValues& values) {
  std::vector<HomeFileMerge> out;
  for (const auto& file : agent.home_files) {
    auto path = profiles::expand(file.path, values);
    if (!path) continue;
    HomeFileMerge merge{*path, {}};
    for (const auto& fragment : file.merge) {
      auto text = profiles::expand(fragment, values);
      if (!text) continue;
      auto patch = nlohmann::json::parse(*text, nullptr, false);
      if (!patch.is_object())
        return fail("agent '" + agent.id + "' (" + agent.source + "): a json_files fragment for " + *path +
                    " is not a JSON object once expanded: " + text->substr(0, 120));
      merge.patches.push_back(std::move(patch));
    }
    if (!merge.patches.empty()) out.push_back(std::move(merge));
  }
  return out;
}

}  // namespace clown::launcher
