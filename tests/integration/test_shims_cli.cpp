// clown shims install|list|remove and profiles create --shim.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/integration/cli_fixture.hpp"

using namespace clown::test;
using nlohmann::json;

namespace {

void make_profile(const ClownHome& h, const std::string& alias) {
  REQUIRE(h.clown({"profiles", "create", alias, "--provider", "self", "--agent-bin", fake_agent_binary().string()})
              .exit_code == 0);
}

// PATH for clown: the shims dir first (where a user would put it), then the system.
EnvChanges path_with(const fs::path& dir) { return {{"PATH", dir.string() + ":/usr/bin:/bin"}}; }

}  // namespace

TEST_CASE("shims install writes a command per profile that runs clown run ALIAS with the arguments as given") {
  ClownHome h;
  make_profile(h, "work-claude");
  make_profile(h, "tty1");
  const auto dir = h.dir() / "bin";
  auto r = h.clown({"shims", "install", "--dir", dir.string()}, {.env = path_with(dir)});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "Wrote " + (dir / "tty1").string() + " (runs: clown run tty1)\nWrote " +
                     (dir / "work-claude").string() + " (runs: clown run work-claude)\n");
  CHECK(read_text(dir / "work-claude") ==
        "#!/bin/sh\n# clown shim: runs profile 'work-claude' (clown shims remove work-claude deletes it)\n"
        "export CLOWN_HOME='" +
            h.root().string() + "'\nexec '" + clown_binary().string() + "' run 'work-claude' -- \"$@\"\n");
  struct stat st {};
  REQUIRE(::stat((dir / "work-claude").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0755);

  // The shim runs the profile; a leading -- and spaces reach the agent unchanged.
  const auto out = h.dir() / "agent.json";
  ProcessOptions options = h.options();
  options.env["FAKE_AGENT_OUT"] = out.string();
  options.env["CLOWN_HOME"] = std::nullopt;  // the shim names its own
  auto run = run_process({(dir / "work-claude").string(), "--", "-p", "two words"}, options);
  CHECK(run.exit_code == 0);
  const auto argv = json::parse(read_text(out))["argv"];
  CHECK(argv.back() == "two words");
  CHECK(argv[argv.size() - 3] == "--");

  // Installing again replaces the old shims.
  r = h.clown({"shims", "install", "tty1", "--dir", dir.string()}, {.env = path_with(dir)});
  CHECK(r.out == "Replaced " + (dir / "tty1").string() + " (runs: clown run tty1)\n");
}

TEST_CASE("shims never shadow a command or replace a file without --force, and never run themselves") {
  ClownHome h;
  make_profile(h, "ls");
  const auto dir = h.dir() / "bin";
  auto r = h.clown({"shims", "install", "ls", "--dir", dir.string()}, {.env = path_with(dir)});
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("clown: error: 'ls' is already a command (/usr/bin/ls); a shim would shadow it", 0) == 0);
  CHECK_FALSE(fs::exists(dir / "ls"));
  CHECK(h.clown({"shims", "install", "ls", "--dir", dir.string(), "--force"}, {.env = path_with(dir)}).exit_code == 0);

  make_profile(h, "mine");
  write_text(dir / "mine", "#!/bin/sh\necho my own script\n");
  r = h.clown({"shims", "install", "mine", "--dir", dir.string()}, {.env = path_with(dir)});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: " + (dir / "mine").string() + " exists and is not a clown shim; --force replaces it\n");
  CHECK(read_text(dir / "mine") == "#!/bin/sh\necho my own script\n");

  // A profile named like the agent binary clown looks up would start itself.
  REQUIRE(h.clown({"profiles", "create", "claude", "--provider", "self"}).exit_code == 0);
  r = h.clown({"shims", "install", "claude", "--dir", dir.string(), "--force"}, {.env = path_with(dir)});
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("clown: error: a shim named 'claude' would run itself", 0) == 0);

  r = h.clown({"shims", "install", "mnie", "--dir", dir.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown profile 'mnie'; did you mean 'mine'?\n");
}

TEST_CASE("shims list shows clown's shims only, and remove deletes them") {
  ClownHome h;
  make_profile(h, "a");
  make_profile(h, "b");
  const auto dir = h.dir() / "bin";
  REQUIRE(h.clown({"shims", "install", "--dir", dir.string()}, {.env = path_with(dir)}).exit_code == 0);
  write_text(dir / "other", "#!/bin/sh\n");
  REQUIRE(h.clown({"profiles", "delete", "b"}).exit_code == 0);
  auto r = h.clown({"shims", "list", "--dir", dir.string(), "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out) ==
        json::array({{{"alias", "a"}, {"path", (dir / "a").string()}, {"profile_exists", true}},
                     {{"alias", "b"}, {"path", (dir / "b").string()}, {"profile_exists", false}}}));
  r = h.clown({"shims", "list", "--dir", dir.string()});
  CHECK(r.out.find("b        " + (dir / "b").string() + "  missing") != std::string::npos);

  r = h.clown({"shims", "remove", "other", "--dir", dir.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: no clown shim 'other' in " + dir.string() + " (see: clown shims list)\n");
  r = h.clown({"shims", "remove", "b", "--dir", dir.string()});
  CHECK(r.out == "Removed " + (dir / "b").string() + "\n");
  r = h.clown({"shims", "remove", "--dir", dir.string()});
  CHECK(r.out == "Removed " + (dir / "a").string() + "\n");
  CHECK(fs::exists(dir / "other"));
  CHECK(h.clown({"shims", "list", "--dir", dir.string()}).out ==
        "No clown shims in " + dir.string() + " (write them with: clown shims install)\n");
}

TEST_CASE("profiles create --shim writes the command into ~/.local/bin and says when that is not on PATH") {
  ClownHome h;
  auto r =
      h.clown({"profiles", "create", "quick", "--provider", "self", "--shim"}, {.env = {{"PATH", "/usr/bin:/bin"}}});
  REQUIRE(r.exit_code == 0);
  const auto bin = h.user_home() / ".local" / "bin";
  CHECK(r.out == "Created profile 'quick' (claude via self). Start it with: clown run quick\nWrote " +
                     (bin / "quick").string() + " (runs: clown run quick)\n" + bin.string() +
                     " is not on your PATH; add it, e.g. export PATH=\"" + bin.string() + ":$PATH\"\n");
  CHECK(fs::exists(bin / "quick"));
}
