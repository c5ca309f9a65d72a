#pragma once
// Prices in LiteLLM's model_prices_and_context_window.json format, and the
// model-name matching rules of docs/cost.md#model-resolution.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::registry {

// USD per token. Optional fields are absent from the LiteLLM entry.
struct ModelPrice {
  double input = 0;                                 // input_cost_per_token
  double output = 0;                                // output_cost_per_token
  std::optional<double> cache_write_5m;             // cache_creation_input_token_cost
  std::optional<double> cache_write_1h;             // cache_creation_input_token_cost_above_1hr
  std::optional<double> cache_read;                 // cache_read_input_token_cost
  std::optional<double> input_above_200k;           // input_cost_per_token_above_200k_tokens
  std::optional<double> output_above_200k;          // output_cost_per_token_above_200k_tokens
  std::optional<double> cache_write_5m_above_200k;  // cache_creation_input_token_cost_above_200k_tokens
  std::optional<double> cache_write_1h_above_200k;  // cache_creation_input_token_cost_above_1hr_above_200k_tokens
  std::optional<double> cache_read_above_200k;      // cache_read_input_token_cost_above_200k_tokens
  std::string provider;                             // litellm_provider
  std::string mode;                                 // "chat", ...
};

// How a model name resolved: the key that matched and the rule that matched it
// ("exact", "normalized" (provider prefix / date suffix removed), "longest-match").
struct PriceMatch {
  std::string key;
  std::string rule;
  const ModelPrice* price = nullptr;
};

class PricingTable {
 public:
  // Parses LiteLLM JSON. Entries without a numeric input_cost_per_token are
  // skipped (counted in skipped()); a non-object document is an error.
  static Expected<PricingTable> from_json(std::string_view json_text);

  // docs/cost.md#model-resolution: exact key first, then without provider prefix
  // ("anthropic/", "bedrock/...") and date suffix ("-20250929", "@20250929"),
  // then the longest boundary-aware match. nullopt = unpriced (never $0).
  std::optional<PriceMatch> lookup(std::string_view model) const;

  size_t size() const { return m_prices.size(); }
  size_t skipped() const { return m_skipped.size(); }
  // The keys of the entries skipped (no usable input price), in file order.
  const std::vector<std::string>& skipped_keys() const { return m_skipped; }
  const std::map<std::string, ModelPrice, std::less<>>& entries() const { return m_prices; }

 private:
  friend Expected<PricingTable> validate_pricing_download(std::string_view body);
  void build_index();

  std::map<std::string, ModelPrice, std::less<>> m_prices;
  // normalize_model_name(key) -> key, for the "normalized" and "longest-match" rules.
  std::map<std::string, std::string, std::less<>> m_normalized;
  std::vector<std::string> m_skipped;
};

// Lower-cases a model name and removes its provider prefix ("anthropic/",
// "bedrock/us-east-1/", "us.anthropic."), date suffix ("-20250929",
// "@20250929", "-2025-08-07"), Bedrock version ("-v1:0") and Claude Code's
// context marker ("[1m]").
std::string normalize_model_name(std::string_view model);

// `clown pricing list --provider P`: P is a LiteLLM provider ("vertex_ai-language-models"),
// its start ("vertex_ai"), or a vendor name clown uses ("google" = gemini + vertex_ai,
// "qwen" = dashscope, "kimi" = moonshot).
// Case-insensitive.
bool provider_matches(const ModelPrice& price, std::string_view filter);

// What a downloaded file must satisfy before it replaces the stored one
// (docs/cost.md#sync-validation).
inline constexpr size_t k_min_priced_models = 100;
inline constexpr size_t k_max_pricing_bytes = size_t{64} << 20;  // 64 MiB

// Parses and checks a downloaded pricing document: a JSON object (not an HTML
// page, not truncated) with at least k_min_priced_models entries that carry a
// numeric input_cost_per_token, and prices that pass check_prices_against()
// the bundled snapshot. The error says which rule failed.
Expected<PricingTable> validate_pricing_download(std::string_view body);

// Where prices come from: the file `registry sync` stored, or the snapshot
// compiled into clown.
enum class PriceFile { synced, bundled };
const char* to_string(PriceFile file);  // "synced" | "bundled"

// Where the active table came from.
struct PricingSource {
  PriceFile kind = PriceFile::bundled;
  std::string path;        // synced file path, empty for bundled
  std::string source_url;  // from registry.lock when synced
  std::string fetched_at;  // ISO-8601, from registry.lock when synced
  size_t model_count = 0;
};

struct LoadedPricing {
  PricingTable table;
  PricingSource source;
};

// The synced file under $CLOWN_HOME/registry when present and valid, else the
// snapshot compiled into the binary. Never fails: a broken synced file falls
// back to the bundled snapshot (the warning is returned in `warning`).
struct PricingLoadResult {
  LoadedPricing pricing;
  std::string warning;
};
PricingLoadResult load_pricing(const Paths& paths);

// The bundled snapshot alone (generated at build time).
const PricingTable& bundled_pricing();
// Its LiteLLM JSON text, as compiled in (registry/data/litellm-pricing-snapshot.json).
std::string_view bundled_snapshot_json();

}  // namespace clown::registry
