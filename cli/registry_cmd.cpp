// clown registry status|sync, clown pricing list|show
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/table.hpp"
#include "common/format.hpp"
#include "common/time.hpp"
#include "registry/price_view.hpp"
#include "registry/pricing_table.hpp"
#include "registry/status.hpp"

namespace clown::cli {

namespace {

using registry::ModelPrice;

// LiteLLM's own notation for per-token prices ("3e-06", "1.5e-05").
std::string per_token(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// USD per million tokens: "$3.00", "$0.075", "$0.0375".
std::string per_million(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.4f", v * 1e6);
  std::string s = buf;
  while (s.size() > 3 && s.back() == '0' && s[s.size() - 3] != '.') s.pop_back();
  return "$" + s;
}

void warn(const std::string& warning) {
  if (!warning.empty()) std::cerr << "clown: warning: " << warning << "\n";
}

std::string source_label(const registry::PricingSource& s) {
  return s.kind == registry::PriceFile::synced ? "synced file " + s.path : "bundled snapshot (compiled into clown)";
}

void print_status(const registry::RegistryStatus& st) {
  auto line = [](const char* k, const std::string& v) {
    std::cout << k << std::string(12 - std::string(k).size(), ' ') << v << "\n";
  };
  line("Prices:", source_label(st.source));
  line("Models:", with_thousands(static_cast<int64_t>(st.source.model_count)));
  if (st.source.kind == registry::PriceFile::synced) {
    line("Source:", st.source.source_url.empty() ? "(unknown: registry.lock is missing)" : st.source.source_url);
    if (!st.source.fetched_at.empty())
      line("Fetched:",
           st.source.fetched_at + (st.age_seconds ? " (" + registry::format_age(*st.age_seconds) + " ago)" : ""));
    if (!st.sha256.empty()) line("SHA-256:", st.sha256);
  } else {
    line("Synced:", "never; run `clown registry sync` to download current LiteLLM prices");
  }
}

struct ListOptions {
  std::string provider;
  bool json = false;
};

void run_pricing_list(const Context& ctx, const ListOptions& o) {
  auto loaded = registry::load_pricing(ctx.paths);
  warn(loaded.warning);
  const auto& table = loaded.pricing.table;
  std::vector<std::pair<const std::string*, const ModelPrice*>> rows;
  for (const auto& [key, price] : table.entries())
    if (registry::provider_matches(price, o.provider)) rows.emplace_back(&key, &price);
  if (rows.empty()) {
    std::set<std::string> providers;
    for (const auto& [key, price] : table.entries()) providers.insert(price.provider);
    std::string list;
    for (const auto& p : providers) list += (list.empty() ? "" : ", ") + p;
    throw Failure(Error{"no priced models for provider '" + o.provider + "'; known providers: " + list, k_exit_error});
  }
  if (o.json) {
    std::cout << registry::price_list_json(rows, loaded.pricing.source).dump(2) << "\n";
    return;
  }
  auto opt = [](const std::optional<double>& v) { return v ? per_million(*v) : std::string("-"); };
  Table t({"MODEL", "PROVIDER", "INPUT/M", "OUTPUT/M", "CACHE WRITE/M", "CACHE READ/M", ">200K"},
          {false, false, true, true, true, true, false});
  for (const auto& [key, p] : rows)
    t.add({*key, p->provider, per_million(p->input), per_million(p->output), opt(p->cache_write_5m), opt(p->cache_read),
           p->input_above_200k ? "yes" : ""});
  t.print(std::cout, use_color(1));
  std::cout << with_thousands(static_cast<int64_t>(rows.size())) << " models, USD per million tokens, from "
            << source_label(loaded.pricing.source) << "\n";
}

struct ShowOptions {
  std::string model;
  bool json = false;
};

void run_pricing_show(const Context& ctx, const ShowOptions& o) {
  auto loaded = registry::load_pricing(ctx.paths);
  warn(loaded.warning);
  auto match = loaded.pricing.table.lookup(o.model);
  if (!match)
    throw Failure(Error{"no price for model '" + o.model + "' in the " +
                            registry::to_string(loaded.pricing.source.kind) +
                            " pricing table (no exact, normalized or boundary match); its usage is reported as "
                            "unpriced. Try `clown registry sync` or `clown pricing list`",
                        k_exit_error});
  const ModelPrice& p = *match->price;
  if (o.json) {
    std::cout << registry::price_match_json(o.model, *match, loaded.pricing.source).dump(2) << "\n";
    return;
  }
  std::cout << "Model:      " << o.model << "\n";
  std::cout << "Priced as:  " << match->key << " (" << match->rule << ": " << registry::rule_explanation(match->rule)
            << ")\n";
  std::cout << "Provider:   " << (p.provider.empty() ? "-" : p.provider) << (p.mode.empty() ? "" : " (" + p.mode + ")")
            << "\n";
  std::cout << "Prices from " << source_label(loaded.pricing.source) << "\n\n";
  Table t({"PRICE", "PER TOKEN", "PER MILLION"}, {false, true, true});
  for (const auto& row : registry::price_rows(p)) {
    if (!row.value) {
      t.add({row.label, "-", "-"});
      continue;
    }
    t.add({row.label, per_token(*row.value), per_million(*row.value) + (row.derived ? " (2x input)" : "")});
  }
  t.print(std::cout, use_color(1));
  if (p.input_above_200k || p.output_above_200k)
    std::cout << "\n>200k prices apply to every token of a request whose input + cache writes + cache reads exceed "
                 "200,000 tokens.\n";
}

}  // namespace

void set_registry_command(CLI::App& app, Context& ctx) {
  auto* reg = app.add_subcommand("registry", "Model prices: where they come from, and downloading current ones");
  reg->require_subcommand(1);

  auto* status = reg->add_subcommand("status", "Show where prices come from (synced file or bundled snapshot)");
  auto status_json = std::make_shared<bool>(false);
  status->add_flag("--json", *status_json, "Print JSON");
  status->callback([&ctx, status_json] {
    auto st = registry::registry_status(ctx.paths, now_ms());
    warn(st.warning);
    if (*status_json)
      std::cout << registry::to_json(st).dump(2) << "\n";
    else
      print_status(st);
  });

  auto* sync = reg->add_subcommand("sync", "Download LiteLLM's model prices (skipped within 24 h unless --force)");
  auto so = std::make_shared<SyncCliOptions>();
  add_sync_options(*sync, *so);
  sync->footer(
      "URL precedence: --url > $CLOWN_PRICING_URL > config.toml [registry] pricing_url > LiteLLM's GitHub file.\n"
      "A download replaces the stored file only if it is a JSON object with at least 100 priced models and at most "
      "64 MiB.");
  sync->callback([&ctx, so] {
    // The network client lives in clownd so clown starts without HTTP/TLS (docs/design.md#two-executables).
    std::vector<std::string> args{"registry-sync"};
    for (auto& a : to_args(*so)) args.push_back(std::move(a));
    std::cout.flush();
    exec_clownd(ctx, args);
  });

  auto* pricing = app.add_subcommand("pricing", "Model prices as usage reports apply them");
  pricing->require_subcommand(1);

  auto* list = pricing->add_subcommand("list", "List priced models (USD per million tokens)");
  auto lo = std::make_shared<ListOptions>();
  list->add_option("--provider", lo->provider, "Only this provider (anthropic, openai, google, deepseek, xai, ...)");
  list->add_flag("--json", lo->json, "Print JSON");
  list->callback([&ctx, lo] { run_pricing_list(ctx, *lo); });

  auto* show = pricing->add_subcommand("show", "Show the price entry a model name resolves to, and why");
  auto sh = std::make_shared<ShowOptions>();
  show->add_option("model", sh->model, "Model name as the agent reports it, e.g. claude-sonnet-4-5-20250929")
      ->required()
      ->type_name("MODEL");
  show->add_flag("--json", sh->json, "Print JSON");
  show->callback([&ctx, sh] { run_pricing_show(ctx, *sh); });
}

}  // namespace clown::cli
