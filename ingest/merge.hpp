#pragma once
// `clown usage merge FILE…`: requests exported on other machines (`clown
// usage export --format jsonl`, docs/file-formats.md#export-jsonl) into this
// store, idempotently: a request is identified by its id ('req:'/'msg:'
// keys) or, without one, by its key and the machine that counted it; rows
// this machine counted itself are skipped. All files or none are merged.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::ingest {

struct MergeSummary {
  int64_t files = 0;
  int64_t requests = 0;    // request lines read
  int64_t inserted = 0;    // new to this store
  int64_t updated = 0;     // a stored request got more tokens or a field it lacked
  int64_t duplicates = 0;  // already stored as they are
  int64_t own = 0;         // counted on this machine: skipped
  std::vector<std::string> warnings;
};
nlohmann::json to_json(const MergeSummary& summary);

Expected<MergeSummary> merge_files(const Paths& paths, const std::vector<std::filesystem::path>& files);

// The key a merged request is stored under: its own when it names the
// request ('req:', 'msg:') or was merged before ('m:'), else
// "m:<machine>|<key>" (a key such as "stats-cache|<dir>|<model>" means
// something else on every machine).
std::string merged_key(const std::string& key, const std::string& machine);

}  // namespace clown::ingest
