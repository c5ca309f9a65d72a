// clown otel upstream: where clownd forwards the OTLP payloads it receives
// (docs/api.md#otlp-forward). Only files are written here; the daemon reads
// them for every payload, so no restart is needed and clown links no HTTP.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "ingest/otel_upstream.hpp"
#include "launcher/otel_setup.hpp"

namespace clown::cli {

namespace {

struct UpstreamArgs {
  std::string url;
  std::vector<std::string> headers;
  bool clear = false;
};

std::string header_names(const ingest::OtelUpstream& u) {
  std::string out;
  for (const auto& [k, v] : u.headers) out += (out.empty() ? "" : ", ") + k;
  return out.empty() ? "none" : out;
}

void show_upstream(const Paths& paths) {
  const auto choice = unwrap(ingest::resolve_otel_upstream(paths));
  if (!choice.upstream) {
    std::cout << "No OTLP upstream: clownd keeps its local copy only (set one with: clown otel upstream URL).\n";
    return;
  }
  const auto& u = *choice.upstream;
  std::cout << "OTLP upstream: " << u.url << " (from "
            << (u.source == ingest::UpstreamSource::credentials ? ingest::otel_upstream_file(paths).string()
                                                                : paths.config_file().string() + " [otel]")
            << "), headers: " << header_names(u) << "\n";
  if (!choice.refused.empty()) std::cout << choice.refused << "\n";
}

void set_upstream(const Paths& paths, const UpstreamArgs& args) {
  ingest::OtelUpstream u;
  u.url = args.url;
  for (const auto& h : args.headers) u.headers.push_back(unwrap(ingest::parse_header_arg(h)));
  unwrap(ingest::store_otel_upstream(paths, u));
  std::cout << "clownd forwards OTLP to " << u.url << " (headers: " << header_names(u) << "), stored in "
            << ingest::otel_upstream_file(paths).string() << " (0600); it takes precedence over config.toml [otel].\n";
}

void print_setup(const launcher::OtelSetupResult& r) {
  std::cout << "Claude Code sessions using " << r.settings.string()
            << " now export to clownd at http://127.0.0.1:" << r.port << " (backup: " << r.backup.string()
            << "; undo with: clown otel remove).\n";
  if (r.moved_upstream)
    std::cout << "Your exporter " << *r.moved_upstream
              << " is now clownd's upstream: it still gets everything (clown otel upstream shows it).\n";
  if (r.kept_stored_upstream)
    std::cout << "An upstream was already stored (clown otel upstream): your exporter in settings.json did not "
                 "replace it.\n";
  std::cout << "Keep the daemon running for them: clown daemon start --stay-alive\n";
}

// clown otel setup|remove [--claude-dir DIR] (launcher/otel_setup.hpp).
void set_setup_commands(CLI::App& otel, Context& ctx) {
  auto dir = std::make_shared<std::string>();
  auto* setup = otel.add_subcommand("setup", "Make Claude Code sessions clown does not launch export to clownd too");
  setup->add_option("--claude-dir", *dir, "Claude config directory (default ~/.claude)")->type_name("DIR");
  setup->callback([&ctx, dir] { print_setup(unwrap(launcher::otel_setup(ctx.paths, *dir))); });
  auto remove_dir = std::make_shared<std::string>();
  auto* remove = otel.add_subcommand("remove", "Undo clown otel setup: restore settings.json from its backup");
  remove->add_option("--claude-dir", *remove_dir, "Claude config directory (default ~/.claude)")->type_name("DIR");
  remove->callback([&ctx, remove_dir] {
    const auto r = unwrap(launcher::otel_remove(ctx.paths, *remove_dir));
    if (!r.restored) {
      std::cout << "Nothing to undo: " << r.settings.string() << " was not set up by clown otel setup.\n";
      return;
    }
    std::cout << "Restored " << r.settings.string() << " from its backup"
              << (r.cleared_upstream ? " and removed the upstream setup had moved into clownd" : "") << ".\n";
  });
}

}  // namespace

void set_otel_command(CLI::App& app, Context& ctx) {
  auto* otel = app.add_subcommand("otel", "Forward the OpenTelemetry clownd receives to your own collector");
  otel->require_subcommand(1);
  auto args = std::make_shared<UpstreamArgs>();
  auto* upstream = otel->add_subcommand("upstream", "Show, set or clear the collector clownd forwards OTLP to");
  auto* url = upstream->add_option("url", args->url, "The collector's OTLP/HTTP base URL (/v1/logs is appended)")
                  ->type_name("URL");
  upstream
      ->add_option("--header", args->headers,
                   "A header to send, NAME=VALUE (repeatable; e.g. Authorization=\"Bearer ...\"); kept secret")
      ->type_name("NAME=VALUE")
      ->needs(url);
  upstream->add_flag("--clear", args->clear, "Remove the stored upstream (config.toml [otel] applies again)")
      ->excludes(url);
  upstream->footer(
      "Stored in credentials/@otel-upstream (0600), which wins over config.toml [otel]. Headers are secrets:\n"
      "clown does not use [otel] headers from a config.toml that group or others can read.");
  upstream->callback([&ctx, args] {
    if (args->clear) {
      const bool removed = unwrap(ingest::clear_otel_upstream(ctx.paths));
      std::cout << (removed ? "Removed the stored OTLP upstream.\n" : "There was no stored OTLP upstream.\n");
      return;
    }
    if (args->url.empty()) return show_upstream(ctx.paths);
    set_upstream(ctx.paths, *args);
  });
  set_setup_commands(*otel, ctx);
}

}  // namespace clown::cli
