// clown otel upstream: where clownd forwards the OTLP payloads it receives
// (docs/api.md#otlp-forward). Only files are written here; the daemon reads
// them for every payload, so no restart is needed and clown links no HTTP.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "ingest/otel_upstream.hpp"

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
}

}  // namespace clown::cli
