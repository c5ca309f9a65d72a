#pragma once
// `clown daemon start|open`: one-time login links to the dashboard
// (docs/security.md#login), and opening one in the user's browser.
#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "webui/daemon_state.hpp"

namespace clown::webui {

// A new one-time login link from the running daemon: POST /api/login-token
// with the token from daemon.json (readable by its owner only).
Expected<std::string> login_url(const DaemonInfo& info);

struct OpenResult {
  std::string login_url;
  bool opened = false;             // handed to xdg-open
  std::filesystem::path via_file;  // the 0600 page xdg-open was given (when opened)
};

// `clown daemon open`: asks the running daemon for a login link and, when
// xdg-open is on PATH, opens it through a 0600 redirect page (a URL on a
// command line is visible to every user in /proc). Fails when no daemon runs.
Expected<OpenResult> open_dashboard(const Paths& paths);

}  // namespace clown::webui
