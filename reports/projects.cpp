#include "reports/projects.hpp"

#include <fnmatch.h>

#include <unordered_map>

#include "reports/report_data.hpp"

namespace clown::reports {

namespace {

// Claude Code puts a worktree for `claude --worktree` and for subagents with
// `isolation: worktree` at <project>/.claude/worktrees/<name>.
constexpr std::string_view k_worktrees = "/.claude/worktrees/";

std::string_view trim_slashes(std::string_view s) {
  while (s.size() > 1 && s.back() == '/') s.remove_suffix(1);
  return s;
}

}  // namespace

Expected<std::vector<config::ProjectAlias>> project_alias_rules(const UsageFilter& filter,
                                                                const config::Config& config) {
  std::vector<config::ProjectAlias> rules;
  for (const auto& given : filter.project_aliases) {
    size_t start = 0;
    while (start <= given.size()) {
      const size_t comma = std::min(given.find(',', start), given.size());
      const std::string item = given.substr(start, comma - start);
      start = comma + 1;
      if (item.empty()) continue;
      const auto eq = item.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
        return fail("invalid project alias '" + item + "': use PATTERN=NAME, e.g. '/work/wt/*=clown'", k_exit_usage);
      rules.push_back({item.substr(0, eq), item.substr(eq + 1)});
    }
  }
  rules.insert(rules.end(), config.project_aliases.begin(), config.project_aliases.end());
  return rules;
}

bool alias_matches(std::string_view pattern, std::string_view dir) {
  if (dir.empty()) return false;
  if (project_matches(dir, pattern)) return true;
  const std::string p(trim_slashes(pattern)), d(trim_slashes(dir));
  return ::fnmatch(p.c_str(), d.c_str(), 0) == 0;
}

std::string reported_project(std::string_view dir, const std::vector<config::ProjectAlias>& rules) {
  for (const auto& rule : rules)
    if (alias_matches(rule.pattern, dir)) return rule.name;
  if (const auto pos = dir.find(k_worktrees); pos != std::string_view::npos && pos > 0) {
    const std::string_view parent = dir.substr(0, pos);
    for (const auto& rule : rules)
      if (alias_matches(rule.pattern, parent)) return rule.name;
    return std::string(parent);
  }
  return std::string(dir);
}

void map_projects(ReportData& data, const std::vector<config::ProjectAlias>& rules) {
  const auto& strings = data.rollup->strings;
  data.project_ids.resize(strings.size());
  for (size_t i = 0; i < strings.size(); ++i) data.project_ids[i] = static_cast<int32_t>(i);
  std::vector<char> is_project(strings.size(), 0);
  for (const auto& r : data.rollup->rows) is_project[static_cast<size_t>(r.project)] = 1;
  // A reported name is one id whether it is a recorded directory too or not.
  std::unordered_map<std::string, int32_t> index;
  for (size_t i = 0; i < strings.size(); ++i)
    if (is_project[i]) index.emplace(strings[i], static_cast<int32_t>(i));
  for (size_t i = 0; i < strings.size(); ++i) {
    if (!is_project[i]) continue;
    std::string name = reported_project(strings[i], rules);
    if (name == strings[i]) continue;
    auto [it, inserted] = index.try_emplace(name, static_cast<int32_t>(strings.size() + data.extra_strings.size()));
    if (inserted) data.extra_strings.push_back(std::move(name));
    data.project_ids[i] = it->second;
  }
}

std::vector<int32_t> row_projects(const ReportData& data) {
  std::vector<int32_t> out(data.rows.size());
  std::unordered_map<int32_t, std::unordered_map<int32_t, int64_t>> by_session;
  bool any_missing = false;
  for (size_t i = 0; i < data.rows.size(); ++i) {
    const RollupRow& r = *data.rows[i];
    out[i] = data.project(r);
    if (data.str(out[i]).empty())
      any_missing = true;
    else if (!r.no_session)
      by_session[r.session][out[i]] += r.requests;
  }
  if (!any_missing) return out;
  for (size_t i = 0; i < data.rows.size(); ++i) {
    const RollupRow& r = *data.rows[i];
    if (!data.str(out[i]).empty() || r.no_session) continue;
    const auto it = by_session.find(r.session);
    if (it == by_session.end()) continue;
    int32_t best = out[i];
    int64_t best_count = -1;
    for (const auto& [project, n] : it->second)
      if (n > best_count || (n == best_count && data.str(project) < data.str(best))) best = project, best_count = n;
    out[i] = best;
  }
  return out;
}

}  // namespace clown::reports
