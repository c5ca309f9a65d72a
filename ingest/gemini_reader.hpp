#pragma once
// Reads Gemini CLI's chat files and its local telemetry file
// (docs/accuracy.md#gemini): $GEMINI_CLI_HOME/.gemini/tmp/<project>/chats/
// session-*.jsonl (and older session-*.json), subagents in
// chats/<parent session>/<subagent session>.jsonl.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "ingest/transcript_parser.hpp"

namespace clown::ingest {

struct GeminiChatFile {
  std::string path;
  std::string parent_session;  // the main session of a subagent's file, else ""
  std::string cwd;             // the project directory (from projects.json), "" when unknown
};

struct GeminiChatScan {
  std::vector<store::RequestUsage> requests;  // one per gemini message with tokens, keyed "msg:<id>"
  ParseStats stats;
  std::string session_id;
  uint64_t bytes_read = 0;
};

// Every `gemini` message with tokens, from message records and `$set.messages`
// arrays alike; the last record of an id that has tokens wins (records are
// re-appended when they change); `$rewindTo` is ignored (a rewound answer was
// billed). Tokens: input − cached is uncached input, plus `tool` (prompt
// side); cached are cache reads; output + thoughts is output.
GeminiChatScan parse_gemini_chat(std::string_view text, const GeminiChatFile& file);
Expected<GeminiChatScan> scan_gemini_chat(const GeminiChatFile& file);

// Every chat file under a Gemini CLI home (the folder holding .gemini/), sorted.
std::vector<GeminiChatFile> list_gemini_chats(const std::filesystem::path& gemini_home);

// The chat file a path names, with its parent session and project found from
// where it lies (for paths a hook reported).
GeminiChatFile gemini_chat_file(const std::filesystem::path& path);

// Requests in a local telemetry file (GEMINI_TELEMETRY_OUTFILE: concatenated
// JSON objects) that no chat file records: `gemini_cli.api_response` events
// whose role is neither `main` nor `subagent` (session summaries, next-speaker
// checks, compression, …). Keyed "gemini-utility:<session>:<prompt id>:<time>".
std::vector<store::RequestUsage> parse_gemini_utility_requests(std::string_view telemetry, ParseStats& stats);

}  // namespace clown::ingest
