#include "store/rate_limits_table.hpp"

namespace clown::store {

const char* to_string(QuotaWindow window) { return window == QuotaWindow::five_hour ? "five_hour" : "seven_day"; }

std::optional<QuotaWindow> quota_window_from(std::string_view name) {
  if (name == "five_hour") return QuotaWindow::five_hour;
  if (name == "seven_day") return QuotaWindow::seven_day;
  return std::nullopt;
}

bool record_rate_limit(SQLite::Database& db, const RateLimitRow& row, int64_t seen_ms) {
  SQLite::Statement update(db,
                           "UPDATE rate_limits SET last_seen_ms = max(last_seen_ms, ?) "
                           "WHERE profile = ? AND window = ? AND resets_at_ms = ? AND used_percent = ?");
  update.bind(1, seen_ms);
  update.bind(2, row.profile);
  update.bind(3, to_string(row.window));
  update.bind(4, row.resets_at_ms);
  update.bind(5, row.used_percent);
  if (update.exec() > 0) return false;
  SQLite::Statement insert(db,
                           "INSERT INTO rate_limits(profile, window, resets_at_ms, used_percent, first_seen_ms, "
                           "last_seen_ms, session_id) VALUES(?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, row.profile);
  insert.bind(2, to_string(row.window));
  insert.bind(3, row.resets_at_ms);
  insert.bind(4, row.used_percent);
  insert.bind(5, seen_ms);
  insert.bind(6, seen_ms);
  insert.bind(7, row.session_id);
  insert.exec();
  return true;
}

std::vector<RateLimitRow> rate_limit_rows(SQLite::Database& db, std::string_view profile, int64_t since_ms,
                                          int64_t until_ms) {
  SQLite::Statement q(db,
                      "SELECT profile, window, resets_at_ms, used_percent, first_seen_ms, last_seen_ms, session_id "
                      "FROM rate_limits WHERE (? = '' OR profile = ?) AND first_seen_ms >= ? AND first_seen_ms < ? "
                      "ORDER BY window, first_seen_ms, profile");
  const std::string p(profile);
  q.bind(1, p);
  q.bind(2, p);
  q.bind(3, since_ms);
  q.bind(4, until_ms);
  std::vector<RateLimitRow> out;
  while (q.executeStep()) {
    RateLimitRow r;
    r.profile = q.getColumn(0).getString();
    const auto window = quota_window_from(q.getColumn(1).getString());
    if (!window) continue;  // a window a newer clown records
    r.window = *window;
    r.resets_at_ms = q.getColumn(2).getInt64();
    r.used_percent = q.getColumn(3).getDouble();
    r.first_seen_ms = q.getColumn(4).getInt64();
    r.last_seen_ms = q.getColumn(5).getInt64();
    r.session_id = q.getColumn(6).getString();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace clown::store
