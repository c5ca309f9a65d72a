// clownd registry-sync: the network half of `clown registry sync`.
#include <iostream>
#include <memory>

#include "cli/clownd_commands.hpp"
#include "cli/common_options.hpp"
#include "common/error.hpp"
#include "registry/sync.hpp"
#include "reports/reprice.hpp"

namespace clown::cli {

void set_clownd_registry_sync_command(CLI::App& app, const Paths& paths, int& exit_code) {
  auto* cmd = app.add_subcommand("registry-sync", "Download LiteLLM model prices (run by `clown registry sync`)");
  auto o = std::make_shared<SyncCliOptions>();
  add_sync_options(*cmd, *o);
  cmd->callback([&paths, &exit_code, o] {
    auto result = unwrap(registry::sync_pricing(paths, {o->force, o->offline, o->url}));
    if (o->json) {
      std::cout << registry::to_json(result).dump(2) << "\n";
    } else {
      std::cout << registry::describe(result) << "\n";
      // New prices may price requests stored without one (docs/cost.md#reprice).
      if (auto r = reports::repriceable_now(paths); r && r->requests > 0)
        std::cout << reports::reprice_hint(*r) << "\n";
    }
    exit_code = k_exit_ok;
  });
}

}  // namespace clown::cli
