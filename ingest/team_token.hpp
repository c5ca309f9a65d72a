#pragma once
// The team token (docs/security.md#team): what other machines' OTLP exporters
// send as `Authorization: Bearer <token>` to a central clownd's team listener
// (webui/team_listener.hpp). 64 random hex characters in
// credentials/@team-token (0600), created by `clown team token` or by the
// central daemon's first start.
#include <optional>
#include <string>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::ingest {

fs::path team_token_file(const Paths& paths);

// The stored token as the file holds it now (trimmed; nullopt when missing or
// empty). The team listener reads it for every request, so a rotation counts at once.
std::optional<std::string> stored_team_token(const Paths& paths);

// The stored token, created when missing; `rotate` replaces it (senders with
// the old one get 401 from then on).
Expected<std::string> team_token(const Paths& paths, bool rotate = false);

}  // namespace clown::ingest
