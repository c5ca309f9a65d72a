#pragma once
// Helpers for the e2e tests of Codex CLI and Gemini CLI: the installed CLIs,
// their test providers (fake_openai, fake_gemini) and the sums of what those
// answered.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/e2e/e2e_support.hpp"

namespace clown::e2e {

// <build dir>/e2e/<agent>-<version>/node_modules/.bin/<agent>; fails the test
// naming tests/e2e/setup-agents when it is missing (never skips).
fs::path agent_bin(const std::string& agent, const std::string& version);

// A test provider (fake_openai or fake_gemini) on an ephemeral port.
class FakeServer {
 public:
  FakeServer(const std::string& binary, const fs::path& dir, uint64_t seed, const std::vector<std::string>& extra = {});
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  // Every request it recorded, in order.
  std::vector<json> records() const { return read_jsonl(m_record); }

 private:
  pid_t m_pid = -1;
  int m_port = 0;
  fs::path m_record;
};

// What answered requests carried, in clown's terms: input without cache
// reads (tool-use prompt tokens included), cache reads, output (reasoning /
// thoughts included).
struct Answered {
  int64_t input = 0, cache_read = 0, output = 0, requests = 0;
  bool operator==(const Answered&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Answered& a);

// Responses API answers (fake_openai records with status 200 and usage).
Answered openai_answered(const std::vector<json>& records);
// Gemini API answers (fake_gemini records with usage).
Answered gemini_answered(const std::vector<json>& records);
// The same four numbers of a sessions.jsonl line or a report's tokens.
Answered answered_of(const json& tokens, int64_t requests);

// Creates a profile for `agent` against `url` with the key on stdin.
void create_agent_profile(const World& world, const std::string& agent, const std::string& alias,
                          const std::string& url, const std::string& model, const fs::path& bin, bool isolate);

// `clown <args>` with the key-less environment of the world and `extra`.
json clown_json(const World& world, const std::vector<std::string>& args);

}  // namespace clown::e2e
