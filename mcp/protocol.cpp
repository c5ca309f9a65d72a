#include "mcp/protocol.hpp"

#include <istream>
#include <ostream>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "mcp/tools.hpp"

namespace clown::mcp {

namespace {

using nlohmann::json;

// What a response goes back to: the request's id, or null when the id could
// not be read (JSON-RPC 2.0 section 5).
json error_response(const json& id, int code, const std::string& message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

json result_response(const json& id, json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

// MCP's RequestId is a string or a number; JSON-RPC advises against
// fractions and MCP forbids null.
bool valid_id(const json& id) { return id.is_string() || id.is_number_integer(); }

std::string negotiate(const json& params) {
  auto it = params.find("protocolVersion");
  if (it != params.end() && it->is_string())
    for (auto v : k_protocol_versions)
      if (*it == v) return std::string(v);
  return std::string(k_protocol_versions[0]);
}

json tools_list() {
  json list = json::array();
  for (const auto& t : tools()) list.push_back(tool_json(t));
  return {{"tools", std::move(list)}};
}

json tool_result(Expected<ToolOutput> output) {
  if (!output)
    return {{"content", json::array({{{"type", "text"}, {"text", output.error().message}}})}, {"isError", true}};
  json content = json::array({{{"type", "text"}, {"text", output->text}}});
  if (!output->warning.empty()) content.push_back({{"type", "text"}, {"text", "warning: " + output->warning}});
  return {{"content", std::move(content)}, {"structuredContent", std::move(output->structured)}, {"isError", false}};
}

}  // namespace

struct Dispatch {
  const Paths& paths;
  const std::string& version;
  std::string& protocol_version;

  json initialize(const json& id, const json& params) {
    if (!params.contains("protocolVersion") || !params["protocolVersion"].is_string())
      return error_response(id, k_invalid_params, "Invalid params: initialize needs a protocolVersion string");
    protocol_version = negotiate(params);
    return result_response(
        id, {{"protocolVersion", protocol_version},
             {"capabilities", {{"tools", {{"listChanged", false}}}}},
             {"serverInfo", {{"name", "clown"}, {"title", "clown usage and cost"}, {"version", version}}},
             {"instructions",
              "Token usage, cost, budgets and prices recorded by clown. Tools return the same JSON as "
              "`clown usage … --json`; periods are today|yesterday|week|month|7d|30d|all."}});
  }

  json call(const json& id, const json& params) {
    auto name = params.find("name");
    if (name == params.end() || !name->is_string())
      return error_response(id, k_invalid_params, "Invalid params: tools/call needs a tool name string");
    const ToolInfo* tool = find_tool(name->get<std::string>());
    if (!tool) return error_response(id, k_invalid_params, "Unknown tool: " + name->get<std::string>());
    json arguments = params.value("arguments", json::object());
    if (!arguments.is_object())
      return error_response(id, k_invalid_params, "Invalid params: arguments must be an object");
    return result_response(id, tool_result(call_tool(paths, *tool, arguments, now_ms())));
  }

  json request(const json& id, const std::string& method, const json& params) {
    if (method == "initialize") return initialize(id, params);
    if (method == "ping") return result_response(id, json::object());
    if (method == "tools/list") return result_response(id, tools_list());
    if (method == "tools/call") return call(id, params);
    return error_response(id, k_method_not_found, "Method not found: " + method);
  }
};

std::optional<std::string> Server::handle_line(std::string_view line) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return std::nullopt;
  const json message = json::parse(line, nullptr, false);
  auto out = [](const json& response) { return response.dump(-1, ' ', false, json::error_handler_t::replace); };
  if (message.is_discarded()) return out(error_response(nullptr, k_parse_error, "Parse error"));
  // MCP 2025-06-18 removed JSON-RPC batches: an array is not a request.
  if (!message.is_object()) return out(error_response(nullptr, k_invalid_request, "Invalid Request: not an object"));
  const bool has_id = message.contains("id");
  if (!message.contains("method")) {
    // A response to a request we never send (the server sends none): ignore it.
    if (message.contains("result") || message.contains("error")) return std::nullopt;
  }
  const json id = has_id && valid_id(message["id"]) ? message["id"] : json(nullptr);
  if (has_id && !valid_id(message["id"]))
    return out(error_response(nullptr, k_invalid_request, "Invalid Request: id must be a string or an integer"));
  if (message.value("jsonrpc", json()) != "2.0")
    return out(error_response(id, k_invalid_request, "Invalid Request: jsonrpc must be \"2.0\""));
  const auto method = message.find("method");
  if (method == message.end() || !method->is_string())
    return out(error_response(id, k_invalid_request, "Invalid Request: method must be a string"));
  const json params = message.value("params", json::object());
  if (!has_id) return std::nullopt;  // notifications (notifications/initialized, …) need no answer
  if (!params.is_object()) return out(error_response(id, k_invalid_params, "Invalid params: params must be an object"));
  Dispatch dispatch{m_paths, m_version, m_protocol_version};
  return out(dispatch.request(id, method->get<std::string>(), params));
}

void serve(Server& server, std::istream& in, std::ostream& out) {
  std::string line;
  while (std::getline(in, line)) {
    if (auto response = server.handle_line(line)) {
      out << *response << '\n';
      out.flush();
    }
  }
}

}  // namespace clown::mcp
