// clownd registry-sync: the network half of `clown registry sync`.
#include <iostream>
#include <memory>

#include "cli/clownd_commands.hpp"
#include "common/error.hpp"
#include "registry/sync.hpp"

namespace clown::cli {

namespace {

struct SyncCmdOptions {
  registry::SyncOptions sync;
  bool json = false;
};

}  // namespace

void set_clownd_registry_sync_command(CLI::App& app, const Paths& paths, int& exit_code) {
  auto* cmd = app.add_subcommand("registry-sync", "Download LiteLLM model prices (run by `clown registry sync`)");
  auto o = std::make_shared<SyncCmdOptions>();
  cmd->add_flag("--force", o->sync.force, "Download even if synced less than 24 h ago");
  cmd->add_flag("--offline", o->sync.offline, "No network: report the stored prices, else the bundled snapshot");
  cmd->add_option("--url", o->sync.url, "Pricing JSON URL");
  cmd->add_flag("--json", o->json, "Print JSON");
  cmd->callback([&paths, &exit_code, o] {
    auto result = unwrap(registry::sync_pricing(paths, o->sync));
    if (o->json)
      std::cout << registry::to_json(result).dump(2) << "\n";
    else
      std::cout << registry::describe(result) << "\n";
    exit_code = k_exit_ok;
  });
}

}  // namespace clown::cli
