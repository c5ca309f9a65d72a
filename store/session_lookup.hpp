#pragma once
// Finding agent sessions and profiles in the store's history: what
// `clown resume` reopens and what `clown usage --profile` may name.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

namespace clown::store {

// A session as its latest stored request describes it.
struct SessionMatch {
  std::string session_id;
  std::string profile;  // the profile its latest request was attributed to
  std::string project;  // the directory it ran in ('' when unknown)
  int64_t last_ms = 0;  // its latest request
};

// Sessions whose id starts with `prefix`, most recent first. A full scan of
// `requests` (no index on session_id; schema 3 dropped it as no report uses it).
std::vector<SessionMatch> sessions_with_prefix(SQLite::Database& db, const std::string& prefix);

// The session of the most recent request whose profile `accept`s, walking
// back through the time index; nullopt when there is none.
std::optional<SessionMatch> latest_session(SQLite::Database& db, const std::function<bool(const std::string&)>& accept);

// True when requests or runs were recorded under `profile`.
bool profile_in_history(SQLite::Database& db, const std::string& profile);

}  // namespace clown::store
