#include "mcp/install.hpp"

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "launcher/claude_home.hpp"
#include "profiles/profile_store.hpp"

namespace clown::mcp {

namespace {

using json = nlohmann::ordered_json;  // keeps the order Claude Code wrote its keys in
namespace fs = std::filesystem;

std::string env_value(const std::map<std::string, std::string>& env, const char* name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

// The config dir Claude Code uses for the profile: its isolated home, else
// the inherited CLAUDE_CONFIG_DIR ("" = Claude Code's default, ~/.claude.json).
Expected<std::string> profile_config_dir(const Paths& paths, const InstallRequest& request) {
  TRY_ASSIGN(const auto profile, profiles::load_profile(paths, request.profile));
  if (profile.agent != "claude")
    return fail("profile '" + profile.alias + "' runs " + profile.agent +
                    "; `clown mcp install` registers the server with Claude Code: name a Claude Code profile or "
                    "give --claude-dir DIR",
                k_exit_usage);
  if (profile.isolate) return paths.home_for(profile.alias).string();
  return env_value(request.env, "CLAUDE_CONFIG_DIR");
}

Expected<json> read_config(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return json::object();
  TRY_ASSIGN(auto text, read_file(file));
  auto config = json::parse(text, nullptr, false);
  if (!config.is_object())
    return fail(file.string() + " is not a JSON object; fix or remove it, then run `clown mcp install` again");
  return config;
}

}  // namespace

Expected<InstallResult> install_server(const Paths& paths, const InstallRequest& request) {
  std::string config_dir = request.claude_dir.string();
  if (config_dir.empty()) {
    TRY_ASSIGN(config_dir, profile_config_dir(paths, request));
  }
  if (!config_dir.empty()) {
    std::error_code ec;
    fs::create_directories(config_dir, ec);
    if (ec) return fail("cannot create " + config_dir + ": " + ec.message());
  }
  InstallResult result;
  result.config_file = launcher::claude_global_config(config_dir, request.env);
  TRY_ASSIGN(json config, read_config(result.config_file));
  if (!config.contains("mcpServers") || !config["mcpServers"].is_object()) config["mcpServers"] = json::object();
  result.replaced = config["mcpServers"].contains(k_server_name);
  config["mcpServers"][k_server_name] = {{"type", "stdio"},
                                         {"command", fs::absolute(request.clown_exe).string()},
                                         {"args", json::array({"mcp"})},
                                         {"env", {{"CLOWN_HOME", fs::absolute(paths.root).string()}}}};
  TRY(write_file_atomic(result.config_file, config.dump(2) + "\n", 0600));
  return result;
}

}  // namespace clown::mcp
