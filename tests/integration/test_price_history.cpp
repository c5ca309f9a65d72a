// A price change after `clown registry sync` must not change the cost of
// requests stored before it (docs/cost.md#stored-costs).
#include <httplib.h>

#include <catch2/catch.hpp>
#include <mutex>
#include <thread>

#include "common/time.hpp"
#include "tests/integration/cli_fixture.hpp"

using namespace clown::test;

namespace {

// A valid LiteLLM document: the bundled Claude family with claude-sonnet-4-5 at
// the given prices, plus 120 filler models (a sync accepts only files with at
// least 100 priced models that keep the Claude family).
std::string pricing(double input, double output) {
  nlohmann::json doc = bundled_claude_prices();
  doc["claude-sonnet-4-5"]["input_cost_per_token"] = input;
  doc["claude-sonnet-4-5"]["output_cost_per_token"] = output;
  for (int i = 0; i < 120; ++i)
    doc["filler-model-" + std::to_string(i)] = {{"input_cost_per_token", 1e-06},
                                                {"output_cost_per_token", 2e-06},
                                                {"litellm_provider", "openai"},
                                                {"mode", "chat"}};
  return doc.dump();
}

std::string usage_line(const std::string& msg_id, const std::string& req_id, int64_t ts_ms) {
  nlohmann::json line = {{"type", "assistant"},
                         {"sessionId", "sess-price"},
                         {"timestamp", clown::format_iso8601_ms(ts_ms)},
                         {"requestId", req_id},
                         {"cwd", "/work/project"},
                         {"isSidechain", false},
                         {"message",
                          {{"id", msg_id},
                           {"model", "claude-sonnet-4-5"},
                           {"usage",
                            {{"input_tokens", 1000},
                             {"output_tokens", 100},
                             {"cache_creation_input_tokens", 0},
                             {"cache_read_input_tokens", 0}}}}}};
  return line.dump() + "\n";
}

}  // namespace

TEST_CASE("a price change after sync does not change the cost of requests stored before it") {
  ClownHome h;
  std::mutex mutex;
  std::string served = pricing(9e-06, 4.5e-05);
  httplib::Server server;
  server.Get("/prices.json", [&](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mutex);
    res.set_content(served, "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread thread([&] { server.listen_after_bind(); });
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/prices.json";

  const auto claude_dir = h.work() / "claude";
  const auto transcript = claude_dir / "projects" / "-work-project" / "sess-price.jsonl";
  const int64_t now = clown::now_ms();
  write_text(transcript, usage_line("msg_1", "req_1", now - 60000));

  auto r = h.clown({"registry", "sync", "--url", url, "--force"});
  REQUIRE(r.exit_code == 0);
  r = h.clown({"usage", "import-claude", "--claude-dir", claude_dir.string()});
  REQUIRE(r.exit_code == 0);
  auto usage = nlohmann::json::parse(h.clown({"usage", "--period", "all", "--json"}).out);
  CHECK(usage["total_cost"]["total_cost"].get<double>() == Approx(1000 * 9e-06 + 100 * 4.5e-05).epsilon(1e-12));

  {
    std::lock_guard<std::mutex> lock(mutex);
    served = pricing(1e-06, 2e-06);
  }
  r = h.clown({"registry", "sync", "--url", url, "--force"});
  REQUIRE(r.exit_code == 0);
  // Re-importing the old request prices nothing again.
  REQUIRE(h.clown({"usage", "import-claude", "--claude-dir", claude_dir.string()}).exit_code == 0);
  usage = nlohmann::json::parse(h.clown({"usage", "--period", "all", "--json"}).out);
  CHECK(usage["total_cost"]["total_cost"].get<double>() == Approx(0.0135).epsilon(1e-12));

  // A new request is priced with the new table; the old one keeps its price.
  std::ofstream(transcript, std::ios::app) << usage_line("msg_2", "req_2", now - 30000);
  REQUIRE(h.clown({"usage", "import-claude", "--claude-dir", claude_dir.string()}).exit_code == 0);
  usage = nlohmann::json::parse(h.clown({"usage", "--period", "all", "--json"}).out);
  CHECK(usage["total_requests"] == 2);
  CHECK(usage["total_cost"]["input_cost"].get<double>() == Approx(1000 * 9e-06 + 1000 * 1e-06).epsilon(1e-12));
  CHECK(usage["total_cost"]["output_cost"].get<double>() == Approx(100 * 4.5e-05 + 100 * 2e-06).epsilon(1e-12));
  CHECK(usage["total_cost"]["total_cost"].get<double>() == Approx(0.0135 + 0.0012).epsilon(1e-12));

  server.stop();
  thread.join();
}
