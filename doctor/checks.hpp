#pragma once
// The groups of checks run_doctor runs, one file each.
#include <vector>

#include "doctor/doctor.hpp"

namespace clown::doctor {

// config.toml, profiles/*.toml, providers.d and agents.d parse; unknown keys warned (config_checks.cpp).
void check_config_files(const Paths& paths, std::vector<Check>& out);
// Per profile: agent binary and version, key, endpoint (profile_checks.cpp).
void check_profiles(const Paths& paths, const Options& options, std::vector<Check>& out);
// Prices, daemon and port, store integrity, shims on PATH (system_checks.cpp).
void check_prices(const Paths& paths, std::vector<Check>& out);
void check_daemon(const Paths& paths, const Options& options, std::vector<Check>& out);
void check_store(const Paths& paths, std::vector<Check>& out);
void check_shims(const Paths& paths, const Options& options, std::vector<Check>& out);

inline Check ok(std::string subject, std::string name, std::string detail) {
  return {std::move(subject), std::move(name), Status::ok, std::move(detail), ""};
}
inline Check bad(Status status, std::string subject, std::string name, std::string detail, std::string fix) {
  return {std::move(subject), std::move(name), status, std::move(detail), std::move(fix)};
}

}  // namespace clown::doctor
