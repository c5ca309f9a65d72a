#pragma once
// The one CLI definition (the CLI11 app main.cpp builds) read back as plain
// data, for the shell completions and the man page: commands, their options
// and positionals, and what kind of value each takes.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace clown::cli {

// What a value is completed with. Options say it with their type name
// (add_option(...)->type_name("PROFILE")), or list their choices with a
// CLI::IsMember check.
enum class ValueKind { none, text, profile, provider, agent, model, period, shell, directory, file, choice };

struct OptionSpec {
  std::vector<std::string> names;  // "--profile", "-h"
  bool takes_value = false;
  ValueKind kind = ValueKind::none;
  std::vector<std::string> choices;  // kind == choice (or period, shell: filled in)
  std::string type_name;             // as --help shows it, e.g. PROFILE
  std::string help;
};

struct PositionalSpec {
  std::string name;
  ValueKind kind = ValueKind::text;
  std::vector<std::string> choices;
  std::string type_name;
  bool repeats = false;  // takes any number of values
  bool required = false;
  std::string help;
};

struct CommandSpec {
  std::vector<std::string> path;  // {"clown", "profiles", "create"}
  std::string help;
  std::string footer;
  std::vector<OptionSpec> options;
  std::vector<PositionalSpec> positionals;
  std::vector<CommandSpec> subcommands;  // without hidden ("") and Internal ones

  std::string joined() const;  // "clown profiles create"
};

CommandSpec describe(const CLI::App& app);

// Every command of the tree, depth first, the root first.
std::vector<const CommandSpec*> flatten(const CommandSpec& root);

}  // namespace clown::cli
