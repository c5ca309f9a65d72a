// clown completion bash|zsh|fish, and the hidden helpers the scripts and
// install.sh use: clown __complete KIND, clown __manpage.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/completion_scripts.hpp"
#include "cli/man_page.hpp"
#include "profiles/catalog.hpp"
#include "profiles/profile_store.hpp"
#include "reports/period.hpp"
#include "reports/report_data.hpp"

namespace clown::cli {

namespace {

// What `clown __complete KIND` prints, one per line; a broken store or
// catalog gives nothing rather than an error in the middle of a command line.
std::vector<std::string> complete_values(const Paths& paths, const std::string& kind) {
  if (kind == "profiles") return profiles::profile_aliases(paths);
  if (kind == "providers") return profiles::load_catalog(paths).provider_ids();
  if (kind == "agents") return profiles::load_catalog(paths).agent_ids();
  if (kind == "periods") return reports::period_names();
  if (kind == "models") {
    auto models = reports::stored_models(paths);
    return models ? *models : std::vector<std::string>{};
  }
  return {};
}

}  // namespace

void set_completion_command(CLI::App& app, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  auto* completion = app.add_subcommand(
      "completion", "Print the shell completion script: clown completion bash|zsh|fish (see README: completions)");
  completion->add_option("shell", *shell, "bash, zsh or fish")->required()->type_name("SHELL");
  completion->footer(
      "bash: source <(clown completion bash)   (or save it as ~/.local/share/bash-completion/completions/clown)\n"
      "zsh:  clown completion zsh > \"${fpath[1]}/_clown\"   fish: clown completion fish > "
      "~/.config/fish/completions/clown.fish\n"
      "install.sh installs all three where the shells look.");
  completion->callback([shell, &app] {
    Shell s = Shell::bash;
    if (*shell == "zsh")
      s = Shell::zsh;
    else if (*shell == "fish")
      s = Shell::fish;
    else if (*shell != "bash")
      throw Failure(clown::Error{"unknown shell '" + *shell + "': use bash, zsh or fish", k_exit_usage});
    std::cout << completion_script(describe(app), s);
  });

  auto kind = std::make_shared<std::string>();
  auto* values = app.add_subcommand("__complete", "Values for shell completion")->group("");
  values->add_option("kind", *kind, "profiles, providers, agents, models or periods")->required();
  values->callback([kind, &ctx] {
    for (const auto& v : complete_values(ctx.paths, *kind)) std::cout << v << "\n";
  });

  app.add_subcommand("__manpage", "Print clown(1) in roff")->group("")->callback([&app] {
    std::cout << man_page(describe(app), CLOWN_VERSION);
  });
}

}  // namespace clown::cli
