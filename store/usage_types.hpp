#pragma once
// Typed rows shared by the importer, the store, reports and the launcher.
#include <cstdint>
#include <string>

namespace clown::store {

struct TokenCounts {
  int64_t input = 0;
  int64_t output = 0;
  int64_t cache_write_5m = 0;  // usage.cache_creation.ephemeral_5m_input_tokens
  int64_t cache_write_1h = 0;  // usage.cache_creation.ephemeral_1h_input_tokens
  int64_t cache_read = 0;      // usage.cache_read_input_tokens
  int64_t web_search = 0;      // usage.server_tool_use.web_search_requests

  int64_t cache_creation() const { return cache_write_5m + cache_write_1h; }
  int64_t total() const { return input + output + cache_creation() + cache_read; }
  TokenCounts& operator+=(const TokenCounts& o) {
    input += o.input;
    output += o.output;
    cache_write_5m += o.cache_write_5m;
    cache_write_1h += o.cache_write_1h;
    cache_read += o.cache_read;
    web_search += o.web_search;
    return *this;
  }
  bool operator==(const TokenCounts&) const = default;
};

// USD. cache_write covers 5-minute and 1-hour writes; web_search is $0.01 each.
struct CostParts {
  double input = 0;
  double output = 0;
  double cache_write = 0;
  double cache_read = 0;
  double web_search = 0;

  double total() const { return input + output + cache_write + cache_read + web_search; }
  CostParts& operator+=(const CostParts& o) {
    input += o.input;
    output += o.output;
    cache_write += o.cache_write;
    cache_read += o.cache_read;
    web_search += o.web_search;
    return *this;
  }
};

// One API request as a source reports it (a transcript line, ...), before it
// is priced and attributed.
struct RequestUsage {
  std::string key;  // dedup key: message.id + "|" + requestId
  int64_t ts_ms = 0;
  std::string session_id;  // the agent's session id, else the transcript's file name
  std::string model;
  std::string cwd;
  bool sidechain = false;
  TokenCounts tokens;
};

// One deduplicated API request, as stored in the `requests` table.
struct RequestRow {
  std::string dedup_key;   // message.id + "|" + requestId (requestId may be empty)
  int64_t ts_ms = 0;       // UTC epoch ms of the transcript line
  std::string session_id;  // agent session id
  std::string run_id;      // clown run id; empty for imported history
  std::string profile;     // clown profile; "claude-native" for unattributed imports
  std::string agent;       // "claude"
  std::string provider;    // provider id; empty when unknown
  std::string model;
  std::string project;  // cwd recorded in the transcript
  bool sidechain = false;
  TokenCounts tokens;
  CostParts cost;
  bool priced = false;    // false: model resolved to no price (reported, never $0 silently)
  std::string price_key;  // LiteLLM key used
  std::string source;     // "run" | "import" | "stats-cache"
};

inline constexpr const char* k_native_profile = "claude-native";

}  // namespace clown::store
