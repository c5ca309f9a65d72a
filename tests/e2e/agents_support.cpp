#include "tests/e2e/agents_support.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cerrno>

namespace clown::e2e {

fs::path agent_bin(const std::string& agent, const std::string& version) {
  fs::path bin = fs::path(CLOWN_E2E_DIR) / (agent + "-" + version) / "node_modules" / ".bin" / agent;
  if (!fs::exists(bin))
    FAIL(agent << " " << version << " is not installed at " << bin.string() << "; run: tests/e2e/setup-agents "
               << fs::path(CLOWN_E2E_DIR).parent_path().string() << " " << agent);
  return bin;
}

FakeServer::FakeServer(const std::string& binary, const fs::path& dir, uint64_t seed,
                       const std::vector<std::string>& extra) {
  const std::string name = fs::path(binary).filename().string() + "-" + std::to_string(seed);
  m_record = dir / (name + ".jsonl");
  const fs::path port_file = dir / (name + ".port");
  std::vector<std::string> argv = {
      binary,     "--port",          "0",           "--seed",          std::to_string(seed),
      "--record", m_record.string(), "--port-file", port_file.string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  m_pid = clown::test::spawn_process(argv, {.out = dir / (name + ".out"), .err = dir / (name + ".err")});
  REQUIRE(wait_until([&] { return fs::exists(port_file) && !clown::test::read_text(port_file).empty(); }, 10));
  m_port = std::stoi(clown::test::read_text(port_file));
}

FakeServer::~FakeServer() {
  if (m_pid <= 0) return;
  ::kill(m_pid, SIGTERM);
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
  }
}

std::ostream& operator<<(std::ostream& os, const Answered& a) {
  return os << "{input " << a.input << ", cache_read " << a.cache_read << ", output " << a.output << ", requests "
            << a.requests << "}";
}

Answered openai_answered(const std::vector<json>& records) {
  Answered a;
  for (const auto& r : records) {
    if (r.value("status", 0) != 200 || !r.contains("usage")) continue;
    const json& u = r["usage"];
    const int64_t cached = u["input_tokens_details"].value("cached_tokens", int64_t{0});
    a.input += u["input_tokens"].get<int64_t>() - cached;
    a.cache_read += cached;
    a.output += u["output_tokens"].get<int64_t>();
    ++a.requests;
  }
  return a;
}

Answered gemini_answered(const std::vector<json>& records) {
  Answered a;
  for (const auto& r : records) {
    if (!r.contains("usage") || !r["usage"].is_object()) continue;
    const json& u = r["usage"];
    const int64_t cached = u.value("cachedContentTokenCount", int64_t{0});
    a.input += u.value("promptTokenCount", int64_t{0}) - cached + u.value("toolUsePromptTokenCount", int64_t{0});
    a.cache_read += cached;
    a.output += u.value("candidatesTokenCount", int64_t{0}) + u.value("thoughtsTokenCount", int64_t{0});
    ++a.requests;
  }
  return a;
}

Answered answered_of(const json& tokens, int64_t requests) {
  return {tokens.at("input_tokens").get<int64_t>(), tokens.at("cache_read_input_tokens").get<int64_t>(),
          tokens.at("output_tokens").get<int64_t>(), requests};
}

void create_agent_profile(const World& world, const std::string& agent, const std::string& alias,
                          const std::string& url, const std::string& model, const fs::path& bin, bool isolate) {
  std::vector<std::string> args = {"timeout",
                                   "60",
                                   clown::test::clown_binary().string(),
                                   "profiles",
                                   "create",
                                   alias,
                                   "--agent",
                                   agent,
                                   "--provider",
                                   "custom",
                                   "--endpoint",
                                   url,
                                   "--model",
                                   model,
                                   "--agent-bin",
                                   bin.string(),
                                   "--api-key-stdin"};
  if (isolate) args.push_back("--isolate");
  clown::test::ProcessOptions options;
  options.env = world.env;
  options.cwd = world.work;
  options.stdin_data = "e2e-key\n";
  auto r = clown::test::run_process(args, options);
  INFO("profiles create: " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

json clown_json(const World& world, const std::vector<std::string>& args) {
  auto r = world.clown(args);
  INFO("clown " << args.front() << ": " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

}  // namespace clown::e2e
