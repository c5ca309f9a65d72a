#include "reports/session_detail.hpp"

#include <algorithm>
#include <map>

#include "reports/projects.hpp"
#include "reports/report_data.hpp"
#include "store/store.hpp"
#include "store/subagents_table.hpp"

namespace clown::reports {

namespace {

// Subagent requests recorded before clown read `agentId` (schema < 4) have
// no agent id; they are grouped under this one.
constexpr const char* k_unknown_agent = "unknown";

struct Found {
  std::string id;
  int64_t first_ms = 0, last_ms = 0;
};

// The one session the id names, with the time range of its rows.
Expected<Found> find_session(const ReportData& d, const std::string& wanted) {
  if (wanted.empty()) return fail("name a session: clown usage session <id-or-prefix>", k_exit_usage);
  // Each distinct string is compared once, rows then by index.
  const auto& strings = d.rollup->strings;
  std::vector<char> prefixed(strings.size());
  for (size_t i = 0; i < strings.size(); ++i) prefixed[i] = strings[i].compare(0, wanted.size(), wanted) == 0;
  std::map<std::string, Found> matches;
  for (const auto* r : d.rows) {
    if (r->no_session || !prefixed[static_cast<size_t>(r->session)]) continue;
    const std::string& id = d.str(r->session);
    auto [it, inserted] = matches.try_emplace(id, Found{id, r->first_ms, r->last_ms});
    it->second.first_ms = std::min(it->second.first_ms, r->first_ms);
    it->second.last_ms = std::max(it->second.last_ms, r->last_ms);
  }
  if (const auto exact = matches.find(wanted); exact != matches.end()) return exact->second;
  if (matches.size() == 1) return matches.begin()->second;
  if (matches.empty())
    return fail("no session '" + wanted + "' in " + (d.period.period == "all" ? "the store" : "this period") +
                    ": list them with `clown usage sessions --period all`",
                k_exit_usage);
  std::string names;
  size_t shown = 0;
  for (const auto& [id, f] : matches) {
    if (shown++ == 5) {
      names += ", …";
      break;
    }
    names += (names.empty() ? "" : ", ") + id;
  }
  return fail("session prefix '" + wanted + "' matches " + std::to_string(matches.size()) + " sessions (" + names +
                  "): give more of the id",
              k_exit_usage);
}

// The filter as report rows apply it (reports/report_data.cpp), on one request.
bool keep(const UsageFilter& f, const ReportData& d, const std::vector<config::ProjectAlias>& aliases,
          const store::RequestQuery& q) {
  using C = store::RequestColumn;
  const auto project = q.text(C::project);
  return d.period.contains(q.int64(C::ts_ms)) && (f.profile.empty() || q.text(C::profile) == f.profile) &&
         (f.agent.empty() || q.text(C::agent) == f.agent) &&
         (f.model.empty() || model_matches(q.text(C::model), f.model)) &&
         (f.project.empty() || project_matches(project, f.project) || reported_project(project, aliases) == f.project);
}

// Sums of the main agent or one subagent while requests are read.
struct AgentSum {
  Group group;
  int64_t first = 0, last = 0;
  std::vector<std::string> models;
  void add(int64_t ts, std::string_view model, const store::TokenCounts& tokens, const store::CostParts& cost,
           double total_cost, bool priced) {
    if (group.requests == 0) first = ts;
    last = ts;
    group.tokens += tokens;
    group.cost += cost;
    group.total_cost += total_cost;
    group.requests += 1;
    group.sessions = 1;
    if (!priced) group.unpriced_requests += 1;
    if (std::find(models.begin(), models.end(), model) == models.end()) models.emplace_back(model);
  }
  AgentGroup done(const std::string& id, double session_cost) {
    AgentGroup g;
    static_cast<Group&>(g) = group;
    g.agent_id = id;
    g.share = session_cost > 0 ? group.total_cost / session_cost : 0.0;
    g.first_ms = first;
    g.last_ms = last;
    std::sort(models.begin(), models.end());
    g.models = models;
    return g;
  }
};

using AgentSums = std::map<std::string, AgentSum, std::less<>>;
// Keyed by query_source and role.
using SourceSums = std::map<std::pair<std::string, RequestRole>, Group>;

// Reads the session's requests (by time range through the ts_ms index, then
// by session id): every one is summed, the page of them is kept, oldest
// first with a running total.
void read_requests(SQLite::Database& db, const UsageFilter& f, const ReportData& d,
                   const std::vector<config::ProjectAlias>& aliases, const Found& s, const Paging& page,
                   SessionReport& r, AgentSums& agents, AgentSum& main, SourceSums& sources) {
  using C = store::RequestColumn;
  store::RequestQuery q(
      db,
      std::vector<C>{C::ts_ms, C::session_id, C::profile, C::agent, C::model, C::project, C::sidechain, C::subagent,
                     C::query_source, C::source, C::cost_total, C::priced} +
          store::token_columns() + store::cost_columns(),
      "WHERE ts_ms >= ? AND ts_ms <= ? AND session_id = ? ORDER BY ts_ms, id");
  q.sql().bind(1, s.first_ms).bind(2, s.last_ms).bind(3, std::string_view(s.id));
  double running = 0;
  int64_t index = -1;
  while (q.next()) {
    if (!keep(f, d, aliases, q)) continue;
    ++index;
    const int64_t ts = q.int64(C::ts_ms);
    const auto source = q.text(C::source);
    std::string_view subagent = q.text(C::subagent);
    const RequestRole role = request_role(q.text(C::query_source), q.int64(C::sidechain) != 0, subagent,
                                          store::request_source_from(source).value_or(store::RequestSource::import));
    if (role == RequestRole::subagent && subagent.empty()) subagent = k_unknown_agent;
    const double total_cost = q.real(C::cost_total);
    running += total_cost;
    AgentSum* sum = &main;
    if (role == RequestRole::subagent) {
      auto it = agents.find(subagent);
      sum = &(it != agents.end() ? it->second : agents.emplace(std::string(subagent), AgentSum{}).first->second);
    }
    sum->add(ts, q.text(C::model), q.tokens(), q.cost(), total_cost, q.int64(C::priced) != 0);
    Group& by_source = sources[{std::string(q.text(C::query_source)), role}];
    by_source.tokens += q.tokens();
    by_source.cost += q.cost();
    by_source.total_cost += total_cost;
    by_source.requests += 1;
    if (q.int64(C::priced) == 0) by_source.unpriced_requests += 1;
    r.last_cumulative = running;
    if (index < page.offset || (page.limit > 0 && index >= page.offset + page.limit)) continue;
    SessionRequest req;
    req.ts_ms = ts;
    req.model = q.text(C::model);
    req.query_source = q.text(C::query_source);
    req.role = role;
    req.subagent = role == RequestRole::subagent ? std::string(subagent) : std::string();
    req.source = source;
    req.tokens = q.tokens();
    req.cost = q.cost();
    req.total_cost = total_cost;
    req.cumulative_cost = running;
    req.priced = q.int64(C::priced) != 0;
    r.requests.push_back(std::move(req));
  }
}

}  // namespace

RequestRole request_role(std::string_view qs, bool sidechain, std::string_view subagent, store::RequestSource source) {
  if (sidechain || !subagent.empty()) return RequestRole::subagent;
  if (qs == "repl_main_thread" || qs == "sdk") return RequestRole::main;
  if (qs == "generate_session_title") return RequestRole::title;
  if (qs == "compact") return RequestRole::compaction;
  if (qs.rfind("agent", 0) == 0) return RequestRole::subagent;
  if (!qs.empty()) return RequestRole::other;
  const bool transcript = source == store::RequestSource::run || source == store::RequestSource::import;
  return transcript ? RequestRole::main : RequestRole::other;
}

const char* to_string(RequestRole role) {
  switch (role) {
    case RequestRole::main: return "main";
    case RequestRole::subagent: return "subagent";
    case RequestRole::title: return "title";
    case RequestRole::compaction: return "compaction";
    case RequestRole::other: return "other";
  }
  return "other";
}

Expected<SessionReport> session_report(const Paths& paths, const UsageFilter& filter, const ReportOptions& options,
                                       int64_t now) {
  TRY_ASSIGN(const auto data, load_report_data(paths, filter, now));
  TRY_ASSIGN(const auto found, find_session(data, options.session_id));
  SessionReport r;
  r.period = data.period;
  r.session_id = found.id;
  GroupSum sum;
  for (const auto* row : data.rows)
    if (!row->no_session && data.str(row->session) == found.id) {
      sum.add(*row, true);
      sum.profile_requests[row->profile] += row->requests;
      sum.project_requests[data.project(*row)] += row->requests;
    }
  r.models = data.names(sum.models);
  auto dominant = [&](const std::unordered_map<int32_t, int64_t>& counts) {
    int32_t best = -1;
    for (const auto& [idx, n] : counts)
      if (best < 0 || n > counts.at(best) || (n == counts.at(best) && data.str(idx) < data.str(best))) best = idx;
    return best < 0 ? std::string() : data.str(best);
  };
  r.profile = dominant(sum.profile_requests);
  r.project = dominant(sum.project_requests);
  r.first_ms = found.first_ms;
  r.last_ms = found.last_ms;
  TRY_ASSIGN(const auto aliases, project_alias_rules(filter, data.config));
  TRY_ASSIGN(auto store, store::Store::open_readonly(paths));
  AgentSums agents;
  AgentSum main;
  SourceSums sources;
  try {
    read_requests(store->db(), filter, data, aliases, found, options.paging, r, agents, main, sources);
    // The totals are the listed requests' (so the table and its total agree).
    static_cast<Group&>(r.totals) = main.group;
    for (const auto& [id, a] : agents) {
      r.totals.tokens += a.group.tokens;
      r.totals.cost += a.group.cost;
      r.totals.total_cost += a.group.total_cost;
      r.totals.requests += a.group.requests;
      r.totals.unpriced_requests += a.group.unpriced_requests;
    }
    r.totals.sessions = r.totals.requests > 0 ? 1 : 0;
    // The same sum in time order as the cumulative column, so the last row equals the total exactly.
    if (r.totals.requests > 0) r.totals.total_cost = r.last_cumulative;
    r.limit = options.paging.limit;
    r.offset = options.paging.offset;
    r.main = main.done("", r.totals.total_cost);
    std::map<std::string, store::SubagentRow> named;
    for (auto& s : store::subagents_of(store->db(), found.id)) named.emplace(s.agent_id, std::move(s));
    for (auto& [id, a] : agents) {
      AgentGroup g = a.done(id, r.totals.total_cost);
      if (const auto it = named.find(id); it != named.end()) {
        g.agent_type = it->second.agent_type;
        g.description = it->second.description;
      }
      r.subagents.push_back(std::move(g));
    }
  } catch (const std::exception& e) {
    return fail("cannot read session " + found.id + " from " + paths.usage_db().string() + ": " + e.what());
  }
  for (const auto& [key, group] : sources) {
    QuerySourceRow row;
    static_cast<Group&>(row) = group;
    row.sessions = 1;
    row.query_source = key.first;
    row.kind = to_string(key.second);
    r.by_query_source.push_back(std::move(row));
  }
  std::stable_sort(r.by_query_source.begin(), r.by_query_source.end(),
                   [](const QuerySourceRow& a, const QuerySourceRow& b) { return a.total_cost > b.total_cost; });
  std::sort(r.subagents.begin(), r.subagents.end(), [](const AgentGroup& a, const AgentGroup& b) {
    return a.first_ms != b.first_ms ? a.first_ms < b.first_ms : a.agent_id < b.agent_id;
  });
  std::vector<int32_t> unpriced;
  for (const auto* row : data.rows)
    if (!row->no_session && row->unpriced_requests > 0 && data.str(row->session) == found.id)
      unpriced.push_back(row->model);
  r.unpriced_models = data.names(std::move(unpriced));
  return r;
}

}  // namespace clown::reports
