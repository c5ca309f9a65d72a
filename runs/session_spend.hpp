#pragma once
// The spend of a session in progress, read from its Claude Code transcript
// incrementally for `clown statusline` (docs/api.md#statusline): each update
// parses only the lines appended since the last one (the offset and the
// requests seen so far are kept in telemetry/statusline/sessions/), and
// prices new requests with the model prices remembered there, so the price
// table is loaded only for a model not seen before in the session.
#include <string>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/statusline.hpp"

namespace clown::runs {

// The session's requests so far, priced like the store prices them
// (store/cost.hpp; an unpriced model counts $0). An unreadable transcript is
// an error (the caller falls back to Claude Code's own estimate).
Expected<reports::SessionSpend> read_session_spend(const Paths& paths, const std::string& session_id,
                                                   const std::string& transcript_path);

// read_session_spend as the statusline's reader: nullopt when the input
// names no transcript or it cannot be read.
reports::SessionSpendReader session_spend_reader(const Paths& paths);

}  // namespace clown::runs
