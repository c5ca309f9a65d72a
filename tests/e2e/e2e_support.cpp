#include "tests/e2e/e2e_support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace clown::e2e {

fs::path claude_bin(const std::string& version) {
  fs::path bin = fs::path(CLOWN_E2E_DIR) / version / "node_modules" / ".bin" / "claude";
  if (!fs::exists(bin)) {
    FAIL("Claude Code " << version << " is not installed at " << bin.string() << "; run: tests/e2e/setup "
                        << fs::path(CLOWN_E2E_DIR).parent_path().string());
  }
  return bin;
}

double Totals::sonnet_45_cost() const {
  return static_cast<double>(input) * 3e-6 + static_cast<double>(output) * 15e-6 +
         static_cast<double>(cache_5m) * 3.75e-6 + static_cast<double>(cache_1h) * 6e-6 +
         static_cast<double>(cache_read) * 0.3e-6;
}

bool wait_until(const std::function<bool()>& pred, int timeout_secs) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_secs);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

FakeProvider::FakeProvider(const fs::path& dir, uint64_t seed, const std::string& mode, const std::string& expect_key,
                           const std::vector<std::string>& extra) {
  std::string name = "provider-" + std::to_string(seed);
  m_record = dir / (name + ".jsonl");
  fs::path port_file = dir / (name + ".port");
  std::vector<std::string> argv = {
      FAKE_PROVIDER_BIN, "--port",           "0",      "--seed", std::to_string(seed), "--record", m_record.string(),
      "--port-file",     port_file.string(), "--mode", mode};
  if (!expect_key.empty()) argv.insert(argv.end(), {"--expect-key", expect_key});
  argv.insert(argv.end(), extra.begin(), extra.end());
  m_pid = clown::test::spawn_process(argv, {.out = dir / (name + ".out"), .err = dir / (name + ".err")});
  bool up = wait_until([&] { return fs::exists(port_file); }, 10);
  REQUIRE(up);
  m_port = std::stoi(clown::test::read_text(port_file));
}

FakeProvider::~FakeProvider() {
  if (m_pid > 0) {
    ::kill(m_pid, SIGTERM);
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

std::vector<json> FakeProvider::messages() const {
  std::vector<json> out;
  for (auto& line : read_jsonl(m_record))
    if (line.value("path", "") == "/v1/messages" && line.contains("status")) out.push_back(line);
  return out;
}

Totals FakeProvider::totals() const { return totals_of(messages()); }

Totals totals_of(const std::vector<json>& records) {
  Totals t;
  for (const auto& r : records) {
    if (r.value("status", 0) != 200 || !r.contains("usage")) continue;
    const auto& u = r["usage"];
    t.input += u["input_tokens"].get<int64_t>();
    t.output += u["output_tokens"].get<int64_t>();
    t.cache_5m += u["cache_creation"]["ephemeral_5m_input_tokens"].get<int64_t>();
    t.cache_1h += u["cache_creation"]["ephemeral_1h_input_tokens"].get<int64_t>();
    t.cache_read += u["cache_read_input_tokens"].get<int64_t>();
    ++t.requests;
  }
  return t;
}

Background::Background(const std::vector<std::string>& argv, const Env& env, const fs::path& cwd,
                       const fs::path& log_prefix, bool stdout_pipe) {
  int fds[2] = {-1, -1};
  if (stdout_pipe && ::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  m_pid = clown::test::spawn_process(argv, {.env = env,
                                            .cwd = cwd,
                                            .out = log_prefix.string() + ".out",
                                            .err = log_prefix.string() + ".err",
                                            .stdout_fd = fds[1]});
  if (stdout_pipe) {
    ::close(fds[1]);
    m_stdout_fd = fds[0];
  }
}

Background::~Background() {
  if (!m_done) wait(0);
  if (m_stdout_fd >= 0) ::close(m_stdout_fd);
}

bool Background::wait_stdout_closed(int timeout_secs) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_secs);
  char buf[4096];
  while (true) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    pollfd p{m_stdout_fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    ssize_t n = ::read(m_stdout_fd, buf, sizeof buf);
    if (n == 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

void Background::signal(int sig) { ::kill(m_pid, sig); }

int Background::wait(int timeout_secs) {
  if (m_done) return m_status;
  int status = 0;
  bool exited = wait_until(
      [&] {
        pid_t r = ::waitpid(m_pid, &status, WNOHANG);
        return r == m_pid;
      },
      timeout_secs);
  if (!exited) {
    ::kill(m_pid, SIGKILL);
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    m_done = true;
    m_status = -1;
    return -1;
  }
  m_done = true;
  m_status = clown::test::decode_status(status);
  return m_status;
}

std::vector<json> read_jsonl(const fs::path& path) { return clown::test::read_jsonl(path); }

std::vector<json> transcript_lines(const fs::path& config_dir) {
  std::vector<json> out;
  fs::path projects = config_dir / "projects";
  if (!fs::exists(projects)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(projects)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".jsonl") continue;
    for (auto& line : read_jsonl(entry.path())) out.push_back(std::move(line));
  }
  return out;
}

std::map<std::string, double> last_cost_state(const fs::path& config_dir) {
  std::map<std::string, double> out;
  for (const auto& line : transcript_lines(config_dir))
    if (line.value("type", "") == "cost-state" && line.contains("totalCostUSD"))
      out[line.value("sessionId", "")] = line["totalCostUSD"].get<double>();
  return out;
}

std::vector<double> cost_states_of(const fs::path& config_dir, const std::string& session_id) {
  std::vector<double> out;
  fs::path projects = config_dir / "projects";
  if (!fs::exists(projects)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(projects)) {
    if (!entry.is_regular_file() || entry.path().filename() != session_id + ".jsonl") continue;
    for (const auto& line : read_jsonl(entry.path()))
      if (line.value("type", "") == "cost-state" && line.contains("totalCostUSD"))
        out.push_back(line["totalCostUSD"].get<double>());
  }
  return out;
}

World::World() {
  clown_home = base.root();
  home = base.user_home();
  work = base.dir() / "work";
  fs::create_directories(work);
  env = base.options().env;
  for (const auto& [k, v] : Env{{"XDG_CONFIG_HOME", (home / ".config").string()},
                                {"ANTHROPIC_API_KEY", std::nullopt},
                                {"ANTHROPIC_AUTH_TOKEN", std::nullopt},
                                {"ANTHROPIC_BASE_URL", std::nullopt},
                                {"ANTHROPIC_MODEL", std::nullopt},
                                {"CLAUDECODE", std::nullopt},
                                {"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"},
                                {"DISABLE_AUTOUPDATER", "1"},
                                {"TZ", "UTC"}})
    env[k] = v;
}

clown::test::ProcessResult World::clown(const std::vector<std::string>& args) const { return clown_with(args, {}); }

clown::test::ProcessResult World::clown_with(const std::vector<std::string>& args, const Env& extra) const {
  // `timeout` keeps a hung agent from hanging the suite; it passes the exit
  // status through (124 only when it had to stop the command).
  std::vector<std::string> argv = {"timeout", "120", clown::test::clown_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  clown::test::ProcessOptions options;
  options.env = env;
  for (const auto& [k, v] : extra) options.env[k] = v;
  options.cwd = work;
  return clown::test::run_process(argv, options);
}

std::vector<json> World::session_lines() const { return base.session_lines(); }

clown::test::ProcessResult run_claude_direct(const World& world, const fs::path& claude,
                                             const std::string& provider_url, const std::string& key,
                                             const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"timeout", "120", claude.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  clown::test::ProcessOptions options;
  options.env = world.env;
  options.env["ANTHROPIC_BASE_URL"] = provider_url;
  options.env["ANTHROPIC_API_KEY"] = key;
  options.env["CLAUDE_CONFIG_DIR"] = (world.base.dir() / "direct-config").string();
  options.cwd = world.work;
  return clown::test::run_process(argv, options);
}

int count_in_transcripts(const fs::path& config_dir, const std::string& needle) {
  int n = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(config_dir / "projects", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".jsonl") continue;
    const std::string text = clown::test::read_text(it->path());
    for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  }
  return n;
}

void create_interactive_profile(const World& world, const std::string& alias, const FakeProvider& provider,
                                const fs::path& claude, const std::string& key) {
  auto r =
      world.clown({"profiles", "create", alias, "--provider", "custom", "--endpoint", provider.url(), "--api-key-env",
                   "E2E_KEY", "--model", "claude-sonnet-4-5", "--agent-bin", claude.string(), "--isolate"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const json seed = {
      {"hasCompletedOnboarding", true},
      {"customApiKeyResponses", {{"approved", {key.substr(key.size() - 20)}}, {"rejected", json::array()}}},
      {"projects", {{world.work.string(), {{"hasTrustDialogAccepted", true}}}}}};
  clown::test::write_text(world.clown_home / "homes" / alias / ".claude.json", seed.dump());
}

}  // namespace clown::e2e
