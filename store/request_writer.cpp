#include "store/request_writer.hpp"

#include <filesystem>

namespace clown::store {

RequestWriter::RequestWriter(SQLite::Database& db, PriceResolver& resolver) : m_table(db), m_resolver(resolver) {}

WriteOutcome RequestWriter::write(const RequestUsage& r, const Attribution& a) {
  const PricedCost priced = price_request(m_resolver, r.model, r.tokens);
  RequestRecord rec;
  rec.dedup_key = r.key;
  rec.ts_ms = r.ts_ms;
  rec.session_id = r.session_id;
  rec.run_id = a.run_id;
  rec.profile = a.profile;
  rec.agent = a.agent;
  rec.provider = a.provider;
  rec.model = r.model;
  rec.project = r.cwd;
  rec.sidechain = r.sidechain;
  rec.tokens = r.tokens;
  rec.cost = priced.cost;
  rec.priced = priced.priced;
  rec.price_key = priced.price_key;
  rec.source = a.source;
  rec.config_dir = a.config_dir;
  rec.query_source = r.query_source;
  rec.subagent = r.subagent;
  rec.machine = a.machine;
  rec.machine = m_table.machine_of(rec);  // what the observer is told is what is stored
  rec.user = a.user;
  std::string twin;
  if (!m_no_twins && r.key.rfind("req:", 0) != 0 &&
      (a.source == RequestSource::otel || a.source == RequestSource::run || a.source == RequestSource::import)) {
    // Without the API's request id a transcript line and an OTel event of the
    // same request have different keys: find the other one by its content.
    ++m_twin_searches;
    twin = m_table.find_twin(rec, k_twin_slack_ms);
    if (!twin.empty()) {
      if (a.source == RequestSource::otel)
        rec.dedup_key = twin;  // the transcript line's identity stays
      else
        m_table.rekey(twin, rec.dedup_key);
    }
  }
  m_last_key.assign(rec.dedup_key);
  m_last_cost_total = rec.cost.total();
  switch (m_table.upsert(rec)) {
    case RequestTable::Outcome::inserted:
      if (m_observer) m_observer->inserted(rec);
      return WriteOutcome::inserted;
    case RequestTable::Outcome::merged: return WriteOutcome::merged;
    case RequestTable::Outcome::duplicate: return WriteOutcome::duplicate;
  }
  return WriteOutcome::duplicate;
}

std::string config_dir_of(const std::string& transcript_path) {
  std::filesystem::path p(transcript_path);
  std::filesystem::path dir;
  std::filesystem::path found;
  for (const auto& part : p) {
    if (part == "projects") found = dir;
    dir /= part;
  }
  return found.string();
}

}  // namespace clown::store
