#include "store/request_writer.hpp"

#include <filesystem>

namespace clown::store {

RequestWriter::RequestWriter(SQLite::Database& db, PriceResolver& resolver)
    : m_insert(db,
               "INSERT OR IGNORE INTO requests(dedup_key, ts_ms, session_id, run_id, profile, agent, provider, "
               "model, project, sidechain, input, output, cache_write_5m, cache_write_1h, cache_read, web_search, "
               "cost_input, cost_output, cost_cache_write, cost_cache_read, cost_web_search, cost_total, priced, "
               "price_key, source, config_dir) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
      m_upgrade(db,
                "UPDATE requests SET input=?, output=?, cache_write_5m=?, cache_write_1h=?, cache_read=?, "
                "web_search=?, cost_input=?, cost_output=?, cost_cache_write=?, cost_cache_read=?, "
                "cost_web_search=?, cost_total=? WHERE dedup_key=? AND "
                "(input+output+cache_write_5m+cache_write_1h+cache_read < ? OR "
                "(input+output+cache_write_5m+cache_write_1h+cache_read = ? AND web_search < ?))"),
      m_resolver(resolver) {}

WriteOutcome RequestWriter::write(const RequestUsage& r, const Attribution& a, CostParts* cost_out, bool* priced_out) {
  CostParts cost;
  bool priced = false;
  std::string price_key;
  price_request(m_resolver, r.model, r.tokens, cost, priced, price_key);
  if (cost_out) *cost_out = cost;
  if (priced_out) *priced_out = priced;
  const auto& t = r.tokens;

  auto& s = m_insert;
  int i = 1;
  s.bindNoCopy(i++, r.key);
  s.bind(i++, static_cast<int64_t>(r.ts_ms));
  s.bindNoCopy(i++, r.session_id);
  s.bindNoCopy(i++, a.run_id);
  s.bindNoCopy(i++, a.profile);
  s.bindNoCopy(i++, a.agent);
  s.bindNoCopy(i++, a.provider);
  s.bindNoCopy(i++, r.model);
  s.bindNoCopy(i++, r.cwd);
  s.bind(i++, r.sidechain ? 1 : 0);
  s.bind(i++, static_cast<int64_t>(t.input));
  s.bind(i++, static_cast<int64_t>(t.output));
  s.bind(i++, static_cast<int64_t>(t.cache_write_5m));
  s.bind(i++, static_cast<int64_t>(t.cache_write_1h));
  s.bind(i++, static_cast<int64_t>(t.cache_read));
  s.bind(i++, static_cast<int64_t>(t.web_search));
  s.bind(i++, cost.input);
  s.bind(i++, cost.output);
  s.bind(i++, cost.cache_write);
  s.bind(i++, cost.cache_read);
  s.bind(i++, cost.web_search);
  s.bind(i++, cost.total());
  s.bind(i++, priced ? 1 : 0);
  s.bindNoCopy(i++, price_key);
  s.bindNoCopy(i++, a.source);
  s.bindNoCopy(i++, a.config_dir);
  int changed = s.exec();
  s.reset();
  if (changed > 0) return WriteOutcome::inserted;

  auto& u = m_upgrade;
  i = 1;
  u.bind(i++, static_cast<int64_t>(t.input));
  u.bind(i++, static_cast<int64_t>(t.output));
  u.bind(i++, static_cast<int64_t>(t.cache_write_5m));
  u.bind(i++, static_cast<int64_t>(t.cache_write_1h));
  u.bind(i++, static_cast<int64_t>(t.cache_read));
  u.bind(i++, static_cast<int64_t>(t.web_search));
  u.bind(i++, cost.input);
  u.bind(i++, cost.output);
  u.bind(i++, cost.cache_write);
  u.bind(i++, cost.cache_read);
  u.bind(i++, cost.web_search);
  u.bind(i++, cost.total());
  u.bind(i++, r.key);
  u.bind(i++, static_cast<int64_t>(t.total()));
  u.bind(i++, static_cast<int64_t>(t.total()));
  u.bind(i++, static_cast<int64_t>(t.web_search));
  changed = u.exec();
  u.reset();
  return changed > 0 ? WriteOutcome::upgraded : WriteOutcome::duplicate;
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
