#pragma once
// A private CLOWN_HOME plus helpers to run the built `clown` in it.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

namespace clown::test {

struct ClownHome {
  TempDir tmp;
  fs::path home() const { return tmp.path() / "clown"; }
  fs::path work() const { return tmp.path(); }

  ProcessResult clown(std::vector<std::string> args, ProcessOptions options = {}) const {
    args.insert(args.begin(), clown_binary().string());
    options.env["CLOWN_HOME"] = home().string();
    options.env["NO_COLOR"] = "1";
    if (options.cwd.empty()) options.cwd = tmp.path();
    return run_process(args, options);
  }

  std::vector<nlohmann::json> session_lines() const {
    std::vector<nlohmann::json> out;
    auto text = read_text(home() / "telemetry" / "sessions.jsonl");
    size_t pos = 0;
    while (pos < text.size()) {
      auto nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      out.push_back(nlohmann::json::parse(text.substr(pos, nl - pos)));
      pos = nl + 1;
    }
    return out;
  }
};

}  // namespace clown::test
