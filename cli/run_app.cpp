#include "cli/run_app.hpp"

#include <iostream>
#include <optional>

#include "common/error.hpp"
#include "common/suggest.hpp"

namespace clown::cli {

namespace {

// The deepest subcommand the parse selected (the app itself when none).
const CLI::App* deepest_selected(const CLI::App& app) {
  const CLI::App* cur = &app;
  for (;;) {
    auto selected = cur->get_subcommands();
    if (selected.empty()) return cur;
    cur = selected.back();
  }
}

// A word CLI11 could not place where a subcommand was expected: "unknown
// command 'usgae'; did you mean 'usage'?". CLI11 itself reports it as "A
// subcommand is required" or "argument was not expected".
std::optional<std::string> unknown_command(const CLI::App& app) {
  const CLI::App* cur = deepest_selected(app);
  std::vector<std::string> names;
  for (const auto* sub : cur->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
    names.push_back(sub->get_name());
  if (names.empty()) return std::nullopt;
  for (const auto& word : app.remaining(true)) {
    if (word.empty() || word[0] == '-') continue;
    auto message = "unknown command '" + word + "'" + did_you_mean(word, names);
    if (message.find("did you mean") == std::string::npos) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      message +=
          " (" + (cur == &app ? std::string("commands") : "commands of '" + cur->get_name() + "'") + ": " + list + ")";
    }
    return message;
  }
  return std::nullopt;
}

}  // namespace

int run_app(CLI::App& app, const std::vector<std::string>& args, const int& exit_code) {
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const auto unknown = unknown_command(app);
    std::cerr << "clown: error: " << (unknown ? *unknown : std::string(e.what())) << "\n";
    std::cerr << "Run '" << app.get_name() << " --help' (or '" << app.get_name() << " <command> --help') for usage.\n";
    return k_exit_usage;
  } catch (const Failure& e) {
    std::cout.flush();
    std::cerr << "clown: error: " << e.error().message << "\n";
    return e.error().exit_code;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "clown: error: " << e.what() << "\n";
    return k_exit_error;
  }
  std::cout.flush();
  return exit_code;
}

}  // namespace clown::cli
