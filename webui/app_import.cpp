// The Import button's API: which agents have logs here, and importing one
// agent's or every agent's history (docs/api.md#import).
#include "ingest/agent_import.hpp"
#include "profiles/catalog.hpp"
#include "runs/run_finish.hpp"
#include "webui/app.hpp"

namespace clown::webui {

HttpResponse App::import_agents(const HttpRequest&) {
  const auto catalog = profiles::load_catalog(m_config.paths);
  nlohmann::json agents = nlohmann::json::array();
  for (const auto& id : ingest::agents_with_logs(m_config.paths)) {
    const auto* agent = catalog.find_agent(id);
    agents.push_back({{"id", id}, {"name", agent ? agent->name : id}});
  }
  return json_ok({{"agents", agents}});
}

HttpResponse App::import_any(const HttpRequest& req) {
  std::string agent;
  if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return json_error(400, "bad_request", R"(the body must be a JSON object such as {"agent": "codex"} or {})");
    if (body.contains("agent") && !body["agent"].is_null()) {
      if (!body["agent"].is_string()) return json_error(400, "bad_request", "'agent' must be an agent id string");
      agent = body["agent"].get<std::string>();
    }
  }
  std::lock_guard<std::mutex> lock(m_write_mutex);
  Expected<std::vector<ingest::AgentImport>> imports = std::vector<ingest::AgentImport>{};
  if (agent.empty()) {
    imports = runs::import_all_after_runs(m_config.paths);
  } else {
    ingest::AgentImportOptions options;
    options.agent = agent;
    auto summary = runs::import_agent_after_runs(m_config.paths, options);
    if (summary)
      imports->push_back({agent, std::move(*summary)});
    else
      imports = tl::unexpected(summary.error());
  }
  if (!imports) {
    const bool usage = imports.error().exit_code == k_exit_usage;
    return json_error(usage ? 400 : 500, usage ? "bad_request" : "internal_error", imports.error().message);
  }
  return json_ok({{"imports", ingest::to_json(*imports)}});
}

}  // namespace clown::webui
