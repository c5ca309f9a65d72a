#pragma once
// Typed rows shared by the importer, the store, reports and the launcher.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace clown::store {

// docs/accuracy.md#token-range: one request's token count above this is not
// real usage (the largest context windows are ~1M tokens); a source line
// carrying one is invalid. Bounded counts also keep every int64 sum exact:
// 4 counts of 10^9 per request overflow only after 2.3 billion requests.
inline constexpr int64_t k_max_request_tokens = 1'000'000'000;
inline bool token_count_in_range(int64_t n) { return n >= 0 && n <= k_max_request_tokens; }

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
  // Every count within [0, k_max_request_tokens].
  bool in_range() const {
    return token_count_in_range(input) && token_count_in_range(output) && token_count_in_range(cache_write_5m) &&
           token_count_in_range(cache_write_1h) && token_count_in_range(cache_read) && token_count_in_range(web_search);
  }
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
  // Identity (docs/accuracy.md#dedup): "req:<request id>" when the API's
  // request id is known, else "msg:<message id>", else a source-specific key.
  std::string key;
  int64_t ts_ms = 0;
  std::string session_id;  // the agent's session id, else the transcript's file name
  std::string model;
  std::string cwd;
  bool sidechain = false;
  TokenCounts tokens;
  std::string query_source;  // what made the request (OTel's query_source), '' unknown
  std::string subagent;      // agentId of a subagent's request, '' for the main agent
};

inline constexpr const char* k_native_profile = "claude-native";
// The profile of an agent's own history read from a home no profile owns:
// "<agent>-native" (claude-native, codex-native, ...).
inline std::string native_profile(const std::string& agent) { return agent + "-native"; }

// The JSON shapes of tokens and cost shared by sessions.jsonl, aggregates.json,
// `clown usage --json` and the API (docs/file-formats.md#tokens-object).
// {"input_tokens","output_tokens","cache_creation_input_tokens","cache_read_input_tokens"}
inline nlohmann::json tokens_json(const TokenCounts& t) {
  return {{"input_tokens", t.input},
          {"output_tokens", t.output},
          {"cache_creation_input_tokens", t.cache_creation()},
          {"cache_read_input_tokens", t.cache_read}};
}

// {"input_cost","output_cost","cache_creation_cost","cache_read_cost","total_cost"}.
// total_cost includes web searches ($0.01 each), which have no part of their
// own in this shape; pass the summed stored totals when there are any.
inline nlohmann::json cost_json(const CostParts& c, double total) {
  return {{"input_cost", c.input},
          {"output_cost", c.output},
          {"cache_creation_cost", c.cache_write},
          {"cache_read_cost", c.cache_read},
          {"total_cost", total}};
}
inline nlohmann::json cost_json(const CostParts& c) { return cost_json(c, c.total()); }

}  // namespace clown::store
