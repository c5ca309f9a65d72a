#include "common/paths.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <system_error>

namespace clown {

Paths Paths::from_env() {
  if (const char* home = std::getenv("CLOWN_HOME"); home && *home) return Paths{fs::path(home)};
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return Paths{fs::path(xdg) / "clown"};
  const char* home = std::getenv("HOME");
  if (!home || !*home) {
    if (const passwd* pw = getpwuid(getuid())) home = pw->pw_dir;
  }
  return Paths{fs::path(home ? home : ".") / ".config" / "clown"};
}

Expected<void> ensure_dir(const fs::path& dir, unsigned mode) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return {};
  fs::create_directories(dir, ec);
  if (ec) return fail("cannot create " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), mode);
  return {};
}

}  // namespace clown
