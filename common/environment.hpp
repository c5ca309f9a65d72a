#pragma once
#include <map>
#include <string>

namespace clown {

// The current process environment as a map.
std::map<std::string, std::string> current_environment();

}  // namespace clown
