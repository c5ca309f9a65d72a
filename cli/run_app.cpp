#include "cli/run_app.hpp"

#include <iostream>

#include "common/error.hpp"

namespace clown::cli {

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
    std::cerr << "clown: error: " << e.what() << "\n";
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
