#include "ingest/team_token.hpp"

#include "common/file_io.hpp"
#include "common/format.hpp"

namespace clown::ingest {

namespace {

std::string trimmed(const std::string& text) {
  const size_t end = text.find_last_not_of(" \t\r\n");
  return end == std::string::npos ? std::string() : text.substr(0, end + 1);
}

}  // namespace

fs::path team_token_file(const Paths& paths) { return paths.credentials_dir() / "@team-token"; }

std::optional<std::string> stored_team_token(const Paths& paths) {
  auto text = read_file(team_token_file(paths));
  if (!text) return std::nullopt;
  std::string token = trimmed(*text);
  if (token.empty()) return std::nullopt;
  return token;
}

Expected<std::string> team_token(const Paths& paths, bool rotate) {
  const auto file = team_token_file(paths);
  const std::string token = random_hex_id(32);
  if (!rotate) {
    if (auto stored = stored_team_token(paths); stored && stored->size() >= 32) return *stored;
    TRY(ensure_dir(paths.credentials_dir(), 0700));
    // The daemon's first start and `clown team token` may create it at once:
    // one wins, and both use the winner's.
    TRY_ASSIGN(const bool created, create_file_once(file, token + "\n", 0600));
    if (created) return token;
    if (auto stored = stored_team_token(paths); stored && stored->size() >= 32) return *stored;
    // A token too short to trust is replaced.
  }
  TRY(ensure_dir(paths.credentials_dir(), 0700));
  TRY(write_file_atomic(file, token + "\n", 0600));
  return token;
}

}  // namespace clown::ingest
