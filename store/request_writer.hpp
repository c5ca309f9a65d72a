#pragma once
// Prices requests and stores them once (store/requests_table.hpp). A request
// already stored keeps its first attribution (run, profile); a later copy with
// more tokens only raises its counts and cost (docs/accuracy.md#dedup).
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/cost.hpp"
#include "store/requests_table.hpp"
#include "store/usage_types.hpp"

namespace clown::store {

enum class WriteOutcome { inserted, merged, duplicate };

// A transcript line and an OTel event of the same request without a request
// id are matched by content within this many ms of each other (both stamp the
// response's arrival on the same machine).
inline constexpr int64_t k_twin_slack_ms = 5000;

// Told of every request a writer inserts, with the values stored
// (ingest/bulk_rollup.hpp sums a cold import's rows as they are stored).
class InsertObserver {
 public:
  virtual ~InsertObserver() = default;
  virtual void inserted(const RequestRecord& stored) = 0;
};

class RequestWriter {
 public:
  RequestWriter(SQLite::Database& db, PriceResolver& resolver);
  WriteOutcome write(const RequestUsage& request, const Attribution& attribution);
  RequestTable& table() { return m_table; }
  // The dedup_key the last write stored under (a twin's key when it found one).
  const std::string& last_key() const { return m_last_key; }
  // The cost_total the last write priced the request at (stored when inserted).
  double last_cost_total() const { return m_last_cost_total; }

  // For a load into an empty `requests` table that stores no OpenTelemetry
  // events (a cold import of transcripts): a request without an API request
  // id can have no twin then, so none is searched for. The search filters
  // by time and session, which a bulk load has no index for yet: one full
  // table scan per request otherwise (minutes for a history of transcripts
  // without request ids).
  void assume_no_twins() { m_no_twins = true; }
  // How many twin searches ran (tests).
  int64_t twin_searches() const { return m_twin_searches; }
  // Tells `observer` (null: nobody) of every insert from now on.
  void observe_inserts(InsertObserver* observer) { m_observer = observer; }

 private:
  RequestTable m_table;
  PriceResolver& m_resolver;
  std::string m_last_key;
  double m_last_cost_total = 0;
  bool m_no_twins = false;
  int64_t m_twin_searches = 0;
  InsertObserver* m_observer = nullptr;
};

// The Claude config dir of a transcript: the parent of its "projects" folder
// (empty when the path has none).
std::string config_dir_of(const std::string& transcript_path);

}  // namespace clown::store
