#include <catch2/catch.hpp>

#include "ingest/importer.hpp"
#include "ingest/subagent_meta.hpp"
#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace clown;
using namespace clown::ingest;

namespace {

fs::path data_dir(const std::string& version) { return test::source_dir() / "tests" / "data" / "claude" / version; }

std::string line(const std::string& session, const std::string& agent, const std::string& id) {
  return R"({"type":"assistant","isSidechain":true,"agentId":")" + agent + R"(","sessionId":")" + session +
         R"(","timestamp":"2026-11-24T10:00:00.000Z","requestId":"req_)" + id +
         R"(","cwd":"/w","message":{"id":"msg_)" + id +
         R"(","model":"claude-sonnet-4-5","usage":{"input_tokens":1,"output_tokens":2}}})" + "\n";
}

std::vector<store::SubagentRow> stored(const Paths& paths, const std::string& session) {
  auto s = store::Store::open_readonly(paths);
  REQUIRE(s);
  return store::subagents_of((*s)->db(), session);
}

}  // namespace

TEST_CASE("subagents: which transcripts are a subagent's", "[ingest][subagents]") {
  auto row = subagent_of_transcript("/c/projects/-w/1234-ab/subagents/agent-a28685f183a32d87b.jsonl");
  REQUIRE(row);
  CHECK(row->session_id == "1234-ab");
  CHECK(row->agent_id == "a28685f183a32d87b");
  CHECK_FALSE(subagent_of_transcript("/c/projects/-w/1234-ab.jsonl"));
  CHECK_FALSE(subagent_of_transcript("/c/projects/-w/1234-ab/subagents/notes.jsonl"));
  CHECK_FALSE(subagent_of_transcript("/c/projects/-w/1234-ab/other/agent-x.jsonl"));
  CHECK_FALSE(subagent_of_transcript("/c/projects/-w/1234-ab/subagents/agent-x.meta.json"));
  CHECK_FALSE(subagent_of_transcript("/c/projects/-w/1234-ab/subagents/agent-.jsonl"));
  CHECK_FALSE(subagent_of_transcript("subagents/agent-x.jsonl"));
  CHECK_FALSE(subagent_of_transcript("agent-x.jsonl"));
  CHECK_FALSE(subagent_of_transcript("/c/projects/-w/1234-ab/subagents/agent-x.jsonl.bak"));
  auto relative = subagent_of_transcript("s1/subagents/agent-b.jsonl");
  REQUIRE(relative);
  CHECK(relative->session_id == "s1");
  CHECK(relative->agent_id == "b");
}

TEST_CASE("subagents: the real meta.json of both Claude Code versions", "[ingest][subagents]") {
  for (const auto& [version, session, agent] :
       {std::tuple{"2.1.328", "38ea6f6a-66f7-4d28-968e-00148ac4215c", "a28685f183a32d87b"},
        std::tuple{"2.1.197", "855f67bc-7cca-4413-a823-489341e746ab", "a5c1ff54ece3cc7e2"}}) {
    INFO(version);
    const auto path = data_dir(version) / "projects" / "-tmp-clown-capture-work" / session / "subagents" /
                      (std::string("agent-") + agent + ".jsonl");
    auto meta = read_subagent_meta(path.string());
    REQUIRE(meta);
    REQUIRE(*meta);
    CHECK((*meta)->session_id == session);
    CHECK((*meta)->agent_id == agent);
    CHECK((*meta)->agent_type == "general-purpose");
    CHECK((*meta)->description == "Run echo hi");
  }
}

TEST_CASE("subagents: import stores meta.json, warns about a broken one and keeps the requests",
          "[ingest][subagents]") {
  test::TempDir tmp;
  Paths paths{tmp.path() / "home"};
  const auto sub = tmp.path() / "claude" / "projects" / "-w" / "sess-1" / "subagents";
  fs::create_directories(sub);
  test::write_text(sub / "agent-good.jsonl", line("sess-1", "good", "1"));
  test::write_text(sub / "agent-good.meta.json", R"({"agentType":"Explore","description":"Find the tests"})");
  test::write_text(sub / "agent-broken.jsonl", line("sess-1", "broken", "2"));
  test::write_text(sub / "agent-broken.meta.json", R"({"agentType":"Expl)");
  test::write_text(sub / "agent-typed.jsonl", line("sess-1", "typed", "3"));
  test::write_text(sub / "agent-typed.meta.json", R"({"agentType":7})");
  test::write_text(sub / "agent-none.jsonl", line("sess-1", "none", "4"));  // no meta.json (older versions)
  ImportOptions o;
  o.claude_dirs = {tmp.path() / "claude"};
  auto s = import_claude(paths, o);
  REQUIRE(s);
  CHECK(s->new_requests == 4);
  REQUIRE(s->warnings.size() == 2);
  CHECK(s->warnings[0] == (sub / "agent-broken.meta.json").string() +
                              ": not a JSON object (a subagent's meta.json); its type and description are unknown");
  CHECK(s->warnings[1] == (sub / "agent-typed.meta.json").string() +
                              ": agentType and description must be strings; the subagent's type is unknown");
  auto rows = stored(paths, "sess-1");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].agent_id == "good");
  CHECK(rows[0].agent_type == "Explore");
  CHECK(rows[0].description == "Find the tests");

  // A later meta.json (Claude Code rewrites it) replaces what was stored; an
  // unchanged transcript whose subagent is already known is not read again.
  test::write_text(sub / "agent-good.meta.json", R"({"agentType":"Explore","description":"Find and run the tests"})");
  test::write_text(sub / "agent-good.jsonl", line("sess-1", "good", "1") + line("sess-1", "good", "5"));
  s = import_claude(paths, o);
  REQUIRE(s);
  CHECK(s->new_requests == 1);
  rows = stored(paths, "sess-1");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].description == "Find and run the tests");
}
