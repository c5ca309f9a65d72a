#pragma once
// Writes deduplicated requests into the store's `requests` table. A request
// already stored keeps its first attribution (run, profile); a later copy with
// more tokens only raises its counts and cost.
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/cost.hpp"
#include "store/usage_types.hpp"

namespace clown::store {

struct Attribution {
  std::string run_id;
  std::string profile = k_native_profile;
  std::string agent = "claude";
  std::string provider;
  std::string source = "import";  // "run" | "import" | "stats-cache"
  std::string config_dir;
};

enum class WriteOutcome { inserted, upgraded, duplicate };

class RequestWriter {
 public:
  RequestWriter(SQLite::Database& db, PriceResolver& resolver);

  // `cost`, `priced` receive what was computed for this copy.
  WriteOutcome write(const RequestUsage& r, const Attribution& a, CostParts* cost = nullptr, bool* priced = nullptr);

 private:
  SQLite::Statement m_insert;
  SQLite::Statement m_upgrade;
  PriceResolver& m_resolver;
};

// The Claude config dir of a transcript: the parent of its "projects" folder
// (empty when the path has none).
std::string config_dir_of(const std::string& transcript_path);

}  // namespace clown::store
