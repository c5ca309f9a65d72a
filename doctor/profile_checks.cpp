// Per profile: the agent binary and its version, the key, the endpoint.
#include <map>

#include "doctor/checks.hpp"
#include "doctor/probes.hpp"
#include "launcher/launcher.hpp"
#include "launcher/spawn.hpp"
#include "profiles/catalog.hpp"
#include "profiles/profile_store.hpp"

namespace clown::doctor {

namespace {

std::string env_or(const launcher::EnvMap& env, const std::string& name, const std::string& fallback = "") {
  auto it = env.find(name);
  return it == env.end() ? fallback : it->second;
}

// First line of `<agent> --version`, once per binary.
class Versions {
 public:
  explicit Versions(const Options& o) : m_options(o) {}
  Expected<std::string> of(const std::string& executable) {
    if (auto it = m_seen.find(executable); it != m_seen.end()) return it->second;
    auto env = m_options.env;
    env["DISABLE_AUTOUPDATER"] = "1";  // a version query must not update anything
    auto captured = run_captured({executable, "--version"}, env, m_options.timeout_ms);
    Expected<std::string> result = captured ? first_line(*captured) : tl::unexpected(captured.error());
    m_seen.emplace(executable, result);
    return result;
  }

 private:
  static Expected<std::string> first_line(const Captured& c) {
    const auto line = c.output.substr(0, c.output.find('\n'));
    if (c.exit_code != 0)
      return fail("--version exited " + std::to_string(c.exit_code) + (line.empty() ? "" : ": " + line));
    return line;
  }
  const Options& m_options;
  std::map<std::string, Expected<std::string>> m_seen;
};

void check_binary(const profiles::Profile& p, const profiles::AgentManifest& agent, const Options& o,
                  Versions& versions, std::vector<Check>& out) {
  const std::string subject = "profile " + p.alias;
  const std::string binary = p.agent_bin.empty() ? agent.binary : p.agent_bin;
  const auto found = launcher::find_executable(binary, env_or(o.env, "PATH", "/usr/local/bin:/usr/bin:/bin"));
  if (!found) {
    out.push_back(bad(Status::fail, subject, "agent binary", "'" + binary + "' not found",
                      "install " + agent.name + ", or point the profile at it: clown profiles set " + p.alias +
                          " agent_bin=/path/to/" + agent.binary));
    return;
  }
  auto version = versions.of(*found);
  if (!version)
    out.push_back(bad(Status::fail, subject, "agent binary", *found + ": " + version.error().message,
                      "run " + *found + " --version yourself to see why it fails"));
  else
    out.push_back(ok(subject, "agent binary", *version + " (" + *found + ")"));
}

// The URL the agent will talk to: the plan's ANTHROPIC_BASE_URL, else Anthropic's API.
std::string endpoint_url(const launcher::LaunchPlan& plan) {
  auto it = plan.provider_env.find("ANTHROPIC_BASE_URL");
  return it == plan.provider_env.end() ? "https://api.anthropic.com" : it->second;
}

void check_key_and_endpoint(const Paths& paths, const profiles::Profile& p, const profiles::Provider& provider,
                            const Options& o, std::vector<Check>& out) {
  const std::string subject = "profile " + p.alias;
  auto plan = launcher::plan_for_profile(paths, p.alias, {}, o.clown_exe, "doctor");
  if (!plan) {
    out.push_back(bad(Status::fail, subject, "api key", plan.error().message, "see the message for what to set"));
    return;
  }
  if (provider.type == profiles::ProviderType::self)
    out.push_back(ok(subject, "api key", "none needed: the agent's own login"));
  else if (plan->provider_env.count("ANTHROPIC_API_KEY") || plan->provider_env.count("ANTHROPIC_AUTH_TOKEN"))
    out.push_back(
        ok(subject, "api key",
           profiles::key_source(paths, p) == "none" ? "from $" + provider.key_env : profiles::key_source(paths, p)));
  else
    out.push_back(bad(Status::warn, subject, "api key", "none: requests go out without a key",
                      "clown profiles set " + p.alias + " --api-key-stdin (or api_key_env=VAR)"));
  const auto url = endpoint_url(*plan);
  auto endpoint = endpoint_of(url);
  auto reached = endpoint ? tcp_connect(*endpoint, o.timeout_ms) : tl::unexpected(endpoint.error());
  if (reached)
    out.push_back(ok(subject, "endpoint", url + " accepts connections"));
  else
    out.push_back(bad(Status::fail, subject, "endpoint", url + ": " + reached.error().message,
                      "check the network, or the endpoint: clown profiles set " + p.alias + " endpoint=URL"));
}

}  // namespace

void check_profiles(const Paths& paths, const Options& options, std::vector<Check>& out) {
  const auto listing = profiles::list_profiles(paths);
  if (listing.profiles.empty() && listing.broken.empty())
    out.push_back(bad(Status::warn, "profiles", "profiles", "none yet",
                      "create one: clown profiles create work-claude --provider anthropic --api-key-stdin"));
  const auto catalog = profiles::load_catalog(paths);
  Versions versions(options);
  for (const auto& p : listing.profiles) {
    const auto* agent = catalog.find_agent(p.agent);
    const auto* provider = catalog.find_provider(p.provider);
    if (!agent || !provider) {
      const auto message =
          agent ? catalog.unknown_provider_message(p.provider) : catalog.unknown_agent_message(p.agent);
      out.push_back(bad(Status::fail, "profile " + p.alias, "catalog", message,
                        "clown profiles set " + p.alias + (agent ? " provider=ID" : " agent=ID")));
      continue;
    }
    check_binary(p, *agent, options, versions, out);
    check_key_and_endpoint(paths, p, *provider, options, out);
  }
}

}  // namespace clown::doctor
