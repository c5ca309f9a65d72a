// clown usage live [--once] [--interval N]
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "common/time.hpp"
#include "live/live_screen.hpp"
#include "live/live_text.hpp"

namespace clown::cli {

namespace {

struct LiveCliOptions {
  live::LiveOptions live;
  bool once = false;
  std::string at;  // --at: the frame as of this time (reproducible --once output)
};

void run_live(const Context& ctx, const LiveCliOptions& o) {
  if (o.once || !::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO)) {
    int64_t at = now_ms();
    if (!o.at.empty()) {
      const auto parsed = parse_iso8601_ms(o.at);
      if (!parsed)
        throw Failure(
            Error{"invalid --at '" + o.at + "': use an ISO-8601 time such as 2026-11-24T09:30:00Z", k_exit_usage});
      at = *parsed;
    }
    const auto frame = unwrap(live::collect_frame(ctx.paths, o.live.filter, at, o.live.recent));
    for (const auto& line : live::frame_lines(frame, o.live.interval_secs)) std::cout << line << "\n";
    return;
  }
  unwrap(live::run_screen(ctx.paths, o.live));
}

}  // namespace

void add_usage_live_command(CLI::App& usage, Context& ctx) {
  auto o = std::make_shared<LiveCliOptions>();
  auto* cmd = usage.add_subcommand(
      "live", "Full-screen monitor: runs now, today's and this block's spend, burn rate, budgets, last requests");
  cmd->add_option("--interval", o->live.interval_secs, "seconds between refreshes (default 1)")
      ->check(CLI::Range(1, 3600));
  cmd->add_flag("--once", o->once, "print one frame as plain text and exit (also on a non-terminal)");
  cmd->add_option("--at", o->at, "with --once: the frame as of this ISO-8601 time (reproducible output)")
      ->type_name("TIME");
  cmd->add_option("--recent", o->live.recent, "requests listed (default 5)")->check(CLI::Range(0, 100));
  cmd->add_option("--profile", o->live.filter.profile, "only this clown profile")->type_name("PROFILE");
  cmd->add_option("--model", o->live.filter.model, "only this model (a prefix matches its versions)")
      ->type_name("MODEL");
  cmd->add_option("--agent", o->live.filter.agent, "only this agent")->type_name("AGENT");
  cmd->add_option("--timezone", o->live.filter.timezone, "IANA zone that cuts days (default: config.toml, else system)")
      ->type_name("ZONE");
  cmd->footer("q or Ctrl-C leaves and restores the terminal. Works without the daemon.");
  cmd->callback([&ctx, o] { run_live(ctx, *o); });
}

}  // namespace clown::cli
