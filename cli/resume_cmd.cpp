// clown resume SESSION | --last [--profile P]: reopen a session under the
// profile that owns it.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "launcher/resume.hpp"

namespace clown::cli {

void set_resume_command(CLI::App& app, Context& ctx) {
  auto request = std::make_shared<launcher::ResumeRequest>();
  auto* resume = app.add_subcommand(
      "resume",
      "Reopen an agent session under its profile: clown resume SESSION-ID (or its start) | --last [-- AGENT ARGS]");
  resume->add_option("session", request->session, "Session id, or enough of its start to be unique")
      ->type_name("SESSION");
  resume->add_flag("--last", request->last, "The most recent session of a clown profile");
  resume->add_option("--profile", request->profile, "With --last: the most recent session of this profile")
      ->type_name("PROFILE");
  resume->footer(
      "Runs `clown run PROFILE -- --resume SESSION-ID` in the directory the session ran in, so the\n"
      "session keeps its config dir, provider and key, and its new requests count for the same profile.\n"
      "Session ids: clown usage sessions. Arguments after `--` go to the agent after the session id.\n"
      "Exits with the agent's exit status.");
  resume->callback([request, &ctx] {
    request->clown_exe = ctx.self_exe;
    request->agent_args = ctx.run_args;
    request->notify = [](const std::string& line) { std::cerr << "clown: " << line << "\n"; };
    const auto outcome = unwrap(launcher::resume_session(ctx.paths, *request));
    for (const auto& w : outcome.warnings) std::cerr << "clown: warning: " << w << "\n";
    for (const auto& n : outcome.notices) std::cerr << "clown: " << n << "\n";
    ctx.exit_code = outcome.exit_code;
  });
}

}  // namespace clown::cli
