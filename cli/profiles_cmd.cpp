// clown profiles create|list|show|delete|env|set
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "common/time.hpp"
#include "launcher/launcher.hpp"
#include "launcher/shims.hpp"
#include "profiles/catalog.hpp"
#include "profiles/profile_edit.hpp"
#include "profiles/profile_store.hpp"

namespace clown::cli {

namespace {

std::string read_key_from_stdin() {
  std::string key;
  std::getline(std::cin, key);
  while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) key.pop_back();
  if (key.empty()) throw Failure(clown::Error{"--api-key-stdin: no key on standard input", k_exit_usage});
  return key;
}

void print_profile(const Paths& paths, const profiles::Profile& p) {
  auto line = [](const char* k, const std::string& v) {
    std::cout << "  " << k << std::string(12 - std::string(k).size(), ' ') << v << "\n";
  };
  std::cout << p.alias << "\n";
  line("agent", p.agent);
  line("provider", p.provider);
  line("model", p.model.empty() ? "(provider default)" : p.model);
  if (!p.endpoint.empty()) line("endpoint", p.endpoint);
  line("api key", profiles::key_source(paths, p));
  line("isolate", p.isolate ? "yes (" + paths.home_for(p.alias).string() + ")" : "no");
  if (!p.agent_bin.empty()) {
    line("agent bin", p.agent_bin);
    line("auto update", p.auto_update ? "yes" : "no (DISABLE_AUTOUPDATER=1)");
  }
  for (const auto& [k, v] : profiles::public_env(p)) line("env", k + "=" + v);
  if (!p.created_at.empty()) line("created", p.created_at);
}

struct CreateOptions {
  std::vector<std::string> names;
  std::string agent;
  profiles::Profile profile;
  std::vector<std::string> env;
  bool api_key_stdin = false;
  bool force = false;
  bool shim = false;
};

void add_create(CLI::App& profiles_app, Context& ctx) {
  auto opts = std::make_shared<CreateOptions>();
  auto* cmd =
      profiles_app.add_subcommand("create", "Create a profile: clown profiles create [AGENT] ALIAS --provider ID");
  cmd->add_option("names", opts->names, "[AGENT] ALIAS (agent defaults to claude)")->required()->expected(1, 2);
  cmd->add_option("--agent", opts->agent, "Agent id (see: clown agents list); default claude")->type_name("AGENT");
  cmd->add_option("--provider", opts->profile.provider, "Provider id (see: clown providers list)")
      ->required()
      ->type_name("PROVIDER");
  cmd->add_option("--model", opts->profile.model, "Model (default: the provider's)")->type_name("MODEL");
  cmd->add_option("--endpoint", opts->profile.endpoint, "Anthropic-compatible base URL (required for custom)");
  auto* env_key =
      cmd->add_option("--api-key-env", opts->profile.api_key_env, "Read the API key from this env var at run time");
  cmd->add_flag("--api-key-stdin", opts->api_key_stdin, "Read the API key from stdin; stored in credentials/ (0600)")
      ->excludes(env_key);
  cmd->add_flag("--isolate", opts->profile.isolate, "Give the agent its own config dir ($CLOWN_HOME/homes/ALIAS)");
  cmd->add_option("--agent-bin", opts->profile.agent_bin, "Path of the agent binary (default: found on PATH)")
      ->type_name("FILE");
  cmd->add_option("--env", opts->env, "Extra environment for the agent, KEY=VALUE (repeatable)");
  cmd->add_flag("--force", opts->force, "Replace an existing profile");
  cmd->add_flag("--shim", opts->shim, "Also write the command ALIAS into ~/.local/bin (see: clown shims)");
  cmd->callback([opts, &ctx] {
    profiles::NewProfile request;
    request.profile = opts->profile;
    request.profile.alias = opts->names.back();
    std::string agent = opts->names.size() == 2 ? opts->names.front() : "";
    if (!opts->agent.empty()) {
      if (!agent.empty() && agent != opts->agent)
        throw Failure(
            clown::Error{"agent given twice ('" + agent + "' and --agent " + opts->agent + ")", k_exit_usage});
      agent = opts->agent;
    }
    request.profile.agent = agent.empty() ? "claude" : agent;
    request.env = opts->env;
    request.replace = opts->force;
    // The alias is checked before stdin is read: a typo should not eat the key.
    unwrap(profiles::validate_alias(request.profile.alias));
    if (opts->api_key_stdin) request.api_key = read_key_from_stdin();
    const auto p = unwrap(profiles::create_profile(ctx.paths, std::move(request)));
    std::cout << "Created profile '" << p.alias << "' (" << p.agent << " via " << p.provider
              << "). Start it with: clown run " << p.alias << "\n";
    if (opts->shim) {
      const auto dir = launcher::default_shims_dir(launcher::current_environment());
      print_shim_install(std::cout, unwrap(install_profile_shims(ctx, {p.alias}, dir, false)), dir);
    }
  });
}

void add_list_show(CLI::App& profiles_app, Context& ctx) {
  auto json = std::make_shared<bool>(false);
  auto* list = profiles_app.add_subcommand("list", "List profiles");
  list->add_flag("--json", *json, "Print JSON");
  list->callback([json, &ctx] {
    auto listing = profiles::list_profiles(ctx.paths);
    for (const auto& b : listing.broken) std::cerr << "clown: warning: skipping unreadable profile " << b << "\n";
    if (*json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& p : listing.profiles) arr.push_back(profiles::to_public_json(ctx.paths, p));
      std::cout << arr.dump(2) << "\n";
      return;
    }
    if (listing.profiles.empty()) {
      std::cout << "No profiles yet. Create one with: clown profiles create work-claude --provider anthropic\n";
      return;
    }
    Table t({"PROFILE", "AGENT", "PROVIDER", "MODEL", "API KEY", "ISOLATED"});
    for (const auto& p : listing.profiles) {
      t.add({p.alias, p.agent, p.provider, p.model.empty() ? "-" : p.model, profiles::key_source(ctx.paths, p),
             p.isolate ? "yes" : "no"});
    }
    t.print(std::cout);
  });

  auto show_alias = std::make_shared<std::string>();
  auto show_json = std::make_shared<bool>(false);
  auto* show = profiles_app.add_subcommand("show", "Show one profile (never the key)");
  show->add_option("alias", *show_alias, "Profile name")->required()->type_name("PROFILE");
  show->add_flag("--json", *show_json, "Print JSON");
  show->callback([show_alias, show_json, &ctx] {
    auto p = unwrap(profiles::load_profile(ctx.paths, *show_alias));
    for (const auto& w : p.load_warnings) std::cerr << "clown: warning: " << w << "\n";
    if (*show_json)
      std::cout << profiles::to_public_json(ctx.paths, p).dump(2) << "\n";
    else
      print_profile(ctx.paths, p);
  });
}

void add_delete_env(CLI::App& profiles_app, Context& ctx) {
  auto del_alias = std::make_shared<std::string>();
  auto* del = profiles_app.add_subcommand("delete", "Delete a profile and its stored key");
  del->add_option("alias", *del_alias, "Profile name")->required()->type_name("PROFILE");
  del->callback([del_alias, &ctx] {
    unwrap(profiles::delete_profile(ctx.paths, *del_alias));
    std::cout << "Deleted profile '" << *del_alias << "'\n";
  });

  auto env_alias = std::make_shared<std::string>();
  auto* env = profiles_app.add_subcommand(
      "env", "Print the profile's environment as shell exports: eval \"$(clown profiles env ALIAS)\"");
  env->add_option("alias", *env_alias, "Profile name")->required()->type_name("PROFILE");
  env->callback([env_alias, &ctx] {
    auto plan = unwrap(launcher::plan_for_profile(ctx.paths, *env_alias, {}, ctx.self_exe, "env"));
    std::cout << launcher::shell_exports(plan);
  });
}

struct SetOptions {
  std::string alias;
  std::vector<std::string> assignments;
  bool api_key_stdin = false;
};

void add_set(CLI::App& profiles_app, Context& ctx) {
  auto o = std::make_shared<SetOptions>();
  auto* set =
      profiles_app.add_subcommand("set", "Change fields: clown profiles set ALIAS [key=value...] [--api-key-stdin] (" +
                                             profiles::settable_field_names() + "; empty value clears)");
  set->add_option("alias", o->alias, "Profile name")->required()->type_name("PROFILE");
  set->add_option("assignments", o->assignments, "key=value");
  set->add_flag("--api-key-stdin", o->api_key_stdin, "Replace the stored API key with one read from stdin");
  set->callback([o, &ctx] {
    // Like create: a mistyped alias must not eat the key.
    unwrap(profiles::load_profile(ctx.paths, o->alias));
    std::optional<std::string> key;
    if (o->api_key_stdin) key = read_key_from_stdin();
    const auto p = unwrap(profiles::update_profile(ctx.paths, o->alias, o->assignments, key));
    std::cout << "Updated profile '" << p.alias << "'" << (key ? " (new API key stored)" : "") << "\n";
  });
}

void add_rename_copy(CLI::App& profiles_app, Context& ctx) {
  for (const bool rename : {true, false}) {
    auto names = std::make_shared<std::pair<std::string, std::string>>();
    auto* cmd = profiles_app.add_subcommand(
        rename ? "rename" : "copy",
        rename ? "Rename a profile (its stored key and isolated home move with it; past usage keeps the old name)"
               : "Copy a profile and its stored key (an isolated copy gets a fresh home)");
    cmd->add_option("from", names->first, "Existing profile")->required()->type_name("PROFILE");
    cmd->add_option("to", names->second, "New name")->required()->type_name("NEW");
    cmd->callback([names, rename, &ctx] {
      const auto p = unwrap(rename ? profiles::rename_profile(ctx.paths, names->first, names->second)
                                   : profiles::copy_profile(ctx.paths, names->first, names->second));
      std::cout << (rename ? "Renamed" : "Copied") << " profile '" << names->first << "' to '" << p.alias
                << "'. Start it with: clown run " << p.alias << "\n";
    });
  }
}

}  // namespace

void set_profiles_command(CLI::App& app, Context& ctx) {
  auto* profiles_app = app.add_subcommand("profiles", "Create and manage profiles (agent + provider + model + key)");
  profiles_app->require_subcommand(1);
  add_create(*profiles_app, ctx);
  add_list_show(*profiles_app, ctx);
  add_delete_env(*profiles_app, ctx);
  add_set(*profiles_app, ctx);
  add_rename_copy(*profiles_app, ctx);
}

}  // namespace clown::cli
