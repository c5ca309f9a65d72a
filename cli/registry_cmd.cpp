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
#include "registry/price_rules.hpp"
#include "registry/pricing_table.hpp"
#include "registry/status.hpp"

namespace clown::cli {

namespace {

using ojson = nlohmann::ordered_json;
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

double million(double v) { return std::round(v * 1e6 * 1e6) / 1e6; }

void warn(const std::string& warning) {
  if (!warning.empty()) std::cerr << "clown: warning: " << warning << "\n";
}

std::string source_label(const registry::PricingSource& s) {
  return s.kind == registry::PriceFile::synced ? "synced file " + s.path : "bundled snapshot (compiled into clown)";
}

std::string rule_explanation(const std::string& rule) {
  if (rule == "exact") return "the name is a key of the pricing table";
  if (rule == "normalized") return "same name once provider prefix, date suffix and version marker are removed";
  return "longest table key found in the name at name-part boundaries";
}

// One price row: LiteLLM field name, label, value (absent: the entry states
// none) and whether clown derived it by a rule (registry/price_rules.hpp).
struct PriceRow {
  const char* field;
  const char* label;
  std::optional<double> value;
  bool derived = false;
};

// Shown as the entry states it, or as the rule cost applies when the rule
// derives a price (1-hour writes at 2x input); parts the entry leaves out are
// shown as absent.
PriceRow price_row(const char* field, const char* label, const registry::TokenPrice& price) {
  using Origin = registry::TokenPrice::Origin;
  switch (price.origin) {
    case Origin::stated: return {field, label, price.usd};
    case Origin::twice_input: return {field, label, price.usd, true};
    case Origin::absent:
    case Origin::standard_price: return {field, label, std::nullopt};
  }
  return {field, label, std::nullopt};
}

std::vector<PriceRow> price_rows(const ModelPrice& p) {
  const auto s = registry::tier_prices(p, registry::PriceTier::standard);
  std::vector<PriceRow> rows{
      price_row("input_cost_per_token", "input", s.input),
      price_row("output_cost_per_token", "output", s.output),
      price_row("cache_creation_input_token_cost", "cache write 5m", s.cache_write_5m),
      price_row("cache_creation_input_token_cost_above_1hr", "cache write 1h", s.cache_write_1h),
      price_row("cache_read_input_token_cost", "cache read", s.cache_read),
  };
  if (p.input_above_200k || p.output_above_200k) {
    const auto l = registry::tier_prices(p, registry::PriceTier::long_context);
    rows.insert(
        rows.end(),
        {price_row("input_cost_per_token_above_200k_tokens", "input >200k", l.input),
         price_row("output_cost_per_token_above_200k_tokens", "output >200k", l.output),
         price_row("cache_creation_input_token_cost_above_200k_tokens", "cache write 5m >200k", l.cache_write_5m),
         price_row("cache_creation_input_token_cost_above_1hr_above_200k_tokens", "cache write 1h >200k",
                   l.cache_write_1h),
         price_row("cache_read_input_token_cost_above_200k_tokens", "cache read >200k", l.cache_read)});
  }
  return rows;
}

ojson prices_json(const ModelPrice& p) {
  ojson out = ojson::object();
  for (const auto& row : price_rows(p)) {
    if (!row.value) {
      out[row.field] = nullptr;
      continue;
    }
    ojson v{{"per_token", *row.value}, {"per_million", million(*row.value)}};
    if (row.derived) v["derived"] = true;
    out[row.field] = v;
  }
  return out;
}

ojson source_json(const registry::PricingSource& s) {
  return {{"kind", registry::to_string(s.kind)},
          {"path", s.path.empty() ? ojson() : ojson(s.path)},
          {"source_url", s.source_url.empty() ? ojson() : ojson(s.source_url)},
          {"fetched_at", s.fetched_at.empty() ? ojson() : ojson(s.fetched_at)},
          {"model_count", s.model_count}};
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
    ojson models = ojson::array();
    for (const auto& [key, price] : rows)
      models.push_back(
          {{"model", *key}, {"provider", price->provider}, {"mode", price->mode}, {"prices", prices_json(*price)}});
    ojson out{{"source", source_json(loaded.pricing.source)}, {"models", models}};
    std::cout << out.dump(2) << "\n";
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
    ojson out{{"model", o.model},
              {"key", match->key},
              {"rule", match->rule},
              {"reason", rule_explanation(match->rule)},
              {"provider", p.provider},
              {"mode", p.mode},
              {"source", source_json(loaded.pricing.source)},
              {"prices", prices_json(p)}};
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << "Model:      " << o.model << "\n";
  std::cout << "Priced as:  " << match->key << " (" << match->rule << ": " << rule_explanation(match->rule) << ")\n";
  std::cout << "Provider:   " << (p.provider.empty() ? "-" : p.provider) << (p.mode.empty() ? "" : " (" + p.mode + ")")
            << "\n";
  std::cout << "Prices from " << source_label(loaded.pricing.source) << "\n\n";
  Table t({"PRICE", "PER TOKEN", "PER MILLION"}, {false, true, true});
  for (const auto& row : price_rows(p)) {
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
      ->required();
  show->add_flag("--json", sh->json, "Print JSON");
  show->callback([&ctx, sh] { run_pricing_show(ctx, *sh); });
}

}  // namespace clown::cli
