#include "mcp/tools.hpp"

#include "mcp/tool_args.hpp"
#include "profiles/profile_store.hpp"
#include "registry/price_view.hpp"
#include "registry/pricing_table.hpp"
#include "reports/report_json.hpp"
#include "runs/run_finish.hpp"

namespace clown::mcp {

namespace {

using nlohmann::json;

// The filters every `clown usage` command takes (cli/usage_cmd.cpp), under
// the same names (start_of_week, project_aliases with '_').
#define CLOWN_MCP_FILTER_PARAMS                                                                                \
  ToolParam{"period", ParamType::string, "today|yesterday|week|month|7d|30d|all (default: the report's own)"}, \
      ToolParam{"since", ParamType::string, "first day YYYY-MM-DD (inclusive) or an ISO-8601 time"},           \
      ToolParam{"until", ParamType::string, "last day YYYY-MM-DD (inclusive) or an ISO-8601 time"},            \
      ToolParam{"profile", ParamType::string, "only this clown profile (claude-native: imported history)"},    \
      ToolParam{"model", ParamType::string, "only this model (a prefix matches its versions)"},                \
      ToolParam{"agent", ParamType::string, "only this agent (claude, codex, gemini, opencode)"},              \
      ToolParam{"project", ParamType::string, "only this project directory (full path or last component)"},    \
      ToolParam{"timezone", ParamType::string, "IANA zone that cuts days, e.g. Europe/Berlin"},                \
      ToolParam{"start_of_week", ParamType::string, "monday..sunday: first day of a week"}, ToolParam {        \
    "project_aliases", ParamType::string_list, "PATTERN=NAME entries: report matching projects as NAME"        \
  }

constexpr ToolParam k_filter_params[] = {CLOWN_MCP_FILTER_PARAMS};
constexpr ToolParam k_daily_params[] = {CLOWN_MCP_FILTER_PARAMS,
                                        {"breakdown", ParamType::boolean, "a row per model under each day"}};
constexpr ToolParam k_sessions_params[] = {CLOWN_MCP_FILTER_PARAMS,
                                           {"limit", ParamType::integer, "sessions per page (default 100; 0 = all)"},
                                           {"offset", ParamType::integer, "sessions to skip (default 0)"}};
constexpr ToolParam k_session_params[] = {{"id", ParamType::string, "session id or a unique prefix", true},
                                          CLOWN_MCP_FILTER_PARAMS,
                                          {"limit", ParamType::integer, "requests listed (default 100; 0 = all)"},
                                          {"offset", ParamType::integer, "requests to skip (default 0)"}};
constexpr ToolParam k_blocks_params[] = {
    CLOWN_MCP_FILTER_PARAMS,
    {"active", ParamType::boolean, "only the active block, with its burn rate and projection"},
    {"recent", ParamType::boolean, "blocks of the last 3 days"},
    {"token_limit", ParamType::string, "N or max (the highest past block): percentage used"}};
constexpr ToolParam k_pricing_params[] = {
    {"model", ParamType::string, "model name as the agent reports it, e.g. claude-sonnet-4-5-20250929", true}};

#undef CLOWN_MCP_FILTER_PARAMS

constexpr ToolInfo k_tools[] = {
    {ToolId::usage_summary, "usage_summary",
     "Token usage and cost totals with per-model/profile/agent aggregates and budgets (clown usage --json).",
     k_filter_params},
    {ToolId::usage_daily, "usage_daily", "Usage and cost per day (clown usage daily --json).", k_daily_params},
    {ToolId::usage_sessions, "usage_sessions",
     "Usage and cost per session, newest first (clown usage sessions --json).", k_sessions_params},
    {ToolId::usage_session_detail, "usage_session_detail",
     "One session's requests and subagents (clown usage session ID --json).", k_session_params},
    {ToolId::usage_blocks, "usage_blocks",
     "5-hour billing blocks with burn rate and projection (clown usage blocks --json).", k_blocks_params},
    {ToolId::pricing_show, "pricing_show",
     "The price entry a model name resolves to, and why (clown pricing show MODEL --json).", k_pricing_params},
    {ToolId::profiles_list,
     "profiles_list",
     "clown's profiles: alias, agent, provider, model, key source; never the keys (clown profiles list --json).",
     {}},
    {ToolId::budget_status, "budget_status",
     "Spend against each configured budget and its level (clown usage budget --json).", k_filter_params},
};

std::string dump(const json& value) { return value.dump(2, ' ', false, json::error_handler_t::replace); }

Expected<ToolOutput> report_output(const Paths& paths, const json& args, reports::ReportKind kind, int64_t now_ms) {
  TRY_ASSIGN(auto report, runs::report_with_recovery(paths, filter_from(args), kind, options_from(args), now_ms));
  json value = reports::to_json(report);
  return ToolOutput{dump(value), std::move(value), {}};
}

Expected<ToolOutput> pricing_output(const Paths& paths, const json& args) {
  const auto model = args.at("model").get<std::string>();
  auto loaded = registry::load_pricing(paths);
  auto match = loaded.pricing.table.lookup(model);
  if (!match)
    return fail("no price for model '" + model + "' in the " + registry::to_string(loaded.pricing.source.kind) +
                " pricing table (no exact, normalized or boundary match); its usage is reported as unpriced");
  const auto ordered = registry::price_match_json(model, *match, loaded.pricing.source);
  return ToolOutput{ordered.dump(2, ' ', false, json::error_handler_t::replace), json::parse(ordered.dump()),
                    loaded.warning};
}

ToolOutput profiles_output(const Paths& paths) {
  auto listing = profiles::list_profiles(paths);
  json list = json::array();
  for (const auto& p : listing.profiles) list.push_back(profiles::to_public_json(paths, p));
  std::string warning;
  for (const auto& b : listing.broken) warning += (warning.empty() ? "" : "; ") + ("skipping unreadable profile " + b);
  // structuredContent must be an object (MCP CallToolResult).
  return ToolOutput{dump(list), json{{"profiles", list}}, warning};
}

}  // namespace

std::span<const ToolInfo> tools() { return k_tools; }

const ToolInfo* find_tool(std::string_view name) {
  for (const auto& t : k_tools)
    if (t.name == name) return &t;
  return nullptr;
}

json tool_json(const ToolInfo& tool) {
  return {{"name", tool.name}, {"description", tool.description}, {"inputSchema", input_schema(tool)}};
}

Expected<ToolOutput> call_tool(const Paths& paths, const ToolInfo& tool, const json& arguments, int64_t now_ms) {
  TRY(check_arguments(tool, arguments));
  using reports::ReportKind;
  switch (tool.id) {
    case ToolId::usage_summary: return report_output(paths, arguments, ReportKind::summary, now_ms);
    case ToolId::usage_daily: return report_output(paths, arguments, ReportKind::daily, now_ms);
    case ToolId::usage_sessions: return report_output(paths, arguments, ReportKind::sessions, now_ms);
    case ToolId::usage_session_detail: return report_output(paths, arguments, ReportKind::session, now_ms);
    case ToolId::usage_blocks: return report_output(paths, arguments, ReportKind::blocks, now_ms);
    case ToolId::budget_status: return report_output(paths, arguments, ReportKind::budget, now_ms);
    case ToolId::pricing_show: return pricing_output(paths, arguments);
    case ToolId::profiles_list: return profiles_output(paths);
  }
  return fail("unknown tool");
}

}  // namespace clown::mcp
