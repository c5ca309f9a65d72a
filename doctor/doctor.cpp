#include "doctor/doctor.hpp"

#include <algorithm>

#include "doctor/checks.hpp"

namespace clown::doctor {

const char* to_string(Status status) {
  switch (status) {
    case Status::ok: return "ok";
    case Status::warn: return "warn";
    case Status::fail: return "fail";
  }
  return "?";
}

bool Report::failed() const {
  return std::any_of(checks.begin(), checks.end(), [](const Check& c) { return c.status == Status::fail; });
}

void to_json(nlohmann::json& j, const Check& c) {
  j = {{"subject", c.subject}, {"check", c.name}, {"status", to_string(c.status)}, {"detail", c.detail}};
  j["fix"] = c.fix.empty() ? nlohmann::json() : nlohmann::json(c.fix);
}

nlohmann::json to_json(const Report& report) { return {{"ok", !report.failed()}, {"checks", report.checks}}; }

Report run_doctor(const Paths& paths, const Options& options) {
  Report report;
  check_config_files(paths, report.checks);
  check_profiles(paths, options, report.checks);
  check_prices(paths, report.checks);
  check_daemon(paths, options, report.checks);
  check_store(paths, report.checks);
  check_shims(paths, options, report.checks);
  return report;
}

}  // namespace clown::doctor
