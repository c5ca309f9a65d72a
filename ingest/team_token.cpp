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

Expected<std::string> team_token(const Paths& paths, bool rotate) {
  const auto file = team_token_file(paths);
  if (!rotate)
    if (auto text = read_file(file); text && trimmed(*text).size() >= 32) return trimmed(*text);
  TRY(ensure_dir(paths.credentials_dir(), 0700));
  const std::string token = random_hex_id(32);
  TRY(write_file_atomic(file, token + "\n", 0600));
  return token;
}

}  // namespace clown::ingest
