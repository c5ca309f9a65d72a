#pragma once
// The name a project is reported under (docs/api.md#projects): the recorded
// directory (the request's cwd), unless an alias renames it (--project-aliases,
// then config.toml [project_aliases]) or it is a Claude Code worktree
// (<project>/.claude/worktrees/<name>, where subagents run with
// `isolation: worktree`), which counts for its parent project.
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "config/config.hpp"
#include "reports/filter.hpp"

namespace clown::reports {

struct ReportData;

// --project-aliases items ("PATTERN=NAME[,PATTERN=NAME...]") then config.toml's.
// A malformed item is an error (k_exit_usage) naming it.
Expected<std::vector<config::ProjectAlias>> project_alias_rules(const UsageFilter& filter,
                                                                const config::Config& config);

// A pattern matches a directory when it equals it or its last component
// (trailing '/' ignored), or matches it as an fnmatch(3) glob.
bool alias_matches(std::string_view pattern, std::string_view dir);

// The reported name of a directory under these rules.
std::string reported_project(std::string_view dir, const std::vector<config::ProjectAlias>& rules);

// Fills data.project_ids (and extra_strings) for every string of the rollup.
void map_projects(ReportData& data, const std::vector<config::ProjectAlias>& rules);

// Each row's reported project, where a row without a directory (a subagent
// line without cwd) takes its session's project.
std::vector<int32_t> row_projects(const ReportData& data);

}  // namespace clown::reports
