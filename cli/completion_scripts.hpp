#pragma once
// Shell completion scripts generated from the CLI definition
// (cli/completion_spec.hpp): the same tables of subcommands, options and
// value kinds, with a small driver per shell. Profile aliases, providers,
// agents and models are asked from `clown __complete KIND` when completing,
// so they are always current.
#include <string>

#include "cli/completion_spec.hpp"

namespace clown::cli {

enum class Shell { bash, zsh, fish };

std::string completion_script(const CommandSpec& root, Shell shell);

}  // namespace clown::cli
