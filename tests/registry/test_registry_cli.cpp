// `clown registry status`, `clown pricing list`, `clown pricing show` (no network).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/clown_home.hpp"

using namespace clown::test;

namespace {

struct Home : ClownHome {
  fs::path pricing() const { return root() / "registry" / "litellm-pricing.json"; }
  fs::path lock() const { return root() / "registry" / "registry.lock"; }
  // A synced file as `registry sync` would leave it (written directly: no network here).
  void store(const std::string& pricing, const std::string& fetched_at) const {
    fs::create_directories(root() / "registry");
    write_text(this->pricing(), pricing);
    write_text(lock(),
               "{\"source_url\": \"https://prices.example/litellm.json\", \"etag\": \"\\\"e1\\\"\", "
               "\"last_modified\": \"\", \"sha256\": \"abc123\", \"fetched_at\": \"" +
                   fetched_at + "\", \"model_count\": 2}\n");
  }
};

const char* k_synced = R"({
  "claude-sonnet-4-5": {"input_cost_per_token": 9e-06, "output_cost_per_token": 4.5e-05,
                        "cache_read_input_token_cost": 9e-07, "litellm_provider": "anthropic", "mode": "chat"},
  "gpt-5": {"input_cost_per_token": 1e-06, "output_cost_per_token": 8e-06, "litellm_provider": "openai", "mode": "chat"}
})";

nlohmann::json parse(const std::string& text) { return nlohmann::json::parse(text); }

}  // namespace

TEST_CASE("registry status: bundled snapshot when nothing was synced", "[registry][cli]") {
  Home home;
  auto r = home.clown({"registry", "status"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "Prices:     bundled snapshot (compiled into clown)\n"
        "Models:     187\n"
        "Synced:     never; run `clown registry sync` to download current LiteLLM prices\n");
  CHECK(r.err.empty());
  r = home.clown({"registry", "status", "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = parse(r.out);
  CHECK(j["source"] == "bundled");
  CHECK(j["model_count"] == 187);
  CHECK(j["path"].is_null());
  CHECK(j["source_url"].is_null());
  CHECK(j["age_seconds"].is_null());
}

TEST_CASE("registry status: synced file with its source, age and count", "[registry][cli]") {
  Home home;
  home.store(k_synced, "2020-01-01T00:00:00.000Z");
  auto r = home.clown({"registry", "status", "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = parse(r.out);
  CHECK(j["source"] == "synced");
  CHECK(j["path"] == home.pricing().string());
  CHECK(j["model_count"] == 2);
  CHECK(j["source_url"] == "https://prices.example/litellm.json");
  CHECK(j["fetched_at"] == "2020-01-01T00:00:00.000Z");
  CHECK(j["etag"] == "\"e1\"");
  CHECK(j["sha256"] == "abc123");
  CHECK(j["bundled_model_count"] == 187);
  CHECK(j["age_seconds"].get<int64_t>() > 86400LL * 365 * 5);

  r = home.clown({"registry", "status"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("Prices:     synced file " + home.pricing().string() +
                        "\nModels:     2\nSource:     https://prices.example/litellm.json\n"
                        "Fetched:    2020-01-01T00:00:00.000Z (",
                    0) == 0);
  CHECK(r.out.find("d ") != std::string::npos);
  CHECK(r.out.substr(r.out.size() - 25) == " ago)\nSHA-256:    abc123\n");
}

TEST_CASE("a broken synced file falls back to the bundled snapshot with a warning", "[registry][cli]") {
  Home home;
  home.store("<html>oops</html>", "2026-01-01T00:00:00.000Z");
  auto r = home.clown({"pricing", "show", "claude-sonnet-4-5", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err == "clown: warning: " + home.pricing().string() +
                     ": pricing data is not valid JSON; using the bundled prices (run `clown registry sync "
                     "--force`)\n");
  auto j = parse(r.out);
  CHECK(j["source"]["kind"] == "bundled");
  CHECK(j["prices"]["input_cost_per_token"]["per_token"] == 3e-06);
}

TEST_CASE("pricing show: the entry, the rule and per-token / per-million prices", "[registry][cli]") {
  Home home;
  auto r = home.clown({"pricing", "show", "claude-sonnet-4-5-20250929"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "Model:      claude-sonnet-4-5-20250929\n"
        "Priced as:  claude-sonnet-4-5-20250929 (exact: the name is a key of the pricing table)\n"
        "Provider:   anthropic (chat)\n"
        "Prices from bundled snapshot (compiled into clown)\n"
        "\n"
        "PRICE                 PER TOKEN  PER MILLION\n"
        "input                     3e-06        $3.00\n"
        "output                  1.5e-05       $15.00\n"
        "cache write 5m         3.75e-06        $3.75\n"
        "cache write 1h            6e-06        $6.00\n"
        "cache read                3e-07        $0.30\n"
        "input >200k               6e-06        $6.00\n"
        "output >200k           2.25e-05       $22.50\n"
        "cache write 5m >200k    7.5e-06        $7.50\n"
        "cache write 1h >200k    1.2e-05       $12.00\n"
        "cache read >200k          6e-07        $0.60\n"
        "\n"
        ">200k prices apply to every token of a request whose input + cache writes + cache reads exceed 200,000 "
        "tokens.\n");

  r = home.clown({"pricing", "show", "bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0", "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = parse(r.out);
  CHECK(j["key"] == "claude-haiku-4-5");
  CHECK(j["rule"] == "normalized");
  CHECK(j["prices"]["input_cost_per_token"]["per_token"] == 1e-06);
  CHECK(j["prices"]["input_cost_per_token"]["per_million"] == 1.0);
  CHECK(j["prices"]["output_cost_per_token"]["per_million"] == 5.0);

  r = home.clown({"pricing", "show", "claude-opus-4-6-fast", "--json"});
  REQUIRE(r.exit_code == 0);
  j = parse(r.out);
  CHECK(j["key"] == "claude-opus-4-6");
  CHECK(j["rule"] == "longest-match");
  CHECK(j["prices"].contains("input_cost_per_token_above_200k_tokens") == false);

  // No 1-hour price in the entry: docs/cost.md#one-hour-writes: 2x input, marked as derived.
  r = home.clown({"pricing", "show", "gpt-5", "--json"});
  REQUIRE(r.exit_code == 0);
  j = parse(r.out);
  CHECK(j["prices"]["cache_creation_input_token_cost_above_1hr"]["per_token"] == 2.5e-06);
  CHECK(j["prices"]["cache_creation_input_token_cost_above_1hr"]["derived"] == true);
  CHECK(j["prices"]["cache_creation_input_token_cost"].is_null());
}

TEST_CASE("pricing show: an unknown model is unpriced, exit 1", "[registry][cli]") {
  Home home;
  auto r = home.clown({"pricing", "show", "claude-opus-4-51"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "clown: error: no price for model 'claude-opus-4-51' in the bundled pricing table (no exact, normalized or "
        "boundary match); its usage is reported as unpriced. Try `clown registry sync` or `clown pricing list`\n");
}

TEST_CASE("pricing uses the synced file when there is one", "[registry][cli]") {
  Home home;
  home.store(k_synced, "2026-11-24T00:00:00.000Z");
  auto r = home.clown({"pricing", "show", "claude-sonnet-4-5-20250929", "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = parse(r.out);
  CHECK(j["key"] == "claude-sonnet-4-5");
  CHECK(j["rule"] == "normalized");
  CHECK(j["source"]["kind"] == "synced");
  CHECK(j["prices"]["input_cost_per_token"]["per_token"] == 9e-06);
  CHECK(j["prices"]["cache_read_input_token_cost"]["per_million"] == 0.9);

  r = home.clown({"pricing", "list"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "MODEL              PROVIDER   INPUT/M  OUTPUT/M  CACHE WRITE/M  CACHE READ/M  >200K\n"
        "claude-sonnet-4-5  anthropic    $9.00    $45.00              -         $0.90\n"
        "gpt-5              openai       $1.00     $8.00              -             -\n"
        "2 models, USD per million tokens, from synced file " +
            home.pricing().string() + "\n");
}

TEST_CASE("pricing list: provider filter and JSON", "[registry][cli]") {
  Home home;
  auto r = home.clown({"pricing", "list", "--provider", "deepseek", "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = parse(r.out);
  REQUIRE(j["models"].size() == 4);
  CHECK(j["models"][0]["model"] == "deepseek-chat");
  CHECK(j["models"][0]["provider"] == "deepseek");
  CHECK(j["models"][0]["prices"]["input_cost_per_token"]["per_token"] == 2.8e-07);
  CHECK(j["models"][3]["model"] == "deepseek-v4-pro");
  CHECK(j["source"]["kind"] == "bundled");

  r = home.clown({"pricing", "list", "--provider", "google", "--json"});
  REQUIRE(r.exit_code == 0);
  j = parse(r.out);
  for (const auto& m : j["models"]) CHECK((m["provider"] == "gemini" || m["provider"] == "vertex_ai-language-models"));
  CHECK(j["models"].size() == 34);

  r = home.clown({"pricing", "list", "--provider", "nosuch"});
  CHECK(r.exit_code == 1);
  CHECK(r.err ==
        "clown: error: no priced models for provider 'nosuch'; known providers: anthropic, bedrock, deepseek, gemini, "
        "minimax, moonshot, openai, vertex_ai-language-models, xai, zhipu\n");
}
