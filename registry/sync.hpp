#pragma once
// `clown registry sync` (linked only into clownd: it needs cpp-httplib + OpenSSL).
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::registry {

inline constexpr const char* k_default_pricing_url =
    "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json";

struct SyncOptions {
  bool force = false;
  bool offline = false;
  std::string url;  // empty: CLOWN_PRICING_URL, then config.toml pricing_url, then the default
};

struct SyncResult {
  std::string outcome;  // "downloaded" | "not-modified" | "fresh" (within 24 h) | "offline"
  std::string source_url;
  size_t model_count = 0;
  std::string sha256;
  std::string fetched_at;
};

Expected<SyncResult> sync_pricing(const Paths& paths, const SyncOptions& options);
nlohmann::json to_json(const SyncResult& result);

}  // namespace clown::registry
