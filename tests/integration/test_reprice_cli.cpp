// `clown usage reprice` and the hints that say when it would help
// (docs/cost.md#reprice): stored requests of a model the bundled prices do
// not know are priced once a price file knows it, exactly those, once.
#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "tests/integration/cli_fixture.hpp"
#include "tests/reports/seed.hpp"

using namespace clown::test;
using nlohmann::json;

namespace {

// Names no LiteLLM entry matches: unpriced in the bundled snapshot.
const char* k_acme = "acme-coder-7";
const char* k_local = "other-local-model";

SeedRequest req(const std::string& ts, const std::string& model, int64_t input, int64_t output) {
  SeedRequest r = make_request(ts, "s-" + ts.substr(0, 10), "work", model, "/home/u/alpha");
  r.input = input;
  r.output = output;
  r.priced = false;
  return r;
}

std::vector<SeedRequest> requests() {
  SeedRequest sonnet = req("2026-11-21T12:00:00.000Z", "claude-sonnet-4-5", 1000, 100);
  sonnet.priced = true;  // at older prices: 9e-06 and 4.5e-05 per token
  sonnet.cost_input = 0.009;
  sonnet.cost_output = 0.0045;
  return {req("2026-11-20T10:00:00.000Z", k_acme, 1000, 500), req("2026-11-21T10:00:00.000Z", k_acme, 2000, 1000),
          req("2026-11-22T10:00:00.000Z", k_acme, 100, 0), req("2026-11-21T11:00:00.000Z", k_local, 10, 10), sonnet};
}

// The synced price file: acme-coder-7 at $2 / $8 per million tokens, and
// claude-sonnet-4-5 at $3 / $15 (a correction of the seeded price).
void write_prices(const ClownHome& h) {
  json doc;
  doc[k_acme] = {{"input_cost_per_token", 2e-06},
                 {"output_cost_per_token", 8e-06},
                 {"litellm_provider", "openai"},
                 {"mode", "chat"}};
  doc["claude-sonnet-4-5"] = {{"input_cost_per_token", 3e-06},
                              {"output_cost_per_token", 1.5e-05},
                              {"litellm_provider", "anthropic"},
                              {"mode", "chat"}};
  write_text(h.paths().pricing_file(), doc.dump());
}

// Per model from `clown usage models --json`: {cost, priced}.
json models_of(const ClownHome& h) {
  auto r = h.clown({"usage", "models", "--period", "all", "--timezone", "UTC", "--json"});
  REQUIRE(r.exit_code == 0);
  json out = json::object();
  const json list = json::parse(r.out)["models"];
  for (const auto& m : list)
    out[m["model"].get<std::string>()] = {{"cost", m["cost"]["total_cost"]}, {"priced", m["priced"]}};
  return out;
}

// Each request's total_cost and priced flag, by time.
json rows_of(const ClownHome& h) {
  auto r = h.clown({"usage", "export", "--format", "json", "--period", "all", "--timezone", "UTC"});
  REQUIRE(r.exit_code == 0);
  json out = json::object();
  const json list = json::parse(r.out)["requests"];
  for (const auto& row : list)
    out[row["timestamp"].get<std::string>()] = {{"cost", row["total_cost"]}, {"priced", row["priced"]}};
  return out;
}

std::string reprice_hint_of(const std::string& out) {
  const auto at = out.find("stored without a price now");
  if (at == std::string::npos) return "";
  const auto start = out.rfind('\n', at);
  return out.substr(start == std::string::npos ? 0 : start + 1, out.find('\n', at) - (start + 1));
}

}  // namespace

TEST_CASE("reprice: without a price for them nothing changes and the models are listed as still unpriced") {
  ClownHome h;
  seed(h.paths(), requests());
  const auto before = rows_of(h);
  auto r = h.clown({"usage", "reprice"});
  REQUIRE(r.exit_code == 0);
  CHECK(
      r.out ==
      "No price changed (4 requests checked: requests stored without a price, all time, with the bundled prices)\n"
      "\n"
      "Still unpriced (no price in the pricing table): acme-coder-7, other-local-model — run `clown registry sync`\n");
  CHECK(rows_of(h) == before);
  // No hint: nothing stored unpriced has a price now.
  fs::create_directories(h.work() / "empty-claude");
  r = h.clown({"usage", "import-claude", "--claude-dir", (h.work() / "empty-claude").string()});
  REQUIRE(r.exit_code == 0);
  CHECK(reprice_hint_of(r.out).empty());
}

TEST_CASE("reprice prices exactly the unpriced requests the price file now knows, once") {
  ClownHome h;
  seed(h.paths(), requests());
  write_prices(h);
  const auto before = rows_of(h);

  // --dry-run says what would change and changes nothing.
  auto r = h.clown({"usage", "reprice", "--dry-run", "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(j["mode"] == "unpriced-only");
  CHECK(j["dry_run"] == true);
  CHECK(j["prices"]["source"] == "synced");
  CHECK(j["requests_checked"] == 4);
  CHECK(j["requests_changed"] == 3);
  REQUIRE(j["models"].size() == 1);
  CHECK(j["models"][0]["model"] == k_acme);
  CHECK(j["models"][0]["requests"] == 3);
  CHECK(j["models"][0]["was_unpriced"] == 3);
  CHECK(j["models"][0]["old_cost"] == 0.0);
  CHECK(j["models"][0]["new_cost"].get<double>() == Approx(0.006 + 0.012 + 0.0002).epsilon(1e-12));
  CHECK(j["models"][0]["priced"] == true);
  CHECK(j["still_unpriced"] == json({k_local}));
  CHECK(rows_of(h) == before);

  // A period: only the request of that day.
  r = h.clown({"usage", "reprice", "--since", "2026-11-21", "--until", "2026-11-21", "--timezone", "UTC"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "Repriced 1 request of 1 model (requests stored without a price, custom (2026-11-21), with the "
        "synced prices)\n"
        "\n"
        "Model         Requests    Before  After\n"
        "acme-coder-7         1  unpriced  $0.01\n"
        "\n"
        "Still unpriced (no price in the pricing table): other-local-model — run `clown registry sync`\n");

  r = h.clown({"usage", "reprice"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "Repriced 2 requests of 1 model (requests stored without a price, all time, with the synced prices)\n"
        "\n"
        "Model         Requests    Before  After\n"
        "acme-coder-7         2  unpriced  $0.01\n"
        "\n"
        "Still unpriced (no price in the pricing table): other-local-model — run `clown registry sync`\n");
  const auto after = rows_of(h);
  CHECK(after["2026-11-20T10:00:00.000Z"]["cost"].get<double>() == Approx(0.006).epsilon(1e-12));
  CHECK(after["2026-11-21T10:00:00.000Z"]["cost"].get<double>() == Approx(0.012).epsilon(1e-12));
  CHECK(after["2026-11-22T10:00:00.000Z"]["cost"].get<double>() == Approx(0.0002).epsilon(1e-12));
  for (const char* ts : {"2026-11-20T10:00:00.000Z", "2026-11-21T10:00:00.000Z", "2026-11-22T10:00:00.000Z"})
    CHECK(after[ts]["priced"] == true);
  // The other requests are as they were.
  CHECK(after["2026-11-21T11:00:00.000Z"] == before["2026-11-21T11:00:00.000Z"]);
  CHECK(after["2026-11-21T12:00:00.000Z"] == before["2026-11-21T12:00:00.000Z"]);
  // Reports and aggregates.json see the new prices.
  const auto models = models_of(h);
  CHECK(models[k_acme]["cost"].get<double>() == Approx(0.0182).epsilon(1e-12));
  CHECK(models[k_acme]["priced"] == true);
  const auto aggregates = json::parse(read_text(h.paths().aggregates_file()));
  CHECK(aggregates["by_model"][k_acme]["cost"]["total_cost"].get<double>() == Approx(0.0182).epsilon(1e-12));
  CHECK(aggregates["by_model"][k_acme]["cost"]["cost_complete"] == true);

  // Again: nothing left to change.
  r = h.clown({"usage", "reprice"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "No price changed (1 request checked: requests stored without a price, all time, with the synced prices)\n"
        "\n"
        "Still unpriced (no price in the pricing table): other-local-model — run `clown registry sync`\n");
  CHECK(rows_of(h) == after);
}

TEST_CASE("reprice --all applies a price correction to priced requests and never unprices one") {
  ClownHome h;
  seed(h.paths(), requests());
  write_prices(h);
  REQUIRE(h.clown({"usage", "reprice"}).exit_code == 0);
  const auto before = rows_of(h);

  auto r = h.clown({"usage", "reprice", "--all", "--dry-run"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "Would reprice 1 request of 1 model (every request, all time, with the synced prices) — dry run, nothing "
        "changed\n"
        "\n"
        "Model              Requests  Before  After\n"
        "claude-sonnet-4-5         1   $0.01  $0.00\n"
        "\n"
        "Still unpriced (no price in the pricing table): other-local-model — run `clown registry sync`\n");
  CHECK(rows_of(h) == before);

  r = h.clown({"usage", "reprice", "--all", "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(j["mode"] == "all");
  CHECK(j["requests_checked"] == 5);
  CHECK(j["requests_changed"] == 1);
  CHECK(j["models"][0]["old_cost"].get<double>() == Approx(0.0135).epsilon(1e-12));
  CHECK(j["models"][0]["new_cost"].get<double>() == Approx(0.0045).epsilon(1e-12));
  CHECK(rows_of(h)["2026-11-21T12:00:00.000Z"]["cost"].get<double>() == Approx(0.0045).epsilon(1e-12));
  CHECK(json::parse(h.clown({"usage", "reprice", "--all", "--json"}).out)["requests_changed"] == 0);

  // A price file without the model: its stored price is kept.
  json doc;
  doc["some-other-model"] = {{"input_cost_per_token", 1e-06}, {"output_cost_per_token", 1e-06}, {"mode", "chat"}};
  write_text(h.paths().pricing_file(), doc.dump());
  const auto kept = rows_of(h);
  r = h.clown({"usage", "reprice", "--all", "--json"});
  REQUIRE(r.exit_code == 0);
  j = json::parse(r.out);
  CHECK(j["requests_changed"] == 0);
  CHECK(j["kept"] == json({k_acme, "claude-sonnet-4-5"}));
  CHECK(j["still_unpriced"] == json({k_local}));
  CHECK(rows_of(h) == kept);

  r = h.clown({"usage", "reprice", "--all", "--unpriced-only"});
  CHECK(r.exit_code == 2);
}

TEST_CASE("import-claude and registry sync hint at reprice exactly when it would help") {
  ClownHome h;
  seed(h.paths(), requests());
  const auto empty = h.work() / "empty-claude";
  fs::create_directories(empty);
  const std::vector<std::string> import = {"usage", "import-claude", "--claude-dir", empty.string()};

  auto r = h.clown(import);
  REQUIRE(r.exit_code == 0);
  CHECK(reprice_hint_of(r.out).empty());
  CHECK(json::parse(h.clown({"usage", "import-claude", "--claude-dir", empty.string(), "--json"})
                        .out)["repriceable_requests"] == 0);

  write_prices(h);
  r = h.clown(import);
  REQUIRE(r.exit_code == 0);
  CHECK(reprice_hint_of(r.out) == "3 requests of 1 model stored without a price now have one: clown usage reprice");
  auto j = json::parse(h.clown({"usage", "import-claude", "--claude-dir", empty.string(), "--json"}).out);
  CHECK(j["repriceable_requests"] == 3);
  CHECK(j["repriceable_models"] == 1);

  r = h.clown({"registry", "sync", "--offline", "--force"});
  REQUIRE(r.exit_code == 0);
  CHECK(reprice_hint_of(r.out) == "3 requests of 1 model stored without a price now have one: clown usage reprice");

  REQUIRE(h.clown({"usage", "reprice"}).exit_code == 0);
  r = h.clown(import);
  REQUIRE(r.exit_code == 0);
  CHECK(reprice_hint_of(r.out).empty());
  r = h.clown({"registry", "sync", "--offline", "--force"});
  REQUIRE(r.exit_code == 0);
  CHECK(reprice_hint_of(r.out).empty());
}
