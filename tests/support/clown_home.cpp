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
  o.env["CLAUDE_CONFIG_DIR"] = std::nullopt;
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
