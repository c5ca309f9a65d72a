#include "mcp/tool_args.hpp"

#include <string>

namespace clown::mcp {

namespace {

using nlohmann::json;

std::string_view type_name(ParamType type) {
  switch (type) {
    case ParamType::string: return "a string";
    case ParamType::integer: return "an integer";
    case ParamType::boolean: return "a boolean";
    case ParamType::string_list: return "an array of strings";
  }
  return "";
}

bool has_type(const json& value, ParamType type) {
  switch (type) {
    case ParamType::string: return value.is_string();
    case ParamType::integer: return value.is_number_integer();
    case ParamType::boolean: return value.is_boolean();
    case ParamType::string_list:
      if (!value.is_array()) return false;
      for (const auto& item : value)
        if (!item.is_string()) return false;
      return true;
  }
  return false;
}

std::string param_names(const ToolInfo& tool) {
  if (tool.params.empty()) return "none";
  std::string names;
  for (const auto& p : tool.params) names += (names.empty() ? "" : ", ") + std::string(p.name);
  return names;
}

const ToolParam* find_param(const ToolInfo& tool, std::string_view name) {
  for (const auto& p : tool.params)
    if (p.name == name) return &p;
  return nullptr;
}

std::string string_arg(const json& args, const char* name) {
  auto it = args.find(name);
  return it != args.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string_view schema_type(ParamType type) {
  switch (type) {
    case ParamType::string: return "string";
    case ParamType::integer: return "integer";
    case ParamType::boolean: return "boolean";
    case ParamType::string_list: return "array";
  }
  return "";
}

}  // namespace

Expected<void> check_arguments(const ToolInfo& tool, const json& arguments) {
  const std::string tool_name(tool.name);
  for (const auto& [key, value] : arguments.items()) {
    const ToolParam* param = find_param(tool, key);
    if (!param)
      return fail("unknown argument '" + key + "' for " + tool_name + "; it takes: " + param_names(tool), k_exit_usage);
    if (!has_type(value, param->type))
      return fail("argument '" + key + "' of " + tool_name + " must be " + std::string(type_name(param->type)),
                  k_exit_usage);
  }
  for (const auto& p : tool.params)
    if (p.required && !arguments.contains(std::string(p.name)))
      return fail(tool_name + " needs the argument '" + std::string(p.name) + "' (" + std::string(p.description) + ")",
                  k_exit_usage);
  return {};
}

reports::UsageFilter filter_from(const json& args) {
  reports::UsageFilter f;
  f.period = string_arg(args, "period");
  if (args.contains("since")) f.since = string_arg(args, "since");
  if (args.contains("until")) f.until = string_arg(args, "until");
  f.profile = string_arg(args, "profile");
  f.model = string_arg(args, "model");
  f.agent = string_arg(args, "agent");
  f.project = string_arg(args, "project");
  f.timezone = string_arg(args, "timezone");
  f.start_of_week = string_arg(args, "start_of_week");
  if (auto it = args.find("project_aliases"); it != args.end() && it->is_array())
    f.project_aliases = it->get<std::vector<std::string>>();
  return f;
}

reports::ReportOptions options_from(const json& args) {
  reports::ReportOptions o;
  o.paging.limit = args.value("limit", o.paging.limit);
  o.paging.offset = args.value("offset", o.paging.offset);
  o.breakdown = args.value("breakdown", false);
  o.blocks.active = args.value("active", false);
  o.blocks.recent = args.value("recent", false);
  o.blocks.token_limit = string_arg(args, "token_limit");
  o.session_id = string_arg(args, "id");
  return o;
}

json input_schema(const ToolInfo& tool) {
  json properties = json::object();
  json required = json::array();
  for (const auto& p : tool.params) {
    json prop = {{"type", schema_type(p.type)}, {"description", p.description}};
    if (p.type == ParamType::string_list) prop["items"] = {{"type", "string"}};
    properties[std::string(p.name)] = std::move(prop);
    if (p.required) required.push_back(p.name);
  }
  json schema = {{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) schema["required"] = std::move(required);
  return schema;
}

}  // namespace clown::mcp
