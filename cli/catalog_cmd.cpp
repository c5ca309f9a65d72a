// clown agents list, clown providers list|show
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>
#include "cli/commands.hpp"
#include "cli/table.hpp"

#include "common/error.hpp"
#include "profiles/catalog.hpp"

namespace clown::cli {

namespace {

void warn(const profiles::Catalog& c) {
  for (const auto& w : c.warnings) std::cerr << "clown: warning: skipping " << w << "\n";
}

}  // namespace

void set_catalog_commands(CLI::App& app, Context& ctx) {
  auto* agents = app.add_subcommand("agents", "Agents clown can launch");
  agents->require_subcommand(1);
  auto agents_json = std::make_shared<bool>(false);
  auto* agents_list = agents->add_subcommand("list", "List agents (built-in and agents.d/*.toml)");
  agents_list->add_flag("--json", *agents_json, "Print JSON");
  agents_list->callback([agents_json, &ctx] {
    auto c = profiles::load_catalog(ctx.paths);
    warn(c);
    if (*agents_json) {
      std::cout << nlohmann::json(c.agents).dump(2) << "\n";
      return;
    }
    Table t({"AGENT", "NAME", "BINARY", "SPEAKS", "USAGE", "SOURCE"});
    for (const auto& a : c.agents)
      t.add({a.id, a.name, a.binary, profiles::describe_apis(a), a.usage.reader.empty() ? "-" : a.usage.reader,
             a.source});
    t.print(std::cout);
  });

  auto* providers = app.add_subcommand("providers", "Model providers profiles can use");
  providers->require_subcommand(1);
  auto prov_json = std::make_shared<bool>(false);
  auto* prov_list = providers->add_subcommand("list", "List providers (built-in and providers.d/*.toml)");
  prov_list->add_flag("--json", *prov_json, "Print JSON");
  prov_list->callback([prov_json, &ctx] {
    auto c = profiles::load_catalog(ctx.paths);
    warn(c);
    if (*prov_json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& p : c.providers) arr.push_back(profiles::to_json(p));
      std::cout << arr.dump(2) << "\n";
      return;
    }
    Table t({"PROVIDER", "TYPE", "APIS", "KEY FROM", "DEFAULT MODEL"});
    for (const auto& p : c.providers)
      t.add({p.id, profiles::to_string(p.type), profiles::describe_apis(p), p.key_env.empty() ? "-" : "$" + p.key_env,
             p.default_model.empty() ? "-" : p.default_model});
    t.print(std::cout);
  });

  auto show_id = std::make_shared<std::string>();
  auto show_json = std::make_shared<bool>(false);
  auto* prov_show = providers->add_subcommand("show", "Show one provider");
  prov_show->add_option("id", *show_id, "Provider id")->required()->type_name("PROVIDER");
  prov_show->add_flag("--json", *show_json, "Print JSON");
  prov_show->callback([show_id, show_json, &ctx] {
    auto c = profiles::load_catalog(ctx.paths);
    warn(c);
    const auto* p = c.find_provider(*show_id);
    if (!p) throw Failure(clown::Error{c.unknown_provider_message(*show_id), k_exit_usage});
    auto j = profiles::to_json(*p);
    if (*show_json) {
      std::cout << j.dump(2) << "\n";
      return;
    }
    for (const auto& [k, v] : j.items())
      std::cout << k << std::string(k.size() < 18 ? 18 - k.size() : 1, ' ')
                << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
  });
}

}  // namespace clown::cli
