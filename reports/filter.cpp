#include "reports/filter.hpp"

namespace clown::reports {

bool model_matches(std::string_view model, std::string_view wanted) {
  if (model == wanted) return true;
  return model.size() > wanted.size() && model.substr(0, wanted.size()) == wanted && model[wanted.size()] == '-';
}

bool project_matches(std::string_view project, std::string_view wanted) {
  if (project == wanted) return true;
  while (project.size() > 1 && project.back() == '/') project.remove_suffix(1);
  while (wanted.size() > 1 && wanted.back() == '/') wanted.remove_suffix(1);
  if (project == wanted) return true;
  const auto slash = project.rfind('/');
  return slash != std::string_view::npos && project.substr(slash + 1) == wanted;
}

}  // namespace clown::reports
