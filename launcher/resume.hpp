#pragma once
// `clown resume`: reopen an agent session under the profile that owns it, so
// the resumed session gets the same config dir, provider and key (Claude
// Code's own hint, `claude --settings <file> --resume …`, names a settings
// file clown removed when the run ended).
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "launcher/launcher.hpp"

namespace clown::launcher {

struct ResumeRequest {
  std::string session;  // a session id or the start of one; empty with `last`
  bool last = false;    // the most recent session (of `profile` when given)
  std::string profile;
  std::vector<std::string> agent_args;  // after --resume <id>
  std::filesystem::path clown_exe;
  std::function<void(const std::string&)> notify;  // RunRequest::notify
};

struct ResumeTarget {
  std::string session_id;
  std::string profile;
  std::string project;  // the directory the session ran in ('' when unknown)
};

// The session the request names, from the store (runs whose launcher was
// killed are recorded first). Unknown, ambiguous, imported (claude-native)
// sessions and sessions of deleted profiles are k_exit_usage errors that say
// what to do.
Expected<ResumeTarget> find_resume_target(const Paths& paths, const ResumeRequest& request);

// Runs the owning profile with `--resume <id>` in the session's directory
// (Claude Code finds a session by the directory it ran in).
Expected<RunOutcome> resume_session(const Paths& paths, const ResumeRequest& request);

}  // namespace clown::launcher
