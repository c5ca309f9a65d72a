// clown resume: finds the session in the store and reruns its profile with
// --resume, in the directory the session ran in.
#include <catch2/catch.hpp>

#include "tests/integration/cli_fixture.hpp"
#include "tests/reports/seed.hpp"

using namespace clown::test;
using nlohmann::json;

namespace {

const std::string k_first = "aaaa1111-0000-4000-8000-000000000001";
const std::string k_second = "aaaa2222-0000-4000-8000-000000000002";
const std::string k_native = "bbbb3333-0000-4000-8000-000000000003";
const std::string k_gone = "cccc4444-0000-4000-8000-000000000004";

struct ResumeHome {
  ClownHome h;
  fs::path project = h.dir() / "proj";
  fs::path out = h.dir() / "agent.json";
  ResumeHome() {
    fs::create_directories(project);
    REQUIRE(h.clown({"profiles", "create", "work", "--provider", "self", "--agent-bin", fake_agent_binary().string()})
                .exit_code == 0);
    REQUIRE(h.clown({"profiles", "create", "idle", "--provider", "self", "--agent-bin", fake_agent_binary().string()})
                .exit_code == 0);
    seed(h.paths(), {make_request("2026-11-20T10:00:00.000Z", k_first, "work", "claude-sonnet-4-5", project.string()),
                     make_request("2026-11-21T10:00:00.000Z", k_second, "work", "claude-sonnet-4-5", project.string()),
                     make_request("2026-11-22T10:00:00.000Z", k_native, "claude-native", "claude-sonnet-4-5", "/x"),
                     make_request("2026-11-23T10:00:00.000Z", k_gone, "gone", "claude-sonnet-4-5", "/x")});
  }
  ProcessResult resume(std::vector<std::string> args) const {
    args.insert(args.begin(), "resume");
    return h.clown(args, {.env = {{"FAKE_AGENT_OUT", out.string()}, {"FAKE_AGENT_EXIT", "7"}}});
  }
  json agent() const { return json::parse(read_text(out)); }
};

}  // namespace

TEST_CASE("clown resume reruns the owning profile with --resume in the session's directory") {
  ResumeHome t;
  auto r = t.resume({"aaaa1"});
  CHECK(r.exit_code == 7);  // the agent's status
  const auto agent = t.agent();
  const auto& argv = agent["argv"];
  REQUIRE(argv.size() == 5);
  CHECK(argv[1] == "--settings");  // a session: hooks and the profile's settings
  CHECK(argv[3] == "--resume");
  CHECK(argv[4] == k_first);
  CHECK(agent["cwd"] == t.project.string());
  // The run is the profile's.
  auto lines = t.h.session_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["profile"] == "work");
  CHECK(lines[0]["cwd"] == t.project.string());

  // Arguments after -- follow the session id, unchanged.
  REQUIRE(t.resume({k_first.substr(0, 8), "--", "--model", "claude-opus-4-5", "--"}).exit_code == 7);
  const auto argv2 = t.agent()["argv"];
  REQUIRE(argv2.size() == 8);
  CHECK(argv2[4] == k_first);
  CHECK(argv2[5] == "--model");
  CHECK(argv2[6] == "claude-opus-4-5");
  CHECK(argv2[7] == "--");
}

TEST_CASE("clown resume --last takes the newest session of an existing profile") {
  ResumeHome t;
  REQUIRE(t.resume({"--last"}).exit_code == 7);
  CHECK(t.agent()["argv"][4] == k_second);  // not the newer claude-native or deleted-profile sessions
  REQUIRE(t.resume({"--last", "--profile", "work"}).exit_code == 7);
  CHECK(t.agent()["argv"][4] == k_second);
  auto r = t.resume({"--last", "--profile", "idle"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: no session of profile 'idle' yet; start one with: clown run idle\n");
  r = t.resume({"--last", "--profile", "wrok"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown profile 'wrok'; did you mean 'work'?\n");
}

TEST_CASE("clown resume says what to do for unknown, ambiguous, imported and orphaned sessions") {
  ResumeHome t;
  auto r = t.resume({"aaaa"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: 'aaaa' starts 2 sessions: " + k_second + " (work), " + k_first +
                     " (work); give more of the id\n");
  r = t.resume({"ffff"});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "clown: error: no session 'ffff' in clown's history (list them with: clown usage sessions --period all)\n");
  r = t.resume({k_native});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: session " + k_native +
                     " was not run by a clown profile (it comes from Claude Code's own history); resume it with: "
                     "claude --resume " +
                     k_native + "\n");
  r = t.resume({"cccc"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: session " + k_gone +
                     " belongs to profile 'gone', which no longer exists; profiles: idle, work\n");
  r = t.resume({});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: give a session id (or its start), or --last\n");
  r = t.resume({k_first, "--profile", "work"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: --profile goes with --last (a session id already names its profile)\n");
  CHECK_FALSE(fs::exists(t.out));  // no agent was started
}
