#include "webui/daemon_open.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <httplib.h>

#include <cstdlib>
#include <cstring>

#include "common/file_io.hpp"
#include "webui/daemon_control.hpp"

extern char** environ;

namespace clown::webui {

namespace {

// The first executable `name` on PATH, empty when there is none.
std::filesystem::path find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  size_t pos = 0;
  while (pos <= dirs.size()) {
    size_t end = dirs.find(':', pos);
    if (end == std::string::npos) end = dirs.size();
    if (end > pos) {
      std::filesystem::path candidate = std::filesystem::path(dirs.substr(pos, end - pos)) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    pos = end + 1;
  }
  return {};
}

// Starts xdg-open on the file without waiting for it (it may wait for the browser).
Expected<void> spawn_opener(const std::filesystem::path& opener, const std::filesystem::path& file) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  const std::string program = opener.string();
  const std::string url = "file://" + file.string();
  char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>(url.c_str()), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return fail("cannot run " + program + ": " + std::strerror(rc));
  return {};
}

}  // namespace

Expected<std::string> login_url(const DaemonInfo& info) {
  httplib::Client client("127.0.0.1", info.port);
  client.set_connection_timeout(3, 0);
  client.set_read_timeout(10, 0);
  auto res = client.Post("/api/login-token", httplib::Headers{{"X-Clown-Token", info.token}}, "{}", "application/json");
  if (!res || res->status != 200)
    return fail("the daemon (pid " + std::to_string(info.pid) + ") did not give a login link" +
                (res ? " (HTTP " + std::to_string(res->status) + ")" : std::string()) + "; see " + info.log_file);
  nlohmann::json body = nlohmann::json::parse(res->body, nullptr, false);
  if (body.is_discarded() || !body.contains("data") || !body["data"].contains("login_url") ||
      !body["data"]["login_url"].is_string())
    return fail("the daemon (pid " + std::to_string(info.pid) + ") answered a malformed login link; see " +
                info.log_file);
  return body["data"]["login_url"].get<std::string>();
}

Expected<OpenResult> open_dashboard(const Paths& paths) {
  const DaemonStatus status = daemon_status(paths);
  if (!status.running || !status.info) return fail("clown daemon is not running; start it with: clown daemon start");
  OpenResult result;
  TRY_ASSIGN(result.login_url, login_url(*status.info));
  const std::filesystem::path opener = find_on_path("xdg-open");
  if (opener.empty()) return result;
  std::error_code ec;
  result.via_file = std::filesystem::absolute(paths.root / "login.html", ec);
  TRY(write_file_atomic(
      result.via_file,
      "<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url=" + result.login_url +
          "\"><title>clown</title><p><a href=\"" + result.login_url + "\">Open the clown dashboard</a></p>\n",
      0600));
  TRY(spawn_opener(opener, result.via_file));
  result.opened = true;
  return result;
}

}  // namespace clown::webui
