#include "reports/report_data.hpp"

#include <algorithm>

#include "profiles/profile_store.hpp"
#include "reports/projects.hpp"
#include "store/machine_id.hpp"
#include "store/session_lookup.hpp"
#include "store/store.hpp"

namespace clown::reports {

namespace {

// Runs are this machine's own (merges bring requests, not runs).
bool run_matches(const UsageFilter& f, const std::string& local_machine, const store::RunRow& r) {
  return (f.machine.empty() || f.machine == local_machine) && (f.profile.empty() || r.profile == f.profile) &&
         (f.agent.empty() || r.agent == f.agent) && (f.model.empty() || model_matches(r.model, f.model)) &&
         (f.project.empty() || project_matches(r.cwd, f.project));
}

// Decides each distinct string once, then keeps rows by index.
void filter_rows(ReportData& data, const UsageFilter& filter) {
  const auto& strings = data.rollup->strings;
  std::vector<char> ok_profile(strings.size(), 1), ok_agent(strings.size(), 1), ok_model(strings.size(), 1),
      ok_project(strings.size(), 1), ok_machine(strings.size(), 1);
  for (size_t i = 0; i < strings.size(); ++i) {
    if (!filter.machine.empty())
      ok_machine[i] = (strings[i].empty() ? data.local_machine : strings[i]) == filter.machine;
    if (!filter.profile.empty()) ok_profile[i] = strings[i] == filter.profile;
    if (!filter.agent.empty()) ok_agent[i] = strings[i] == filter.agent;
    if (!filter.model.empty()) ok_model[i] = model_matches(strings[i], filter.model);
    // The recorded directory or the name it is reported under (an alias).
    if (!filter.project.empty())
      ok_project[i] = project_matches(strings[i], filter.project) || data.str(data.project_ids[i]) == filter.project;
  }
  auto ok = [](const std::vector<char>& v, int32_t idx) { return v[static_cast<size_t>(idx)] != 0; };
  for (const auto& r : data.rollup->rows)
    if (data.period.contains(r.first_ms) && ok(ok_profile, r.profile) && ok(ok_agent, r.agent) &&
        ok(ok_model, r.model) && ok(ok_machine, r.machine))
      data.rows.push_back(&r);
  if (filter.project.empty()) return;
  // A row without a directory belongs to its session's project (reports/projects.hpp).
  const auto projects = row_projects(data);
  size_t kept = 0;
  for (size_t i = 0; i < data.rows.size(); ++i) {
    const RollupRow& r = *data.rows[i];
    const std::string& reported = data.str(projects[i]);
    const bool match = data.str(r.project).empty()
                           ? project_matches(reported, filter.project) || reported == filter.project
                           : ok(ok_project, r.project);
    if (match) data.rows[kept++] = data.rows[i];
  }
  data.rows.resize(kept);
}

}  // namespace

void dedup(std::vector<int32_t>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

std::vector<std::string> ReportData::names(std::vector<int32_t> ids) const {
  dedup(ids);
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (int32_t id : ids) out.push_back(str(id));
  std::sort(out.begin(), out.end());
  return out;
}

Expected<ReportContext> load_report_context(const Paths& paths, const UsageFilter& filter, int64_t now) {
  ReportContext context;
  TRY_ASSIGN(context.config, config::load_config(paths));
  TRY_ASSIGN(context.period, resolve_report_period(context.config, filter, now));
  return context;
}

Expected<ReportData> load_report_data(const Paths& paths, const UsageFilter& filter, const ReportContext& context,
                                      const ResolvedPeriod& range) {
  TRY_ASSIGN(const auto aliases, project_alias_rules(filter, context.config));
  TRY_ASSIGN(auto store, store::Store::open_readonly(paths));
  if (!filter.profile.empty()) TRY(check_profile_filter(paths, store->db(), filter.profile));
  ReportData data;
  data.paths = paths;
  data.period = range;
  data.config = context.config;
  data.local_machine = store::known_machine_id(paths);
  TRY_ASSIGN(data.rollup, load_rollup(paths, store->db(), range.since_ms, range.until_ms));
  map_projects(data, aliases);
  filter_rows(data, filter);
  try {
    auto runs = store::runs_started_in(store->db(), range.since_ms.value_or(std::numeric_limits<int64_t>::min()),
                                       range.until_ms.value_or(std::numeric_limits<int64_t>::max()));
    for (auto& r : runs)
      if (run_matches(filter, data.local_machine, r)) data.runs.push_back(std::move(r));
  } catch (const std::exception& e) {
    return fail("cannot read runs from " + paths.usage_db().string() + ": " + e.what());
  }
  data.period = context.period;
  return data;
}

Expected<ReportData> load_report_data(const Paths& paths, const UsageFilter& filter, int64_t now) {
  TRY_ASSIGN(const auto context, load_report_context(paths, filter, now));
  return load_report_data(paths, filter, context, context.period);
}

Expected<void> check_profile_filter(const Paths& paths, SQLite::Database& db, const std::string& profile) {
  std::error_code ec;
  if (std::filesystem::exists(paths.profile_file(profile), ec)) return {};
  try {
    if (store::profile_in_history(db, profile)) return {};
  } catch (const std::exception& e) {
    return fail("cannot read " + paths.usage_db().string() + ": " + e.what());
  }
  return fail(profiles::unknown_profile_message(paths, profile), k_exit_usage);
}

Expected<std::vector<std::string>> stored_models(const Paths& paths) {
  TRY_ASSIGN(auto store, store::Store::open_readonly(paths));
  TRY_ASSIGN(const auto rollup, load_rollup(paths, store->db(), std::nullopt, std::nullopt));
  std::vector<int32_t> ids;
  for (const auto& r : rollup->rows) ids.push_back(r.model);
  dedup(ids);
  std::vector<std::string> out;
  for (int32_t id : ids) out.push_back(rollup->strings[static_cast<size_t>(id)]);
  std::sort(out.begin(), out.end());
  return out;
}

void GroupSum::add(const RollupRow& r, bool track_models) {
  tokens += r.tokens;
  cost += r.cost;
  cost_total += r.cost_total;
  requests += r.requests;
  unpriced += r.unpriced_requests;
  if (!r.no_session && (sessions.empty() || sessions.back() != r.session)) sessions.push_back(r.session);
  if (track_models && (models.empty() || models.back() != r.model)) models.push_back(r.model);
  subagent_cost += r.subagent_cost;
  first = std::min(first, r.first_ms);
  last = std::max(last, r.last_ms);
}

void GroupSum::add_run(const store::RunRow& run) {
  runtime_secs += run.duration_secs;
  last_run_end = std::max(last_run_end, run.ended_ms > 0 ? run.ended_ms : run.started_ms);
}

int64_t GroupSum::session_count() {
  dedup(sessions);
  return static_cast<int64_t>(sessions.size());
}

std::optional<int64_t> GroupSum::last_used() const {
  const int64_t v = std::max(last, last_run_end);
  if (v == std::numeric_limits<int64_t>::min()) return std::nullopt;
  return v;
}

Group GroupSum::group() {
  Group g;
  g.tokens = tokens;
  g.cost = cost;
  g.total_cost = cost_total;
  g.requests = requests;
  g.sessions = session_count();
  g.unpriced_requests = unpriced;
  return g;
}

Totals GroupSum::totals() {
  Totals t;
  static_cast<Group&>(t) = group();
  t.runtime_secs = runtime_secs;
  return t;
}

GroupSum sum_all(const ReportData& d) {
  GroupSum total;
  for (const auto* r : d.rows) total.add(*r, false);
  for (const auto& run : d.runs) total.runtime_secs += run.duration_secs;
  return total;
}

void fill_base(const ReportData& d, ReportBase& base) {
  base.period = d.period;
  base.totals = sum_all(d).totals();
  base.unpriced_models = unpriced_models(d);
}

std::vector<std::string> unpriced_models(const ReportData& d) {
  std::vector<int32_t> ids;
  for (const auto* r : d.rows)
    if (r->unpriced_requests > 0) ids.push_back(r->model);
  return d.names(std::move(ids));
}

}  // namespace clown::reports
