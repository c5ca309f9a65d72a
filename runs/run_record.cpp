#include "runs/run_record.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <iostream>
#include <set>
#include <system_error>

#include "common/file_io.hpp"
#include "common/time.hpp"
#include "reports/aggregates.hpp"
#include "runs/run_usage.hpp"
#include "store/usage_json.hpp"

namespace clown::runs {

namespace fs = std::filesystem;

RunLock& RunLock::operator=(RunLock&& o) noexcept {
  if (this != &o) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = o.m_fd;
    o.m_fd = -1;
  }
  return *this;
}

RunLock::~RunLock() {
  if (m_fd >= 0) ::close(m_fd);
}

nlohmann::json to_json(const RunInfo& info) {
  nlohmann::json j = {{"run_id", info.run_id},
                      {"profile", info.profile},
                      {"agent_id", info.agent_id},
                      {"provider_id", info.provider_id},
                      {"model", info.model},
                      {"cwd", info.cwd},
                      {"config_dir", info.config_dir},
                      {"started_ms", info.started_ms},
                      {"started_at", format_iso8601_ms(info.started_ms)},
                      {"launcher_pid", info.launcher_pid}};
  if (info.ended_ms) j["ended_ms"] = info.ended_ms;
  if (info.exit_code) j["exit_code"] = *info.exit_code;
  return j;
}

Expected<RunInfo> run_info_from_json(const nlohmann::json& j) {
  try {
    RunInfo info;
    info.run_id = j.at("run_id").get<std::string>();
    info.profile = j.at("profile").get<std::string>();
    info.agent_id = j.value("agent_id", "");
    info.provider_id = j.value("provider_id", "");
    info.model = j.value("model", "");
    info.cwd = j.value("cwd", "");
    info.config_dir = j.value("config_dir", "");
    info.started_ms = j.at("started_ms").get<int64_t>();
    info.ended_ms = j.value("ended_ms", int64_t{0});
    if (j.contains("exit_code") && j["exit_code"].is_number_integer()) info.exit_code = j["exit_code"].get<int>();
    info.launcher_pid = j.value("launcher_pid", 0);
    return info;
  } catch (const nlohmann::json::exception& e) {
    return fail(std::string("malformed run record: ") + e.what());
  }
}

Expected<RunLock> write_run_start(const Paths& paths, const RunInfo& info) {
  const auto dir = paths.run_dir(info.run_id);
  if (!ensure_dir(paths.runs_dir(), 0700) || !ensure_dir(dir, 0700))
    return fail(errno_message("cannot create " + dir.string()));
  const auto file = dir / "run.json";
  // No O_CLOEXEC: the agent inherits the locked descriptor (see RunLock).
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return fail(errno_message("cannot write " + file.string()));
  RunLock lock(fd);
  ::flock(fd, LOCK_EX);
  const std::string text = to_json(info).dump() + "\n";
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return fail(errno_message("cannot write " + file.string()));
  return lock;
}

Expected<void> record_hook_event(const Paths& paths, const std::string& run_id, const std::string& event,
                                 const std::string& stdin_json) {
  const auto dir = paths.run_dir(run_id);
  std::error_code ec;
  if (run_id.empty() || run_id.find('/') != std::string::npos || !fs::is_directory(dir, ec))
    return fail("no run '" + run_id + "' in progress under " + paths.runs_dir().string());
  auto input = nlohmann::json::parse(stdin_json, nullptr, false);
  if (!input.is_object()) return fail("hook input is not a JSON object");
  nlohmann::json line = {{"event", event}, {"received_ms", now_ms()}};
  for (const char* key : {"session_id", "transcript_path", "cwd", "source", "reason"})
    if (input.contains(key) && input[key].is_string()) line[key] = input[key];
  return append_line_durable(dir / "hooks.jsonl", line.dump(), 0600);
}

std::vector<HookEvent> read_hook_events(const Paths& paths, const std::string& run_id) {
  std::vector<HookEvent> events;
  auto text = read_file(paths.run_dir(run_id) / "hooks.jsonl");
  if (!text) return events;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    if (nl == std::string::npos) nl = text->size();
    auto j = nlohmann::json::parse(text->begin() + static_cast<long>(pos), text->begin() + static_cast<long>(nl),
                                   nullptr, false);
    pos = nl + 1;
    if (!j.is_object()) continue;
    HookEvent e;
    e.event = j.value("event", "");
    e.session_id = j.value("session_id", "");
    e.transcript_path = j.value("transcript_path", "");
    e.cwd = j.value("cwd", "");
    e.source = j.value("source", "");
    e.received_ms = j.value("received_ms", int64_t{0});
    events.push_back(std::move(e));
  }
  return events;
}

nlohmann::json session_line(const RunInfo& info, const RunUsage& usage) {
  const double duration = std::round(static_cast<double>(info.ended_ms - info.started_ms)) / 1000.0;
  nlohmann::json line = {{"run_id", info.run_id},
                         {"profile", info.profile},
                         {"agent_id", info.agent_id},
                         {"provider_id", info.provider_id},
                         {"model", info.model},
                         {"cwd", info.cwd},
                         {"started_at", format_iso8601_ms(info.started_ms)},
                         {"ended_at", format_iso8601_ms(info.ended_ms)},
                         {"duration_secs", duration},
                         {"exit_code", info.exit_code ? nlohmann::json(*info.exit_code) : nlohmann::json(nullptr)},
                         {"session_ids", usage.session_ids},
                         {"requests", usage.requests},
                         {"tokens", store::tokens_json(usage.tokens)},
                         {"cost", store::cost_json(usage.cost)},
                         {"unpriced_models", usage.unpriced_models}};
  line["cost"]["web_search_cost"] = usage.cost.web_search;
  return line;
}

Expected<RunUsage> finish_run(const Paths& paths, const RunInfo& info) {
  const auto events = read_hook_events(paths, info.run_id);
  auto usage = collect_run_usage(paths, info, events);
  RunUsage recorded = usage ? *usage : RunUsage{};
  // Every session the hooks reported, once, in order (also when reading failed).
  for (const auto& e : events)
    if (!e.session_id.empty()) recorded.session_ids.push_back(e.session_id);
  std::vector<std::string> unique;
  for (const auto& id : recorded.session_ids)
    if (std::find(unique.begin(), unique.end(), id) == unique.end()) unique.push_back(id);
  recorded.session_ids = std::move(unique);
  auto line = session_line(info, recorded);
  // Never a silent zero: a run whose transcripts could not be read says so.
  if (!usage) line["telemetry_error"] = usage.error().message;
  if (!ensure_dir(paths.telemetry_dir(), 0755))
    return fail(errno_message("cannot create " + paths.telemetry_dir().string()));
  if (auto w = append_line_durable(paths.sessions_log(), line.dump()); !w) return tl::unexpected(w.error());
  // aggregates.json only changes when the run stored requests; skipping the
  // refresh otherwise keeps `clown run` of a request-less agent in the
  // millisecond range even with a large history.
  if (recorded.requests > 0) {
    if (auto a = reports::refresh_aggregates(paths); !a)
      std::cerr << "clown: warning: aggregates.json not refreshed: " << a.error().message << "\n";
  }
  std::error_code ec;
  fs::remove_all(paths.run_dir(info.run_id), ec);
  if (!usage) return tl::unexpected(usage.error());
  return recorded;
}

namespace {

// When an abandoned run ended: the last time its agent wrote a transcript or a
// hook fired, else when it started.
int64_t last_activity_ms(const RunInfo& info, const std::vector<HookEvent>& events) {
  int64_t last = info.started_ms;
  for (const auto& e : events) {
    last = std::max(last, e.received_ms);
    struct stat st {};
    if (!e.transcript_path.empty() && ::stat(e.transcript_path.c_str(), &st) == 0)
      last = std::max(last, static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000);
  }
  return last;
}

}  // namespace

int recover_abandoned_runs(const Paths& paths) {
  int recovered = 0;
  std::error_code ec;
  std::vector<fs::path> dirs;
  for (fs::directory_iterator it(paths.runs_dir(), ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory()) dirs.push_back(it->path());
  for (const auto& dir : dirs) {
    const auto file = dir / "run.json";
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    RunLock lock(fd);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) continue;  // its launcher, agent or another recoverer holds it
    struct stat by_fd {
    }, by_path{};
    if (::fstat(fd, &by_fd) != 0 || ::stat(file.c_str(), &by_path) != 0 || by_fd.st_ino != by_path.st_ino)
      continue;  // finished and removed while we waited
    auto text = read_file(file);
    if (!text) continue;
    auto parsed = nlohmann::json::parse(*text, nullptr, false);
    auto info = run_info_from_json(parsed);
    if (!info) continue;
    info->ended_ms = last_activity_ms(*info, read_hook_events(paths, info->run_id));
    info->exit_code.reset();
    (void)finish_run(paths, *info);
    ++recovered;
  }
  return recovered;
}

}  // namespace clown::runs
