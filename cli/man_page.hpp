#pragma once
// clown(1), generated from the CLI definition (cli/completion_spec.hpp), so
// the man page lists exactly the commands and options --help shows.
#include <string>

#include "cli/completion_spec.hpp"

namespace clown::cli {

std::string man_page(const CommandSpec& root, const std::string& version);

}  // namespace clown::cli
