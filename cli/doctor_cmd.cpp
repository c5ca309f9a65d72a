// clown doctor [--json]: what works and what to do about what does not.
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "common/format.hpp"
#include "doctor/doctor.hpp"
#include "launcher/launcher.hpp"
#include "launcher/shims.hpp"

namespace clown::cli {

namespace {

std::string status_word(doctor::Status s, bool color) {
  switch (s) {
    case doctor::Status::ok: return color ? "\033[32mok\033[0m  " : "ok  ";
    case doctor::Status::warn: return color ? "\033[33mwarn\033[0m" : "warn";
    case doctor::Status::fail: return color ? "\033[31mFAIL\033[0m" : "FAIL";
  }
  return "?";
}

void render(std::ostream& out, const doctor::Report& report) {
  const bool color = use_color(STDOUT_FILENO);
  size_t width = 0;
  for (const auto& c : report.checks) width = std::max(width, display_width(c.subject + ": " + c.name));
  int counts[3] = {0, 0, 0};
  for (const auto& c : report.checks) {
    ++counts[static_cast<int>(c.status)];
    const std::string what = c.subject + ": " + c.name;
    out << status_word(c.status, color) << "  " << what << std::string(width - display_width(what) + 2, ' ') << c.detail
        << "\n";
    if (!c.fix.empty()) out << "      → " << c.fix << "\n";
  }
  out << "\n"
      << report.checks.size() << " checks: " << counts[0] << " ok, " << counts[1] << " warning"
      << (counts[1] == 1 ? "" : "s") << ", " << counts[2] << " failed\n";
}

}  // namespace

void set_doctor_command(CLI::App& app, Context& ctx) {
  auto json = std::make_shared<bool>(false);
  auto* doctor = app.add_subcommand(
      "doctor", "Check agents, keys, endpoints, prices, daemon, config files, store and shims; say what to fix");
  doctor->add_flag("--json", *json, "Print JSON: {ok, checks:[{subject, check, status, detail, fix}]}");
  doctor->footer("Exits 1 when a check failed (warnings do not).");
  doctor->callback([json, &ctx] {
    doctor::Options options;
    options.clown_exe = ctx.self_exe;
    options.env = launcher::current_environment();
    options.shims_dir = launcher::default_shims_dir(options.env);
    const auto report = doctor::run_doctor(ctx.paths, options);
    if (*json)
      std::cout << doctor::to_json(report).dump(2) << "\n";
    else
      render(std::cout, report);
    if (report.failed()) ctx.exit_code = k_exit_error;
  });
}

}  // namespace clown::cli
