#pragma once
// `clown registry sync` (linked only into clownd: it needs cpp-httplib + OpenSSL).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "registry/pricing_table.hpp"

namespace clown::registry {

inline constexpr const char* k_default_pricing_url =
    "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json";

struct SyncOptions {
  bool force = false;
  bool offline = false;
  std::string url;  // empty: CLOWN_PRICING_URL, then config.toml pricing_url, then the default
};

enum class SyncOutcome {
  downloaded,    // a new file replaced the stored one
  not_modified,  // the server answered 304: the stored file is current
  fresh,         // synced less than 24 h ago: nothing asked
  offline,       // --offline: nothing asked
};
const char* to_string(SyncOutcome outcome);  // "downloaded" | "not-modified" | "fresh" | "offline"

struct SyncResult {
  SyncOutcome outcome = SyncOutcome::offline;
  std::string source_url;
  size_t model_count = 0;
  std::string sha256;
  std::string fetched_at;
  PriceFile source = PriceFile::synced;  // bundled: offline with nothing stored
  std::string path;                      // the stored file, empty when bundled
  int64_t age_seconds = 0;               // "fresh": how long ago the stored file was fetched
};

// The URL a sync uses: --url, then CLOWN_PRICING_URL, then config.toml
// [registry] pricing_url, then k_default_pricing_url.
Expected<std::string> resolve_pricing_url(const Paths& paths, const SyncOptions& options);

// One line for humans, e.g. "Downloaded 2,345 models from <url>".
std::string describe(const SyncResult& result);

Expected<SyncResult> sync_pricing(const Paths& paths, const SyncOptions& options);
nlohmann::json to_json(const SyncResult& result);

}  // namespace clown::registry
