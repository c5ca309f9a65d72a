#include "tests/support/clown_home.hpp"

namespace clown::test {

ClownHome::ClownHome() {
  fs::create_directories(user_home());
  write_text(root() / "config.toml", "[daemon]\nport = 0\n");
}

ClownHome::~ClownHome() {
  std::error_code ec;
  if (fs::exists(root() / "daemon.json", ec)) clownd({"daemon", "stop"});
}

ProcessOptions ClownHome::options() const {
  ProcessOptions o;
  o.env["CLOWN_HOME"] = root().string();
  o.env["HOME"] = user_home().string();
  // Every agent's home variable unset: defaults lie under HOME, never the real ones.
  for (const char* var : {"CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME",
                          "XDG_CACHE_HOME", "XDG_STATE_HOME"})
    o.env[var] = std::nullopt;
  o.env["NO_COLOR"] = "1";
  o.cwd = dir();
  return o;
}

namespace {

ProcessResult run_in(const ClownHome& h, const fs::path& binary, std::vector<std::string> args,
                     const ProcessOptions& extra) {
  ProcessOptions o = h.options();
  for (const auto& [k, v] : extra.env) o.env[k] = v;
  o.stdin_data = extra.stdin_data;
  if (!extra.cwd.empty()) o.cwd = extra.cwd;
  o.clear_env = extra.clear_env;
  args.insert(args.begin(), binary.string());
  return run_process(args, o);
}

}  // namespace

ProcessResult ClownHome::clown(std::vector<std::string> args, ProcessOptions extra) const {
  return run_in(*this, clown_binary(), std::move(args), extra);
}

ProcessResult ClownHome::clown_env(std::vector<std::string> args, const EnvChanges& env) const {
  ProcessOptions extra;
  extra.env = env;
  return clown(std::move(args), extra);
}

ProcessResult ClownHome::clownd(std::vector<std::string> args, ProcessOptions extra) const {
  return run_in(*this, clownd_binary(), std::move(args), extra);
}

std::vector<nlohmann::json> ClownHome::session_lines() const {
  std::vector<nlohmann::json> out;
  const auto text = read_text(root() / "telemetry" / "sessions.jsonl");
  size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(nlohmann::json::parse(text.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  return out;
}

}  // namespace clown::test
