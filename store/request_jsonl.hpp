#pragma once
// The portable form of stored requests (docs/file-formats.md#export-jsonl):
// `clown usage export --format jsonl` writes a header line
// {"format":"clown-requests","version":1,"machine":…,"exported_at":…,…}
// then one JSON object per request holding every `requests` column but `id`;
// `clown usage merge` reads it back into the same RequestRecord.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "store/requests_table.hpp"

namespace clown::store {

inline constexpr const char* k_export_format = "clown-requests";
inline constexpr int k_export_version = 1;

// One request as a line; `machine` replaces the row's '' (this machine).
nlohmann::json request_line(const RequestRecord& record, std::string_view machine);

// A request read back from a line: owns the text RequestRecord views.
struct ParsedRequest {
  std::string dedup_key, session_id, run_id, profile, agent, provider, model, project, price_key, config_dir,
      query_source, subagent, machine, user;
  RequestRecord record;  // views into the strings above (do not copy a ParsedRequest)

  ParsedRequest() = default;
  ParsedRequest(const ParsedRequest&) = delete;
  ParsedRequest& operator=(const ParsedRequest&) = delete;
};

// Fills `out` from one line's object; the error says which field is wrong.
Expected<void> parse_request_line(const nlohmann::json& line, ParsedRequest& out);

}  // namespace clown::store
