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
  if (!rotate)
    if (auto stored = stored_team_token(paths); stored && stored->size() >= 32) return *stored;
  TRY(ensure_dir(paths.credentials_dir(), 0700));
  const std::string token = random_hex_id(32);
  TRY(write_file_atomic(team_token_file(paths), token + "\n", 0600));
  return token;
}

}  // namespace clown::ingest
