// A stand-in for the `claude` binary in tests. Controlled by environment:
//   FAKE_AGENT_OUT=path      write {"argv":[...],"env":{...},"settings":<json|null>,
//                            "settings_mode":"0600","cwd":...} to path
//   FAKE_AGENT_EXIT=N        exit with status N (default 0)
//   FAKE_AGENT_SIGNAL=N      kill itself with signal N after writing
//   FAKE_AGENT_WAIT=1        after writing, create FAKE_AGENT_READY (a path) and wait for
//                            a signal; record it to FAKE_AGENT_GOT_SIGNAL (a path) and
//                            exit 128+N
//   FAKE_AGENT_SESSION=id    act like Claude Code: run the SessionStart hook from the
//                            --settings file with {session_id, transcript_path, cwd, source},
//                            copy FAKE_AGENT_TRANSCRIPT_SRC (if set) to the transcript path
//                            ($CLAUDE_CONFIG_DIR/projects/<cwd with / -> ->/<id>.jsonl),
//                            then run the SessionEnd hook.
//   FAKE_AGENT_OTLP=1        with FAKE_AGENT_SESSION, export one Claude Code-shaped
//                            `api_request` event (a session-title request no transcript
//                            shows: request id req_fake_title, 300 in / 20 out tokens)
//                            to $OTEL_EXPORTER_OTLP_ENDPOINT/v1/logs as OTLP JSON, with
//                            $OTEL_EXPORTER_OTLP_HEADERS and $OTEL_RESOURCE_ATTRIBUTES,
//                            before exiting (as Claude Code flushes at exit).
//   FAKE_AGENT_EXIT_STAMP=path  write the wall clock (ns since the epoch) just before
//                            exiting normally (bench/otel_bench.sh: agent exit -> clown exit)
//   FAKE_AGENT_STATUSLINE=path  act like Claude Code's status line: run the --settings
//                            file's statusLine.command with the file's JSON on stdin and
//                            record its stdout as "statusline" (twice: "statusline_again")
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <httplib.h>

extern char** environ;
namespace fs = std::filesystem;

namespace {

volatile sig_atomic_t g_signal = 0;
void on_signal(int sig) { g_signal = sig; }

std::string env_or(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void run_hooks(const nlohmann::json& settings, const std::string& event, const nlohmann::json& input) {
  if (!settings.is_object() || !settings.contains("hooks") || !settings["hooks"].contains(event)) return;
  for (const auto& matcher : settings["hooks"][event]) {
    for (const auto& hook : matcher.value("hooks", nlohmann::json::array())) {
      std::string cmd = hook.value("command", "");
      FILE* p = ::popen(cmd.c_str(), "w");
      if (!p) continue;
      std::string data = input.dump();
      std::fwrite(data.data(), 1, data.size(), p);
      ::pclose(p);
    }
  }
}

// "k=v,k2=v2" (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES).
std::vector<std::pair<std::string, std::string>> key_values(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');)
    if (auto eq = item.find('='); eq != std::string::npos) out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  return out;
}

nlohmann::json attr(const std::string& key, nlohmann::json value) {
  const char* kind = value.is_string() ? "stringValue" : value.is_number_integer() ? "intValue" : "doubleValue";
  return {{"key", key}, {"value", {{kind, std::move(value)}}}};
}

// Exports the event the way Claude Code's OTLP/HTTP JSON exporter does
// (tests/data/claude-otel/README.md); false when it could not be delivered.
bool export_title_event(const std::string& session) {
  const std::string endpoint = env_or("OTEL_EXPORTER_OTLP_ENDPOINT");
  if (endpoint.empty()) return false;
  nlohmann::json attributes = nlohmann::json::array();
  nlohmann::json resource = nlohmann::json::array();
  for (const auto& [k, v] : key_values(env_or("OTEL_RESOURCE_ATTRIBUTES"))) {
    attributes.push_back(attr(k, v));
    resource.push_back(attr(k, v));
  }
  resource.push_back(attr("service.name", "claude-code"));
  for (auto& a :
       {attr("session.id", session), attr("event.name", "api_request"),
        attr("event.timestamp", "2026-11-29T05:14:39.085Z"), attr("event.sequence", 0),
        attr("prompt.id", "fake-prompt"), attr("model", "claude-sonnet-4-5"), attr("input_tokens", 300),
        attr("output_tokens", 20), attr("cache_read_tokens", 0), attr("cache_creation_tokens", 0),
        attr("cost_usd", 0.0012), attr("request_id", "req_fake_title"), attr("query_source", "generate_session_title")})
    attributes.push_back(a);
  const nlohmann::json body = {{"resourceLogs",
                                {{{"resource", {{"attributes", resource}}},
                                  {"scopeLogs",
                                   {{{"scope", {{"name", "com.anthropic.claude_code.events"}}},
                                     {"logRecords",
                                      {{{"timeUnixNano", "1795929279085000000"},
                                        {"body", {{"stringValue", "claude_code.api_request"}}},
                                        {"attributes", attributes}}}}}}}}}}};
  httplib::Client client(endpoint);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  httplib::Headers headers;
  for (const auto& [k, v] : key_values(env_or("OTEL_EXPORTER_OTLP_HEADERS"))) headers.emplace(k, v);
  auto res = client.Post("/v1/logs", headers, body.dump(), "application/json");
  return res && res->status == 200;
}

// Runs a shell command with `input` on stdin, returns its stdout.
std::string run_command(const std::string& cmd, const std::string& input) {
  const fs::path in_file = fs::temp_directory_path() / ("fake-agent-stdin-" + std::to_string(::getpid()));
  std::ofstream(in_file, std::ios::binary) << input;
  FILE* p = ::popen((cmd + " < '" + in_file.string() + "'").c_str(), "r");
  std::string out;
  if (p) {
    char buf[512];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
  }
  fs::remove(in_file);
  return out;
}

void run_statusline(const nlohmann::json& settings, nlohmann::json& record) {
  const std::string input_file = env_or("FAKE_AGENT_STATUSLINE");
  if (input_file.empty() || !settings.is_object() || !settings.contains("statusLine")) return;
  const std::string cmd = settings["statusLine"].value("command", "");
  record["statusline"] = run_command(cmd, slurp(input_file));
  record["statusline_again"] = run_command(cmd, slurp(input_file));
}

}  // namespace

int main(int argc, char** argv) {
  nlohmann::json record;
  record["argv"] = nlohmann::json::array();
  std::string settings_path;
  for (int i = 0; i < argc; ++i) {
    record["argv"].push_back(argv[i]);
    if (std::string(argv[i]) == "--settings" && i + 1 < argc) settings_path = argv[i + 1];
  }
  record["env"] = nlohmann::json::object();
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) record["env"][kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  nlohmann::json settings = nullptr;
  if (!settings_path.empty()) {
    struct stat st {};
    if (::stat(settings_path.c_str(), &st) == 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
      record["settings_mode"] = mode;
    }
    settings = nlohmann::json::parse(slurp(settings_path), nullptr, false);
  }
  record["settings"] = settings;
  record["cwd"] = fs::current_path().string();

  const std::string session = env_or("FAKE_AGENT_SESSION");
  if (!session.empty()) {
    fs::path config = env_or("CLAUDE_CONFIG_DIR", (env_or("HOME") + "/.claude").c_str());
    std::string project = fs::current_path().string();
    for (char& c : project)
      if (c == '/' || c == '.') c = '-';
    fs::path transcript = config / "projects" / project / (session + ".jsonl");
    nlohmann::json input = {{"session_id", session},
                            {"transcript_path", transcript.string()},
                            {"cwd", fs::current_path().string()},
                            {"hook_event_name", "SessionStart"},
                            {"source", "startup"}};
    run_hooks(settings, "SessionStart", input);
    if (std::string src = env_or("FAKE_AGENT_TRANSCRIPT_SRC"); !src.empty()) {
      fs::create_directories(transcript.parent_path());
      std::ofstream(transcript, std::ios::binary | std::ios::app) << slurp(src);
    }
    if (env_or("FAKE_AGENT_OTLP") == "1") record["otlp_delivered"] = export_title_event(session);
    input["hook_event_name"] = "SessionEnd";
    input["reason"] = "exit";
    run_hooks(settings, "SessionEnd", input);
  }

  run_statusline(settings, record);
  if (std::string out = env_or("FAKE_AGENT_OUT"); !out.empty()) {
    std::ofstream(out) << record.dump(2);
  }

  if (env_or("FAKE_AGENT_WAIT") == "1") {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigset_t block, none;
    sigemptyset(&block);
    sigemptyset(&none);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGUSR1}) {
      ::sigaction(sig, &sa, nullptr);
      sigaddset(&block, sig);
    }
    // Blocked until sigsuspend so a signal between the check and the wait is not lost.
    ::sigprocmask(SIG_BLOCK, &block, nullptr);
    if (std::string ready = env_or("FAKE_AGENT_READY"); !ready.empty()) std::ofstream(ready) << ::getpid();
    while (g_signal == 0) ::sigsuspend(&none);
    if (std::string got = env_or("FAKE_AGENT_GOT_SIGNAL"); !got.empty()) std::ofstream(got) << g_signal;
    return 128 + g_signal;
  }
  if (std::string sig = env_or("FAKE_AGENT_SIGNAL"); !sig.empty()) {
    int n = std::atoi(sig.c_str());
    ::signal(n, SIG_DFL);
    ::raise(n);
  }
  if (std::string stamp = env_or("FAKE_AGENT_EXIT_STAMP"); !stamp.empty()) {
    struct timespec ts {};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    std::ofstream(stamp) << (static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec);
  }
  return std::atoi(env_or("FAKE_AGENT_EXIT", "0").c_str());
}
