#include <catch2/catch.hpp>

#include "common/file_io.hpp"
#include "profiles/catalog.hpp"
#include "registry/lock.hpp"
#include "registry/price_checks.hpp"
#include "registry/pricing_table.hpp"
#include "registry/status.hpp"
#include "tests/support/test_support.hpp"

using clown::registry::PricingTable;

namespace {

PricingTable table_of(const std::string& json) {
  auto t = PricingTable::from_json(json);
  REQUIRE(t);
  return std::move(*t);
}

// A small table in LiteLLM format with the keys the matching rules need.
const char* k_small = R"({
  "sample_spec": {"input_cost_per_token": 0.0, "output_cost_per_token": 0.0},
  "claude-sonnet-4-5": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "litellm_provider": "anthropic", "mode": "chat"},
  "claude-opus-4-5": {"input_cost_per_token": 5e-06, "output_cost_per_token": 2.5e-05, "litellm_provider": "anthropic", "mode": "chat"},
  "claude-opus-4": {"input_cost_per_token": 1.5e-05, "output_cost_per_token": 7.5e-05, "litellm_provider": "anthropic", "mode": "chat"},
  "claude-haiku-4-5-20251001": {"input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06, "litellm_provider": "anthropic", "mode": "chat"},
  "gpt-5": {"input_cost_per_token": 1.25e-06, "output_cost_per_token": 1e-05, "litellm_provider": "openai", "mode": "chat"},
  "gpt-4": {"input_cost_per_token": 3e-05, "output_cost_per_token": 6e-05, "litellm_provider": "openai", "mode": "chat"},
  "bedrock/us-east-1/anthropic.claude-3-haiku": {"input_cost_per_token": 2.5e-07, "output_cost_per_token": 1.25e-06, "litellm_provider": "bedrock", "mode": "chat"},
  "string-price": {"input_cost_per_token": "3e-06", "output_cost_per_token": 1.5e-05},
  "bool-price": {"input_cost_per_token": true},
  "no-price": {"mode": "chat"},
  "bad-output": {"input_cost_per_token": 1e-06, "output_cost_per_token": "free"},
  "not-an-object": 42
})";

}  // namespace

TEST_CASE("from_json keeps entries with numeric input prices and counts the rest", "[registry]") {
  auto t = table_of(k_small);
  CHECK(t.size() == 7);
  CHECK(t.skipped() == 5);
  CHECK(t.entries().count("sample_spec") == 0);
  CHECK(t.entries().count("string-price") == 0);
  CHECK(t.entries().count("bad-output") == 0);
}

TEST_CASE("from_json rejects non-JSON and non-object documents", "[registry]") {
  auto bad = PricingTable::from_json("<html>502 Bad Gateway</html>");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "pricing data is not valid JSON");
  auto arr = PricingTable::from_json("[1,2,3]");
  REQUIRE_FALSE(arr);
  CHECK(arr.error().message == "pricing data is not a JSON object of models");
  auto truncated = PricingTable::from_json(R"({"gpt-5": {"input_cost_per_token": 1e-06)");
  CHECK_FALSE(truncated);
}

TEST_CASE("lookup: exact key", "[registry]") {
  auto t = table_of(k_small);
  auto m = t.lookup("claude-opus-4-5");
  REQUIRE(m);
  CHECK(m->key == "claude-opus-4-5");
  CHECK(m->rule == "exact");
  CHECK(m->price->input == 5e-06);
  CHECK(m->price->output == 2.5e-05);
}

TEST_CASE("lookup: provider prefix and date suffix are removed", "[registry]") {
  auto t = table_of(k_small);
  struct Case {
    const char* name;
    const char* key;
  } cases[] = {
      {"claude-sonnet-4-5-20250929", "claude-sonnet-4-5"},
      {"anthropic/claude-sonnet-4-5", "claude-sonnet-4-5"},
      {"vertex_ai/claude-sonnet-4-5@20250929", "claude-sonnet-4-5"},
      {"bedrock/us-west-2/us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"},
      {"anthropic.claude-opus-4-5-20251101-v1:0", "claude-opus-4-5"},
      {"openrouter/anthropic/claude-opus-4-5", "claude-opus-4-5"},
      {"Claude-Sonnet-4-5", "claude-sonnet-4-5"},
      {"claude-sonnet-4-5[1m]", "claude-sonnet-4-5"},
      {"gpt-5-2025-08-07", "gpt-5"},
      // The table's key carries the date; the name does not.
      {"claude-haiku-4-5", "claude-haiku-4-5-20251001"},
      {"anthropic/claude-haiku-4-5-20260101", "claude-haiku-4-5-20251001"},
      {"claude-3-haiku", "bedrock/us-east-1/anthropic.claude-3-haiku"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto m = t.lookup(c.name);
    REQUIRE(m);
    CHECK(m->key == c.key);
    CHECK(m->rule == "normalized");
  }
}

TEST_CASE("lookup: longest boundary-aware match", "[registry]") {
  auto t = table_of(k_small);
  auto m = t.lookup("claude-sonnet-4-5-thinking");
  REQUIRE(m);
  CHECK(m->key == "claude-sonnet-4-5");
  CHECK(m->rule == "longest-match");

  // Longest wins: "claude-opus-4-5" over "claude-opus-4".
  m = t.lookup("claude-opus-4-5-fast");
  REQUIRE(m);
  CHECK(m->key == "claude-opus-4-5");
  CHECK(m->rule == "longest-match");

  m = t.lookup("my-proxy/custom-gpt-5-high");
  REQUIRE(m);
  CHECK(m->key == "gpt-5");
  CHECK(m->rule == "longest-match");

  m = t.lookup("claude-opus-4-thinking");
  REQUIRE(m);
  CHECK(m->key == "claude-opus-4");
}

TEST_CASE("lookup: no match across a version continuation", "[registry]") {
  auto t = table_of(k_small);
  // "claude-opus-4-5" must not price "claude-opus-4-51", nor may "claude-opus-4".
  CHECK_FALSE(t.lookup("claude-opus-4-51"));
  CHECK_FALSE(t.lookup("claude-opus-4-5-1"));
  CHECK_FALSE(t.lookup("claude-opus-4-50-thinking"));
  CHECK_FALSE(t.lookup("gpt-5.1"));
  CHECK_FALSE(t.lookup("gpt-5o"));
  CHECK_FALSE(t.lookup("gpt-4o-mini"));
  CHECK_FALSE(t.lookup("xgpt-5"));
  CHECK_FALSE(t.lookup("llama-3-70b"));
  CHECK_FALSE(t.lookup("<synthetic>"));
  CHECK_FALSE(t.lookup(""));
  CHECK_FALSE(t.lookup("string-price"));
}

TEST_CASE("normalize_model_name", "[registry]") {
  using clown::registry::normalize_model_name;
  CHECK(normalize_model_name("claude-sonnet-4-5-20250929") == "claude-sonnet-4-5");
  CHECK(normalize_model_name("claude-sonnet-4-5@20250929") == "claude-sonnet-4-5");
  CHECK(normalize_model_name("claude-sonnet-4-5-20250929-v1:0") == "claude-sonnet-4-5");
  CHECK(normalize_model_name("bedrock/eu.anthropic.claude-sonnet-4-5-v2") == "claude-sonnet-4-5");
  CHECK(normalize_model_name("gpt-4o-2024-08-06") == "gpt-4o");
  CHECK(normalize_model_name("gpt-4-0613") == "gpt-4-0613");
  CHECK(normalize_model_name("o3-mini") == "o3-mini");
}

TEST_CASE("bundled snapshot prices real models exactly", "[registry]") {
  const auto& t = clown::registry::bundled_pricing();
  CHECK(t.size() == 187);
  CHECK(t.skipped() == 0);

  auto m = t.lookup("claude-sonnet-4-5");
  REQUIRE(m);
  CHECK(m->rule == "exact");
  const auto& p = *m->price;
  CHECK(p.input == 3e-06);
  CHECK(p.output == 1.5e-05);
  CHECK(p.cache_write_5m == 3.75e-06);
  CHECK(p.cache_write_1h == 6e-06);
  CHECK(p.cache_read == 3e-07);
  CHECK(p.input_above_200k == 6e-06);
  CHECK(p.output_above_200k == 2.25e-05);
  CHECK(p.cache_write_5m_above_200k == 7.5e-06);
  CHECK(p.cache_write_1h_above_200k == 1.2e-05);
  CHECK(p.cache_read_above_200k == 6e-07);
  CHECK(p.provider == "anthropic");
  CHECK(p.mode == "chat");

  m = t.lookup("claude-opus-4-5-20251101");
  REQUIRE(m);
  CHECK(m->key == "claude-opus-4-5-20251101");
  CHECK(m->price->input == 5e-06);
  CHECK(m->price->output == 2.5e-05);

  m = t.lookup("claude-haiku-4-5-20251001");
  REQUIRE(m);
  CHECK(m->price->input == 1e-06);
  CHECK(m->price->output == 5e-06);

  m = t.lookup("anthropic/claude-opus-4-6");
  REQUIRE(m);
  CHECK(m->key == "claude-opus-4-6");
  CHECK(m->rule == "normalized");

  m = t.lookup("gpt-5");
  REQUIRE(m);
  CHECK(m->price->input == 1.25e-06);
  m = t.lookup("deepseek-chat");
  REQUIRE(m);
  CHECK(m->price->input == 2.8e-07);
  CHECK(t.lookup("kimi-k2.5"));
  CHECK(t.lookup("glm-5.1"));
  CHECK(t.lookup("minimax-m2.7"));
  CHECK(t.lookup("grok-4.3"));
  CHECK(t.lookup("gemini-2.5-pro"));

  // Not chat models of shipped providers: left out of the snapshot.
  CHECK(t.entries().count("deepseek-v3-2-251201") == 0);
  CHECK(t.entries().count("gpt-3.5-turbo-instruct") == 0);
  CHECK_FALSE(t.lookup("claude-opus-4-51"));
}

TEST_CASE("load_pricing: bundled without a synced file, synced when valid, bundled with a warning when broken",
          "[registry]") {
  clown::test::TempDir dir;
  clown::Paths paths{dir.path()};
  auto r = clown::registry::load_pricing(paths);
  CHECK(to_string(r.pricing.source.kind) == std::string("bundled"));
  CHECK(r.pricing.source.model_count == 187);
  CHECK(r.warning.empty());
  REQUIRE(r.pricing.table.lookup("claude-sonnet-4-5"));

  REQUIRE(clown::ensure_dir(paths.registry_dir()));
  clown::test::write_text(paths.pricing_file(), k_small);
  clown::registry::RegistryLock lock;
  lock.source_url = "https://example.test/prices.json";
  lock.fetched_at = "2026-11-20T10:00:00.000Z";
  lock.model_count = 7;
  REQUIRE(clown::registry::write_lock(paths.registry_lock(), lock));
  r = clown::registry::load_pricing(paths);
  CHECK(to_string(r.pricing.source.kind) == std::string("synced"));
  CHECK(r.pricing.source.path == paths.pricing_file().string());
  CHECK(r.pricing.source.model_count == 7);
  CHECK(r.pricing.source.source_url == "https://example.test/prices.json");
  CHECK(r.pricing.source.fetched_at == "2026-11-20T10:00:00.000Z");
  CHECK(r.warning.empty());

  clown::test::write_text(paths.pricing_file(), "{\"truncated\": ");
  r = clown::registry::load_pricing(paths);
  CHECK(to_string(r.pricing.source.kind) == std::string("bundled"));
  CHECK(r.pricing.source.model_count == 187);
  CHECK(r.warning == paths.pricing_file().string() +
                         ": pricing data is not valid JSON; using the bundled prices (run `clown registry "
                         "sync --force`)");
}

TEST_CASE("registry.lock round-trips", "[registry]") {
  clown::test::TempDir dir;
  auto path = dir.path() / "registry.lock";
  auto none = clown::registry::read_lock(path);
  REQUIRE(none);
  CHECK_FALSE(*none);
  clown::registry::RegistryLock lock{"https://x.test/p.json",    "\"abc\"", "Tue, 24 Nov 2026 10:00:00 GMT", "00ff",
                                     "2026-11-24T10:00:00.000Z", 120};
  REQUIRE(clown::registry::write_lock(path, lock));
  CHECK(clown::test::read_text(path) ==
        "{\n  \"source_url\": \"https://x.test/p.json\",\n  \"etag\": \"\\\"abc\\\"\",\n"
        "  \"last_modified\": \"Tue, 24 Nov 2026 10:00:00 GMT\",\n  \"sha256\": \"00ff\",\n"
        "  \"fetched_at\": \"2026-11-24T10:00:00.000Z\",\n  \"model_count\": 120\n}\n");
  auto back = clown::registry::read_lock(path);
  REQUIRE(back);
  REQUIRE(*back);
  CHECK((*back)->etag == "\"abc\"");
  CHECK((*back)->model_count == 120);
}

TEST_CASE("validate_pricing_download names the rule a download breaks", "[registry]") {
  using clown::registry::validate_pricing_download;
  CHECK(validate_pricing_download("").error().message == "the server sent an empty body");
  CHECK(validate_pricing_download("  \n<!doctype html><p>hi</p>").error().message ==
        "the server sent an HTML page, not pricing JSON");
  CHECK(validate_pricing_download("{\"a\": ").error().message == "the file is not valid JSON (truncated or malformed)");
  CHECK(validate_pricing_download("\"text\"").error().message == "the file is a JSON string, not an object of models");
  CHECK(validate_pricing_download("null").error().message == "the file is a JSON null, not an object of models");
  CHECK(validate_pricing_download("{}").error().message ==
        "the file has only 0 models with a numeric input_cost_per_token (0 entries have missing or wrong-typed "
        "prices; at least 100 are required)");
  // The bundled snapshot itself passes (187 models).
  auto ok = validate_pricing_download(clown::registry::bundled_snapshot_json());
  REQUIRE(ok);
  CHECK(ok->size() == 187);
  // Integer prices are numbers too (and models the snapshot does not price may be free).
  auto doc = clown::test::bundled_claude_prices();
  for (int i = 0; i < 100; ++i) doc["m" + std::to_string(i)] = {{"input_cost_per_token", 0}};
  auto ints = validate_pricing_download(doc.dump());
  REQUIRE(ints);
  CHECK(ints->size() == 126);
  CHECK(ints->lookup("m7")->price->input == 0.0);
}

TEST_CASE("check_prices_against: no negative price, no paid price falls to 0, the Claude family stays", "[registry]") {
  using clown::registry::check_prices_against;
  const auto reference = table_of(R"({
    "claude-sonnet-4-5": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 3e-07, "input_cost_per_token_above_200k_tokens": 6e-06, "litellm_provider": "anthropic"},
    "claude-haiku-4-5": {"input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06, "litellm_provider": "anthropic"},
    "gpt-5": {"input_cost_per_token": 1.25e-06, "output_cost_per_token": 1e-05, "litellm_provider": "openai"},
    "free-model": {"input_cost_per_token": 0, "output_cost_per_token": 0, "litellm_provider": "openai"}
  })");
  auto check = [&](const std::string& json) {
    auto r = check_prices_against(table_of(json), reference);
    return r ? std::string("ok") : r.error().message;
  };
  // The same prices, other prices above 0, gpt-5 gone, free-model still free, new models: fine.
  CHECK(
      check(
          R"({"claude-sonnet-4-5": {"input_cost_per_token": 4e-06, "output_cost_per_token": 2e-05, "cache_read_input_token_cost": 4e-07},
                  "claude-haiku-4-5-20251001": {"input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06},
                  "free-model": {"input_cost_per_token": 0}, "new": {"input_cost_per_token": 0}})") == "ok");
  CHECK(
      check(
          R"({"claude-sonnet-4-5": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 3e-07},
                  "claude-haiku-4-5": {"input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06},
                  "new": {"input_cost_per_token": 1e-06, "cache_read_input_token_cost": -1e-09}})") ==
      "the file would store wrong costs: negative prices (1: new)");
  // An absent cache-read price bills 0 (price_rules.hpp), a 0 long-context price too.
  CHECK(
      check(
          R"({"claude-sonnet-4-5": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "input_cost_per_token_above_200k_tokens": 0},
                  "claude-haiku-4-5": {"input_cost_per_token": 1e-06},
                  "gpt-5": {"input_cost_per_token": "1e-06"}})") ==
      "the file would store wrong costs: prices of paid models fell to 0 or are missing (3: claude-haiku-4-5, "
      "claude-sonnet-4-5, gpt-5)");
  CHECK(
      check(
          R"({"claude-sonnet-4-5": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 3e-07},
                  "gpt-5": {"input_cost_per_token": -1.25e-06, "output_cost_per_token": 1e-05}})") ==
      "the file would store wrong costs: negative prices (1: gpt-5); Claude models missing (1: claude-haiku-4-5)");
}

TEST_CASE("provider_matches: LiteLLM names, prefixes and vendor aliases", "[registry]") {
  using clown::registry::provider_matches;
  clown::registry::ModelPrice p;
  p.provider = "vertex_ai-language-models";
  CHECK(provider_matches(p, ""));
  CHECK(provider_matches(p, "vertex_ai-language-models"));
  CHECK(provider_matches(p, "vertex_ai"));
  CHECK(provider_matches(p, "Google"));
  CHECK_FALSE(provider_matches(p, "openai"));
  p.provider = "moonshot";
  CHECK(provider_matches(p, "kimi"));
  p.provider = "dashscope";
  CHECK(provider_matches(p, "qwen"));
  CHECK_FALSE(provider_matches(p, "google"));
}

TEST_CASE("format_age", "[registry]") {
  using clown::registry::format_age;
  CHECK(format_age(0) == "0m");
  CHECK(format_age(90) == "1m");
  CHECK(format_age(7200) == "2h 0m");
  CHECK(format_age(266400) == "3d 2h");
}

// The models Codex CLI, Gemini CLI and opencode run by default or commonly
// (tests/data/codex, tests/data/gemini) are in the bundled snapshot with a
// cached-input price: cached input is billed at it, reasoning as output.
TEST_CASE("bundled snapshot prices the OpenAI and Google models the other agents use", "[registry]") {
  const auto& t = clown::registry::bundled_pricing();
  struct Want {
    const char* model;
    double input, cache_read, output;
  };
  const Want wants[] = {
      {"gpt-5-codex", 1.25e-06, 1.25e-07, 1e-05},    // Codex (Responses API only)
      {"gpt-5.1-codex", 1.25e-06, 1.25e-07, 1e-05},  //
      {"gpt-5.1-codex-mini", 2.5e-07, 2.5e-08, 2e-06},
      {"gpt-5.6-luna", 1e-06, 1e-07, 6e-06},             // Codex's title model with a ChatGPT login
      {"gemini-2.5-pro", 1.25e-06, 1.25e-07, 1e-05},     // Gemini CLI 0.61.0's default
      {"gemini-3.5-flash-lite", 3e-07, 3e-08, 2.5e-06},  // its session-summary model
      {"gemini-3-pro-preview", 2e-06, 2e-07, 1.2e-05},   // its preview default
      {"deepseek-v4-flash", 1.4e-07, 2.8e-09, 2.8e-07},  // DeepSeek's model behind its Responses API
  };
  for (const auto& w : wants) {
    INFO(w.model);
    auto m = t.lookup(w.model);
    REQUIRE(m);
    CHECK(m->rule == "exact");
    REQUIRE(m->price->cache_read);
    CHECK(m->price->input == w.input);
    CHECK(*m->price->cache_read == w.cache_read);
    CHECK(m->price->output == w.output);
  }
  // Codex 0.169.0 asks for gpt-6.1-sol when the profile names no model; the
  // 2026-07 LiteLLM file has no price for it: unpriced, never $0.
  CHECK_FALSE(t.lookup("gpt-6.1-sol"));
}

TEST_CASE("every provider preset's default models have a price offline, in the bundled snapshot") {
  const auto& table = clown::registry::bundled_pricing();
  const auto catalog = clown::profiles::builtin_catalog();
  int presets = 0;
  for (const auto& p : catalog.providers) {
    for (const auto& model : {p.default_model, p.haiku_model}) {
      if (model.empty()) continue;
      INFO(p.id << ": " << model);
      CHECK(table.lookup(model).has_value());
      ++presets;
    }
  }
  CHECK(presets == 4);  // zai, kimi, minimax, deepseek
  // Qwen has no priced default: its profiles name their model.
  REQUIRE(catalog.find_provider("qwen"));
  CHECK(catalog.find_provider("qwen")->requires_model);
}
