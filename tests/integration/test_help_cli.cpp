// Help that helps: mistyped commands, profiles, providers, agents, reports
// and periods name the closest match; exit 2.
#include <catch2/catch.hpp>

#include "tests/integration/cli_fixture.hpp"
#include "tests/reports/seed.hpp"

using namespace clown::test;

namespace {

const std::string k_usage_hint = "Run 'clown --help' (or 'clown <command> --help') for usage.\n";

}  // namespace

TEST_CASE("a mistyped command says which one was meant, exit 2") {
  ClownHome h;
  auto r = h.clown({"usgae"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "clown: error: unknown command 'usgae'; did you mean 'usage'?\n" + k_usage_hint);

  r = h.clown({"profiles", "lst"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown command 'lst'; did you mean 'list'?\n" + k_usage_hint);

  // Options before the word do not hide it; report names are commands too.
  r = h.clown({"usage", "--period", "month", "dayly"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown command 'dayly'; did you mean 'daily'?\n" + k_usage_hint);

  // Nothing close: the commands there are.
  r = h.clown({"agents", "frobnicate"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown command 'frobnicate' (commands of 'agents': list)\n" + k_usage_hint);

  // An extra argument to a command without subcommands keeps CLI11's message.
  r = h.clown({"profiles", "show", "a", "b"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: The following argument was not expected: b\n" + k_usage_hint);
}

TEST_CASE("mistyped profiles, providers, agents and periods name the closest match, exit 2") {
  ClownHome h;
  REQUIRE(h.clown({"profiles", "create", "tty1", "--provider", "self"}).exit_code == 0);
  REQUIRE(h.clown({"profiles", "create", "work", "--provider", "self"}).exit_code == 0);
  for (const auto& args : std::vector<std::vector<std::string>>{{"run", "tyy1"},
                                                                {"profiles", "show", "tyy1"},
                                                                {"usage", "--profile", "tyy1"},
                                                                {"usage", "export", "--profile", "tyy1"}}) {
    auto r = h.clown(args);
    INFO(args[0] << " " << args[1]);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "clown: error: unknown profile 'tyy1'; did you mean 'tty1'?\n");
  }
  auto r = h.clown({"profiles", "create", "x", "--provider", "zia"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown provider 'zia'; did you mean 'zai'?\n");
  r = h.clown({"providers", "show", "openroutr"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown provider 'openroutr'; did you mean 'openrouter'?\n");
  r = h.clown({"profiles", "create", "x", "--provider", "self", "--agent", "cluade"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown agent 'cluade'; did you mean 'claude'?\n");
  r = h.clown({"usage", "--period", "mnth"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown period 'mnth'; did you mean 'month'?\n");
}

TEST_CASE("clown usage --profile accepts profiles and names in the history, refuses the rest") {
  ClownHome h;
  seed(h.paths(), fixture_requests(), fixture_runs());
  REQUIRE(h.clown({"profiles", "create", "fresh", "--provider", "self"}).exit_code == 0);
  // A profile without usage yet, and a name only the history knows.
  auto r = h.clown({"usage", "--period", "all", "--profile", "fresh", "--json"});
  CHECK(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["total_requests"] == 0);
  r = h.clown({"usage", "--period", "all", "--profile", "claude-native", "--json"});
  CHECK(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["total_requests"] == 2);
  r = h.clown({"usage", "--period", "all", "--profile", "nosuch"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "clown: error: unknown profile 'nosuch'; known profiles: fresh\n");
}

TEST_CASE("clown run without a profile lists the profiles, exit 2") {
  ClownHome h;
  auto r = h.clown({"run"});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "clown: error: which profile? clown run ALIAS [-- AGENT ARGS...]; no profiles yet — create one with: clown "
        "profiles create work-claude --provider anthropic\n");
  REQUIRE(h.clown({"profiles", "create", "b", "--provider", "self"}).exit_code == 0);
  REQUIRE(h.clown({"profiles", "create", "a", "--provider", "self"}).exit_code == 0);
  r = h.clown({"run"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: which profile? clown run ALIAS [-- AGENT ARGS...]; profiles: a, b\n");
}
