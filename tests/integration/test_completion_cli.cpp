// Shell completions generated from the CLI definition: the scripts are
// sourced in bash, zsh and fish and asked for candidates; plus clown(1).
#include <catch2/catch.hpp>

#include "tests/integration/cli_fixture.hpp"
#include "tests/reports/seed.hpp"

using namespace clown::test;

namespace {

struct CompletionHome {
  ClownHome h;
  fs::path scripts = h.dir() / "completions";
  CompletionHome() {
    for (const char* alias : {"work-claude", "tty1"})
      REQUIRE(h.clown({"profiles", "create", alias, "--provider", "self"}).exit_code == 0);
    seed(h.paths(), fixture_requests(), fixture_runs());  // models for --model
    for (const char* shell : {"bash", "zsh", "fish"}) {
      auto r = h.clown({"completion", shell});
      REQUIRE(r.exit_code == 0);
      write_text(scripts / shell, r.out);
    }
  }
  // The candidates the shell offers for `line` (the cursor at its end), sorted, space-separated.
  std::string bash(const std::string& line) const {
    const std::string script =
        "source '" + (scripts / "bash").string() +
        "'\nread -ra COMP_WORDS <<< \"$LINE\"\n[[ \"$LINE\" == *' ' ]] && COMP_WORDS+=('')\n"
        "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n_clown\nprintf '%s\\n' \"${COMPREPLY[@]}\" | sort "
        "| tr '\\n' ' '";
    return run(std::vector<std::string>{"bash", "--norc", "--noprofile", "-c", script}, line);
  }
  std::string fish(const std::string& line) const {
    const std::string script =
        "source '" + (scripts / "fish").string() + "'; complete -C \"$LINE\" | cut -f1 | sort | string join ' '; true";
    auto out = run({"fish", "--no-config", "-c", script}, line);
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  // zsh runs the completion function with compadd replaced by a printer
  // (zsh itself filters by the prefix, so this returns every candidate).
  std::string zsh(const std::string& line) const {
    const std::string script =
        "compdef() {}; compadd() { if [[ $1 == -a ]]; then print -rl -- \"${(@P)2}\"; fi }; _files() { print -r -- "
        "'<files>' }\nsource '" +
        (scripts / "zsh").string() +
        "'\nwords=(${=LINE}); [[ \"$LINE\" == *' ' ]] && words+=('')\nCURRENT=$#words\n_clown_main | sort | tr '\\n' "
        "' '";
    return run({"zsh", "-f", "-c", script}, line);
  }

 private:
  std::string run(const std::vector<std::string>& argv, const std::string& line) const {
    ProcessOptions o = h.options();
    o.env["LINE"] = line;
    o.env["PATH"] = clown_binary().parent_path().string() + ":/usr/bin:/bin";  // `clown` for __complete
    auto r = run_process(argv, o);
    INFO(argv[0] << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
  }
};

}  // namespace

TEST_CASE("bash completion: subcommands, options, profiles, providers, periods, models, nothing after --") {
  CompletionHome c;
  CHECK(c.bash("clown us") == "usage ");
  CHECK(c.bash("clown profiles l") == "list ");
  CHECK(c.bash("clown run ") == "tty1 work-claude ");
  CHECK(c.bash("clown run work-claude -- ") == " ");
  CHECK(c.bash("clown usage --period ") == "30d 7d all month today week yesterday ");
  CHECK(c.bash("clown usage daily --profile w") == "work-claude ");
  CHECK(c.bash("clown usage --model claude-") == "claude-opus-4-1 claude-sonnet-4-5-20250929 ");
  CHECK(c.bash("clown profiles create x --provider z") == "zai ");
  CHECK(c.bash("clown profiles create x --pro") == "--provider ");
  CHECK(c.bash("clown usage export --format ") == "csv json jsonl ");
  CHECK(c.bash("clown completion ") == "bash fish zsh ");
  CHECK(c.bash("clown resume --profile t") == "tty1 ");
  CHECK(c.bash("clown shims install tty1 w") == "work-claude ");
  // Hidden and internal commands are not offered.
  CHECK(c.bash("clown h") == " ");
  CHECK(c.bash("clown _") == " ");
}

TEST_CASE("zsh and fish completion offer the same candidates") {
  CompletionHome c;
  CHECK(c.fish("clown us") == "usage");
  CHECK(c.fish("clown run ") == "tty1 work-claude");
  CHECK(c.fish("clown usage --period 3") == "30d");
  CHECK(c.fish("clown usage --profile w") == "work-claude");
  CHECK(c.fish("clown profiles create x --provider ze") == "");
  CHECK(c.fish("clown profiles create x --provider z") == "zai");
  CHECK(c.fish("clown run work-claude -- ") == "");
  CHECK(c.zsh("clown run ") == "tty1 work-claude ");
  CHECK(c.zsh("clown usage --period ") == "30d 7d all month today week yesterday ");
  CHECK(c.zsh("clown usage import-claude --claude-dir ") == "<files> ");
  CHECK(c.zsh("clown completion ") == "bash fish zsh ");
  CHECK(c.zsh("clown run work-claude -- ") == "");
}

TEST_CASE("clown __complete lists values one per line, and an unknown shell is a usage error") {
  CompletionHome c;
  CHECK(c.h.clown({"__complete", "profiles"}).out == "tty1\nwork-claude\n");
  CHECK(c.h.clown({"__complete", "periods"}).out == "today\nyesterday\nweek\nmonth\n7d\n30d\nall\n");
  CHECK(c.h.clown({"__complete", "models"}).out == "claude-opus-4-1\nclaude-sonnet-4-5-20250929\nglm-4.6\n");
  CHECK(c.h.clown({"__complete", "agents"}).out == "claude\ncodex\ngemini\nopencode\n");
  auto r = c.h.clown({"completion", "tcsh"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "clown: error: unknown shell 'tcsh': use bash, zsh or fish\n");
}

TEST_CASE("clown(1) lists every visible command and option of the CLI") {
  ClownHome h;
  auto r = h.clown({"__manpage"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind(".\\\" Generated by `clown __manpage`", 0) == 0);
  for (const char* text : {".TH CLOWN 1", "\\fBclown resume\\fR", "\\fBclown shims install\\fR",
                           "\\fBclown profiles set\\fR", "\\fB\\-\\-api\\-key\\-stdin\\fR", "\\fBclown doctor\\fR",
                           "\\fBclown completion\\fR \\fISHELL\\fR", ".SH EXIT STATUS"})
    CHECK(r.out.find(text) != std::string::npos);
  CHECK(r.out.find("__complete") == std::string::npos);
  CHECK(r.out.find("clown hook") == std::string::npos);
  // man itself renders it without warnings.
  write_text(h.dir() / "clown.1", r.out);
  auto man = run_process(
      {"sh", "-c", "MANWIDTH=100 man --warnings -l '" + (h.dir() / "clown.1").string() + "' 2>&1 >/dev/null"});
  CHECK(man.exit_code == 0);
  CHECK(man.out.empty());
}
