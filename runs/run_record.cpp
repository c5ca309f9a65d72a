#include "runs/run_record.hpp"

#include <unistd.h>

#include <algorithm>
#include <system_error>

#include "common/file_io.hpp"
#include "common/time.hpp"

namespace clown::runs {

namespace fs = std::filesystem;

nlohmann::json to_json(const RunInfo& info) {
  nlohmann::json j = {{"run_id", info.run_id},
                      {"profile", info.profile},
                      {"agent_id", info.agent_id},
                      {"provider_id", info.provider_id},
                      {"model", info.model},
                      {"cwd", info.cwd},
                      {"config_dir", info.config_dir},
                      {"usage_reader", info.usage_reader},
                      {"usage_dir", info.usage_dir},
                      {"isolated", info.isolated},
                      {"session_id", info.session_id},
                      {"telemetry_file", info.telemetry_file},
                      {"started_ms", info.started_ms},
                      {"started_at", format_iso8601_ms(info.started_ms)},
                      {"launcher_pid", info.launcher_pid},
                      {"otel", info.otel}};
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
    info.usage_reader = j.value("usage_reader", "");
    info.usage_dir = j.value("usage_dir", "");
    info.isolated = j.value("isolated", false);
    info.session_id = j.value("session_id", "");
    info.telemetry_file = j.value("telemetry_file", "");
    info.started_ms = j.at("started_ms").get<int64_t>();
    info.ended_ms = j.value("ended_ms", int64_t{0});
    if (j.contains("exit_code") && j["exit_code"].is_number_integer()) info.exit_code = j["exit_code"].get<int>();
    info.launcher_pid = j.value("launcher_pid", 0);
    info.otel = j.value("otel", "off");
    return info;
  } catch (const nlohmann::json::exception& e) {
    return fail(std::string("malformed run record: ") + e.what());
  }
}

Expected<FileLock> write_run_start(const Paths& paths, const RunInfo& info) {
  const auto dir = paths.run_dir(info.run_id);
  TRY(ensure_dir(paths.runs_dir(), 0700));
  TRY(ensure_dir(dir, 0700));
  const auto file = dir / "run.json";
  TRY_ASSIGN(auto lock, FileLock::acquire(file, FileLock::Wait::block, 0600, FileLock::Inherit::yes));
  const std::string text = to_json(info).dump() + "\n";
  if (::ftruncate(lock.fd(), 0) != 0 ||
      ::pwrite(lock.fd(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
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

std::vector<std::string> session_ids_of(const std::vector<HookEvent>& events) {
  std::vector<std::string> ids;
  for (const auto& e : events)
    if (!e.session_id.empty() && std::find(ids.begin(), ids.end(), e.session_id) == ids.end())
      ids.push_back(e.session_id);
  return ids;
}

}  // namespace clown::runs
