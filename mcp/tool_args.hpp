#pragma once
// A tool's arguments: checked against its parameter table, then turned into
// the same filter and options `clown usage` builds from its command line.
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "mcp/tools.hpp"
#include "reports/filter.hpp"

namespace clown::mcp {

// Unknown names, wrong types and missing required arguments, each with a
// message naming what the tool takes.
Expected<void> check_arguments(const ToolInfo& tool, const nlohmann::json& arguments);

// The usage filter (period, since, until, profile, model, agent, project,
// timezone, start_of_week, project_aliases) and the report options (limit,
// offset, breakdown, active, recent, token_limit, id) given.
reports::UsageFilter filter_from(const nlohmann::json& arguments);
reports::ReportOptions options_from(const nlohmann::json& arguments);

// The JSON Schema of the arguments (`inputSchema`).
nlohmann::json input_schema(const ToolInfo& tool);

}  // namespace clown::mcp
