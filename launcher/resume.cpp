#include "launcher/resume.hpp"

#include <unistd.h>

#include "common/file_io.hpp"
#include "common/time.hpp"
#include "profiles/profile_store.hpp"
#include "runs/run_finish.hpp"
#include "store/session_lookup.hpp"
#include "store/store.hpp"
#include "store/usage_types.hpp"

namespace clown::launcher {

namespace {

bool profile_exists(const Paths& paths, const std::string& alias) {
  std::error_code ec;
  return profiles::validate_alias(alias) && std::filesystem::exists(paths.profile_file(alias), ec);
}

Expected<store::SessionMatch> by_prefix(SQLite::Database& db, const std::string& prefix) {
  auto found = store::sessions_with_prefix(db, prefix);
  if (found.empty())
    return fail("no session '" + prefix + "' in clown's history (list them with: clown usage sessions --period all)",
                k_exit_usage);
  if (found.size() > 1) {
    std::string list;
    for (size_t i = 0; i < found.size() && i < 5; ++i)
      list += (i ? ", " : "") + found[i].session_id + " (" + found[i].profile + ")";
    return fail("'" + prefix + "' starts " + std::to_string(found.size()) + " sessions: " + list +
                    (found.size() > 5 ? ", …" : "") + "; give more of the id",
                k_exit_usage);
  }
  return found.front();
}

Expected<store::SessionMatch> latest(const Paths& paths, SQLite::Database& db, const std::string& profile) {
  if (!profile.empty()) TRY(profiles::load_profile(paths, profile));
  auto found = store::latest_session(
      db, [&](const std::string& p) { return profile.empty() ? profile_exists(paths, p) : p == profile; });
  if (!found)
    return fail(profile.empty() ? std::string("no session of a clown profile yet; start one with: clown run ALIAS")
                                : "no session of profile '" + profile + "' yet; start one with: clown run " + profile,
                k_exit_usage);
  return *found;
}

Expected<ResumeTarget> target_of(const Paths& paths, const store::SessionMatch& m) {
  if (m.profile == store::k_native_profile)
    return fail("session " + m.session_id +
                    " was not run by a clown profile (it comes from Claude Code's own history); resume it with: "
                    "claude --resume " +
                    m.session_id,
                k_exit_usage);
  if (!profile_exists(paths, m.profile))
    return fail("session " + m.session_id + " belongs to profile '" + m.profile + "', which no longer exists; " +
                    profiles::profiles_hint(paths),
                k_exit_usage);
  return ResumeTarget{m.session_id, m.profile, m.project};
}

}  // namespace

Expected<ResumeTarget> find_resume_target(const Paths& paths, const ResumeRequest& request) {
  if (request.last == !request.session.empty())
    return fail("give a session id (or its start), or --last", k_exit_usage);
  if (!request.last && !request.profile.empty())
    return fail("--profile goes with --last (a session id already names its profile)", k_exit_usage);
  runs::recover_abandoned_runs(paths);
  TRY_ASSIGN(auto store, store::Store::open_readonly(paths));
  try {
    TRY_ASSIGN(const auto match,
               request.last ? latest(paths, store->db(), request.profile) : by_prefix(store->db(), request.session));
    return target_of(paths, match);
  } catch (const std::exception& e) {
    return fail("cannot read sessions from " + paths.usage_db().string() + ": " + e.what());
  }
}

Expected<RunOutcome> resume_session(const Paths& paths, const ResumeRequest& request) {
  TRY_ASSIGN(const auto target, find_resume_target(paths, request));
  std::error_code ec;
  if (!target.project.empty() && std::filesystem::is_directory(target.project, ec) &&
      std::filesystem::current_path(ec) != std::filesystem::path(target.project)) {
    if (::chdir(target.project.c_str()) != 0) return fail(errno_message("cannot change to " + target.project));
  }
  std::vector<std::string> args = {"--resume", target.session_id};
  args.insert(args.end(), request.agent_args.begin(), request.agent_args.end());
  return run_profile(paths, {target.profile, std::move(args), request.clown_exe, false, request.notify});
}

}  // namespace clown::launcher
