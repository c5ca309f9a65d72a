#pragma once
// Reads Claude Code transcripts (docs/accuracy.md#usage-line): finds
// the lines that carry usage before parsing anything, parses only those (with
// simdjson on-demand, never a DOM), and counts each API request once.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "store/usage_types.hpp"

namespace clown::ingest {

struct ParseStats {
  int64_t lines = 0;          // complete lines seen
  int64_t usage_lines = 0;    // lines whose usage was read
  int64_t skipped_lines = 0;  // unreadable: truncated, invalid JSON/UTF-8, null or missing usage fields
  int64_t synthetic = 0;      // "<synthetic>" model lines (no real usage)
  int64_t duplicates = 0;     // copies of a request already seen in the same scan

  ParseStats& operator+=(const ParseStats& o) {
    lines += o.lines;
    usage_lines += o.usage_lines;
    skipped_lines += o.skipped_lines;
    synthetic += o.synthetic;
    duplicates += o.duplicates;
    return *this;
  }
};

// Requests counted once: Claude Code writes one line per content block with
// the same message.id / requestId and usage, older versions wrote streaming
// partials with a smaller output_tokens first, and resumed sessions copy old
// messages into new files. The copy with the most tokens wins.
class RequestSet {
 public:
  // Returns true when the request was new. `request` is moved from only when
  // it is kept (new, or a larger copy): a caller reusing it keeps its buffers.
  bool add(store::RequestUsage&& request);
  const std::vector<store::RequestUsage>& requests() const { return m_requests; }
  std::vector<store::RequestUsage> take() {
    m_slots.clear();
    return std::move(m_requests);
  }
  size_t size() const { return m_requests.size(); }

 private:
  void grow();
  std::vector<store::RequestUsage> m_requests;
  // Open addressing over the requests' own keys (no copy of a key, no node
  // per request: every usage line of an import passes here): 1 + the
  // request's index, 0 = free; a power of two, at most half full.
  std::vector<uint32_t> m_slots;
};

// Keeps the larger copy (more tokens; on a tie the one already held).
bool more_tokens(const store::TokenCounts& candidate, const store::TokenCounts& held);

class LineParser {
 public:
  LineParser();
  ~LineParser();
  LineParser(const LineParser&) = delete;
  LineParser& operator=(const LineParser&) = delete;

  // Parses the complete lines of `data` (each ends with '\n', except possibly
  // the last when `last_is_partial_ok`). `data` must be followed by at least
  // k_padding readable bytes (simdjson reads ahead). Found requests go to
  // `out`; `fallback_session` names the session when a line has no sessionId.
  void parse(std::string_view data, std::string_view fallback_session, RequestSet& out, ParseStats& stats);

  // Claude Code's `cost-state` lines seen by parse() since the last call (raw
  // text, in file order): its own running totals (ingest/session_claims.hpp).
  std::vector<std::string> take_cost_states();
  size_t cost_state_count() const;

  static constexpr size_t k_padding = 64;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Result of reading one transcript file from a byte offset.
struct FileScan {
  RequestSet requests;
  ParseStats stats;
  std::vector<std::string> cost_states;  // raw cost-state lines, in file order
  uint64_t end_offset = 0;               // offset just past the last complete line
  uint64_t bytes_read = 0;
  bool last = true;  // false: a chunk of the file, more follow (scan_transcript_chunks)
};

struct ScanOptions {
  uint64_t offset = 0;
  // A last line without '\n' may still be being written. When true it is
  // parsed (and counted as skipped if unreadable) but end_offset stays before
  // it, so the next incremental read starts there again.
  bool read_partial_tail = true;
  // Lines longer than this are tool output (images, whole files), never an
  // API response's usage line: they are skipped (and counted) without being
  // held in memory.
  size_t max_line = 64u << 20;
  // scan_transcript_chunks hands over what it found once it holds this many
  // requests (after the read that got there).
  size_t chunk_requests = 4096;
};

// Reads with large buffered reads; memory stays bounded by the longest line
// and the file's requests.
Expected<FileScan> scan_transcript(const std::filesystem::path& path, const ScanOptions& options, LineParser& parser);

// Streams a file of any size: `sink` receives its requests in chunks (each
// with its own stats, cost-state lines and bytes, and end_offset so far; the
// last chunk has last=true), so memory stays bounded by a chunk and the longest
// line. A request whose copies fall into two chunks comes in both: the store
// keeps one (store/request_writer.hpp). After an error some chunks may have
// been handed over, but never the last.
using ScanSink = std::function<void(FileScan&& chunk)>;
Expected<void> scan_transcript_chunks(const std::filesystem::path& path, const ScanOptions& options, LineParser& parser,
                                      const ScanSink& sink);

namespace detail {
// The first raw `"usage"` (quotes included) in [p, end), or nullptr: what
// LineParser looks for before it parses a line. Uses the widest vectors the
// CPU has, up to `widest` (tests compare every path).
enum class Simd { sse2, avx2, avx512 };
const char* find_usage_key(const char* p, const char* end, Simd widest = Simd::avx512);
}  // namespace detail

}  // namespace clown::ingest
