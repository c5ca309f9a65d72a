// clown shims install|list|remove: profiles as commands (`work-claude` runs
// `clown run work-claude`).
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "launcher/launcher.hpp"
#include "launcher/shims.hpp"

namespace clown::cli {

namespace {

struct ShimsOptions {
  std::vector<std::string> aliases;
  std::string dir;
  bool force = false;
  bool json = false;
};

std::filesystem::path shims_dir(const ShimsOptions& o) {
  return o.dir.empty() ? launcher::default_shims_dir(launcher::current_environment()) : std::filesystem::path(o.dir);
}

void add_dir_option(CLI::App& cmd, ShimsOptions& o) {
  cmd.add_option("--dir", o.dir, "Directory of the shims (default: ~/.local/bin)")->type_name("DIR");
}

void add_install(CLI::App& shims, Context& ctx) {
  auto o = std::make_shared<ShimsOptions>();
  auto* cmd = shims.add_subcommand("install", "Write a command per profile: `work-claude` runs clown run work-claude");
  cmd->add_option("aliases", o->aliases, "Profiles (default: all)")->type_name("PROFILE");
  add_dir_option(*cmd, *o);
  cmd->add_flag("--force", o->force, "Replace a file that is not a clown shim, or shadow a command on PATH");
  cmd->callback([o, &ctx] {
    const auto result = unwrap(install_profile_shims(ctx, o->aliases, shims_dir(*o), o->force));
    print_shim_install(std::cout, result, shims_dir(*o));
  });
}

void add_list_remove(CLI::App& shims, Context& ctx) {
  auto o = std::make_shared<ShimsOptions>();
  auto* list = shims.add_subcommand("list", "List the clown shims in the directory");
  add_dir_option(*list, *o);
  list->add_flag("--json", o->json, "Print JSON");
  list->callback([o, &ctx] {
    const auto shims = launcher::list_shims(ctx.paths, shims_dir(*o));
    if (o->json) {
      std::cout << nlohmann::json(shims).dump(2) << "\n";
      return;
    }
    if (shims.empty()) {
      std::cout << "No clown shims in " << shims_dir(*o).string() << " (write them with: clown shims install)\n";
      return;
    }
    Table t({"COMMAND", "PATH", "PROFILE"});
    for (const auto& s : shims) t.add({s.alias, s.path.string(), s.profile_exists ? "ok" : "missing"});
    t.print(std::cout);
  });

  auto r = std::make_shared<ShimsOptions>();
  auto* remove = shims.add_subcommand("remove", "Remove clown shims (default: all in the directory)");
  remove->add_option("aliases", r->aliases, "Shims to remove")->type_name("PROFILE");
  add_dir_option(*remove, *r);
  remove->callback([r, &ctx] {
    for (const auto& path : unwrap(launcher::remove_shims(ctx.paths, shims_dir(*r), r->aliases)))
      std::cout << "Removed " << path.string() << "\n";
  });
}

}  // namespace

Expected<launcher::ShimInstall> install_profile_shims(const Context& ctx, const std::vector<std::string>& aliases,
                                                      const std::filesystem::path& dir, bool force) {
  launcher::ShimOptions options;
  options.dir = dir;
  options.clown_exe = ctx.self_exe;
  const auto env = launcher::current_environment();
  options.path_var = env.count("PATH") ? env.at("PATH") : "";
  options.force = force;
  return launcher::install_shims(ctx.paths, aliases, options);
}

void print_shim_install(std::ostream& out, const launcher::ShimInstall& result, const std::filesystem::path& dir) {
  for (const auto& s : result.shims)
    out << (s.replaced ? "Replaced " : "Wrote ") << s.path.string() << " (runs: clown run " << s.alias << ")\n";
  if (!result.dir_on_path)
    out << dir.string() << " is not on your PATH; add it, e.g. export PATH=\"" << dir.string() << ":$PATH\"\n";
}

void set_shims_command(CLI::App& app, Context& ctx) {
  auto* shims = app.add_subcommand("shims", "Profiles as commands: shims in ~/.local/bin that run clown run ALIAS");
  shims->require_subcommand(1);
  add_install(*shims, ctx);
  add_list_remove(*shims, ctx);
}

}  // namespace clown::cli
