#pragma once
// The whole text of an agent's log file (a Codex rollout, a Gemini CLI chat),
// decompressed when its name ends in .zst, and followed by simdjson's padding
// so any line of it can be parsed in place.
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace clown::ingest {

class LogText {
 public:
  // Reads the file; `.zst` files are zstd-decompressed (Codex compresses idle
  // rollouts, docs/accuracy.md#codex).
  static Expected<LogText> read(const std::filesystem::path& path);
  static LogText copy_of(std::string_view text);

  std::string_view text() const { return {m_buf.data(), m_size}; }
  // Bytes of the file as stored (compressed size for .zst).
  size_t stored_bytes() const { return m_stored; }

 private:
  void pad();
  std::string m_buf;
  size_t m_size = 0;
  size_t m_stored = 0;
};

// Calls fn(line, complete) for each non-blank line with surrounding spaces,
// tabs and '\r' trimmed; `complete` is false for a last line without '\n'
// (an agent may still be writing it).
template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* le = nl ? nl : end;
    const char* ls = p;
    p = nl ? nl + 1 : end;
    while (ls < le && (*ls == ' ' || *ls == '\t' || *ls == '\r')) ++ls;
    while (le > ls && (le[-1] == ' ' || le[-1] == '\t' || le[-1] == '\r')) --le;
    if (ls != le) fn(std::string_view(ls, static_cast<size_t>(le - ls)), nl != nullptr);
  }
}

}  // namespace clown::ingest
