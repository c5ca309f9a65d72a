#pragma once
// `clown doctor`: checks what clown needs, per profile and overall, and says
// what to do about each failure. Every check is a value (no printing here);
// cli/doctor_cmd.cpp renders them, `--json` prints to_json(report).
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/paths.hpp"
#include "launcher/launch_plan.hpp"

namespace clown::doctor {

enum class Status { ok, warn, fail };
const char* to_string(Status status);

struct Check {
  std::string subject;  // "profile work", "prices", "daemon", "config", "store", "shims"
  std::string name;     // "agent binary", "api key", "endpoint", ...
  Status status = Status::ok;
  std::string detail;  // what was found
  std::string fix;     // what to do, when not ok
};

struct Report {
  std::vector<Check> checks;
  bool failed() const;  // any check failed: `clown doctor` exits 1
};

void to_json(nlohmann::json& j, const Check& check);
nlohmann::json to_json(const Report& report);

struct Options {
  std::filesystem::path clown_exe;  // clownd is next to it
  launcher::EnvMap env;             // the user's environment (keys, PATH, HOME)
  std::filesystem::path shims_dir;  // where `clown shims` writes by default
  int timeout_ms = 5000;            // per agent --version and per endpoint connect
};

Report run_doctor(const Paths& paths, const Options& options);

}  // namespace clown::doctor
