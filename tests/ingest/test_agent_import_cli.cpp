// `clown usage import-codex|import-gemini|import-opencode` and `import --all`
// as a user runs them, on the real captured logs (tests/data/*/README.md).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/clown_home.hpp"

using namespace clown;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

fs::path data() { return test::source_dir() / "tests" / "data"; }

json run_json(const test::ClownHome& h, const std::vector<std::string>& args) {
  auto r = h.clown(args);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("cli: import-codex reads both homes of the capture, once, then nothing", "[import-cli]") {
  test::ClownHome h;
  const auto codex = data() / "codex" / "0.169.0";
  auto first =
      run_json(h, {"usage", "import-codex", "--dir", codex.string(), "--dir", (codex / "zst").string(), "--json"});
  CHECK(first["files_seen"] == 11);  // 8 in sessions/, 1 archived, 2 in the second home
  CHECK(first["files_read"] == 11);
  CHECK(first["new_requests"] == 28);
  CHECK(first["skipped_lines"] == 0);
  auto again =
      run_json(h, {"usage", "import-codex", "--dir", codex.string(), "--dir", (codex / "zst").string(), "--json"});
  CHECK(again["files_read"] == 0);
  CHECK(again["new_requests"] == 0);
  auto usage = run_json(h, {"usage", "--period", "all", "--agent", "codex", "--json"});
  CHECK(usage["total_requests"] == 28);
  CHECK(usage["total_tokens"] == json::parse(R"({"input_tokens": 79395, "cache_read_input_tokens": 99584,
      "output_tokens": 11419, "cache_creation_input_tokens": 0})"));
  CHECK(usage["aggregates"]["by_profile"].contains("codex-native"));
  CHECK(usage["unpriced_models"].empty());  // gpt-5-codex is in the bundled prices
}

TEST_CASE("cli: import-gemini and import-opencode from the default dirs, then import --all adds nothing",
          "[import-cli]") {
  test::ClownHome h;
  // Gemini CLI's default home is ~ (GEMINI_CLI_HOME unset), opencode's ~/.local/share/opencode.
  const auto gemini = h.user_home() / ".gemini";
  fs::create_directories(gemini / "tmp" / "work");
  fs::copy(data() / "gemini" / "0.61.0" / "chats", gemini / "tmp" / "work" / "chats", fs::copy_options::recursive);
  fs::copy_file(data() / "gemini" / "0.61.0" / "projects.json", gemini / "projects.json");
  const auto opencode = h.user_home() / ".local" / "share" / "opencode";
  fs::create_directories(opencode);
  fs::copy_file(data() / "opencode" / "1.18.33" / "opencode.db", opencode / "opencode.db");

  auto g = run_json(h, {"usage", "import-gemini", "--json"});
  CHECK(g["files_seen"] == 6);
  CHECK(g["new_requests"] == 14);
  auto o = run_json(h, {"usage", "import-opencode", "--json"});
  CHECK(o["files_seen"] == 1);
  CHECK(o["new_requests"] == 7);
  auto all = run_json(h, {"usage", "import", "--all", "--json"});
  REQUIRE(all.size() == 2);
  CHECK(all[0]["agent"] == "gemini");
  CHECK(all[1]["agent"] == "opencode");
  for (const auto& i : all) CHECK(i["new_requests"] == 0);

  auto usage = run_json(h, {"usage", "--period", "all", "--json"});
  CHECK(usage["total_requests"] == 21);
  CHECK(usage["aggregates"]["by_agent"]["gemini"]["requests"] == 14);
  CHECK(usage["aggregates"]["by_agent"]["opencode"]["requests"] == 7);
  // The summary table breaks usage down by agent when there is more than one.
  auto table = h.clown({"usage", "--period", "all"});
  CHECK(table.out.find("\nAgent ") != std::string::npos);
  CHECK(table.out.find("\nopencode ") != std::string::npos);
}

TEST_CASE("cli: agent imports say what is wrong", "[import-cli]") {
  test::ClownHome h;
  auto missing = h.clown({"usage", "import-codex", "--dir", (h.dir() / "nope").string()});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "clown: error: Codex CLI log dir " + (h.dir() / "nope").string() + " does not exist\n");
  auto nothing = h.clown({"usage", "import", "--all"});
  CHECK(nothing.exit_code == 0);
  CHECK(nothing.out == "No agent logs found.\n");
  auto no_flag = h.clown({"usage", "import"});
  CHECK(no_flag.exit_code == 2);
  // A broken opencode database is a warning, not a silent zero.
  test::write_text(h.user_home() / ".local" / "share" / "opencode" / "opencode.db", "not a database");
  auto broken = h.clown({"usage", "import-opencode"});
  CHECK(broken.exit_code == 0);
  CHECK(broken.err.find("clown: warning: cannot read the opencode database") != std::string::npos);
}
