#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/commands.hpp"
#include "common/error.hpp"

namespace clown::cli {

void exec_clownd(const Context& ctx, const std::vector<std::string>& args) {
  // clownd is installed next to clown (same directory, see install.sh).
  const auto clownd = ctx.self_exe.parent_path() / "clownd";
  std::vector<std::string> argv_strings{clownd.string()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  ::execv(clownd.c_str(), argv.data());
  throw Failure(clown::Error{"cannot start " + clownd.string() + ": " + std::strerror(errno) +
                                 " (reinstall clown: clownd must sit next to clown)",
                             k_exit_error});
}

}  // namespace clown::cli
