#include "store/session_lookup.hpp"

#include <algorithm>
#include <map>

#include "store/requests_table.hpp"
#include "store/sql.hpp"

namespace clown::store {

namespace {

using C = RequestColumn;

SessionMatch match_of(const RequestQuery& q) {
  return {std::string(q.text(C::session_id)), std::string(q.text(C::profile)), std::string(q.text(C::project)),
          q.int64(C::ts_ms)};
}

}  // namespace

std::vector<SessionMatch> sessions_with_prefix(SQLite::Database& db, const std::string& prefix) {
  RequestQuery q(db, {C::session_id, C::profile, C::project, C::ts_ms},
                 "WHERE session_id != '' AND substr(session_id, 1, ?) = ? ORDER BY ts_ms");
  q.sql().bind(1, static_cast<int64_t>(prefix.size())).bind(2, std::string_view(prefix));
  std::map<std::string, SessionMatch> latest;  // rows come oldest first: the last one wins
  while (q.next()) {
    auto m = match_of(q);
    auto& slot = latest[m.session_id];
    if (m.project.empty()) m.project = slot.project;  // keep a known directory
    slot = std::move(m);
  }
  std::vector<SessionMatch> out;
  for (auto& [id, m] : latest) out.push_back(std::move(m));
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.last_ms > b.last_ms; });
  return out;
}

std::optional<SessionMatch> latest_session(SQLite::Database& db,
                                           const std::function<bool(const std::string&)>& accept) {
  RequestQuery q(db, {C::session_id, C::profile, C::project, C::ts_ms},
                 "WHERE session_id != '' ORDER BY ts_ms DESC, id DESC");
  while (q.next()) {
    if (!accept(std::string(q.text(C::profile)))) continue;
    auto m = match_of(q);
    // Its directory: the newest of its requests that knows one.
    if (m.project.empty()) {
      auto same = sessions_with_prefix(db, m.session_id);
      if (!same.empty()) m.project = same.front().project;
    }
    return m;
  }
  return std::nullopt;
}

bool profile_in_history(SQLite::Database& db, const std::string& profile) {
  RequestQuery q(db, {C::profile}, "WHERE profile = ? LIMIT 1");
  q.sql().bind(1, std::string_view(profile));
  if (q.next()) return true;
  Sql runs(db, "SELECT 1 FROM runs WHERE profile = ? LIMIT 1");
  runs.bind(1, std::string_view(profile));
  return runs.step();
}

}  // namespace clown::store
