#pragma once
// Applying an agent definition's templates (docs/file-formats.md#agent-templates):
// the values a launch knows, and the env entries / argument groups that
// expand with them.
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/launch_plan.hpp"
#include "profiles/agent_template.hpp"

namespace clown::launcher {

// Every built-in value of docs/file-formats.md#agent-templates for this
// launch, plus the agent's [values] and those of the API's section.
profiles::TemplateValues launch_values(const LaunchInputs& in, const std::optional<profiles::ProviderEndpoint>& via);

// Sets each entry whose candidate expands (the first one that does).
void apply_env(const std::vector<profiles::EnvEntry>& entries, const profiles::TemplateValues& values, EnvMap& out);
// Appends each group whose arguments all expand.
void apply_args(const std::vector<std::vector<std::string>>& groups, const profiles::TemplateValues& values,
                std::vector<std::string>& out);
// The JSON patches of the isolated home's files; an expanded fragment that
// is not a JSON object is an error naming the agent and the file.
Expected<std::vector<HomeFileMerge>> home_file_merges(const profiles::AgentDefinition& agent,
                                                      const profiles::TemplateValues& values);
// The command line of `clown hook <event> --run <id>` as a shell runs it.
std::string hook_command(const LaunchInputs& in, const char* event);

}  // namespace clown::launcher
