// Seeds a store with N synthetic requests for the web UI benchmark:
//   webui_seed <CLOWN_HOME> [count=1000000]
// Requests spread over the last 90 days across 5 models, 4 profiles, 50
// projects and ~count/50 sessions, written in one transaction.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

#include "common/paths.hpp"
#include "common/time.hpp"
#include "store/requests_table.hpp"
#include "store/store.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: webui_seed <CLOWN_HOME> [count]\n";
    return 2;
  }
  clown::Paths paths{argv[1]};
  const int64_t count = argc > 2 ? std::atoll(argv[2]) : 1000000;
  auto store = clown::store::Store::open(paths);
  if (!store) {
    std::cerr << "webui_seed: " << store.error().message << "\n";
    return 1;
  }
  auto& db = (*store)->db();
  const char* models[] = {"claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5", "claude-sonnet-4",
                          "claude-3-5-haiku-20241022"};
  const double in_price[] = {3e-6, 15e-6, 1e-6, 3e-6, 0.8e-6};
  const char* profiles[] = {"work-claude", "personal", "glm", "claude-native"};
  std::mt19937_64 rng(42);
  const int64_t now = clown::now_ms();
  const int64_t span = 90LL * 86400000;
  db.exec("PRAGMA synchronous=OFF");
  db.exec("BEGIN");
  clown::store::RequestTable table(db);
  for (int64_t i = 0; i < count; ++i) {
    const int64_t session = i / 50;
    const int m = static_cast<int>(rng() % 5);
    const int p = static_cast<int>(session % 4);
    const int64_t ts = now - span + (span * i) / count + static_cast<int64_t>(rng() % 60000);
    const int64_t in = 50 + static_cast<int64_t>(rng() % 5000), out = 100 + static_cast<int64_t>(rng() % 3000);
    const int64_t cw = static_cast<int64_t>(rng() % 20000), cr = static_cast<int64_t>(rng() % 200000);
    const double ci = in * in_price[m], co = out * in_price[m] * 5, ccw = cw * in_price[m] * 1.25,
                 ccr = cr * in_price[m] * 0.1;
    const std::string key = "bench:" + std::to_string(i), session_id = "session-" + std::to_string(session),
                      project = "/home/me/src/project-" + std::to_string(session % 50);
    clown::store::RequestRecord r;
    r.dedup_key = key;
    r.ts_ms = ts;
    r.session_id = session_id;
    r.profile = profiles[p];
    r.agent = "claude";
    r.provider = "anthropic";
    r.model = models[m];
    r.project = project;
    r.tokens = {in, out, cw, 0, cr, 0};
    r.cost = {ci, co, ccw, ccr, 0.0};
    r.priced = true;
    r.price_key = models[m];
    table.upsert(r);
  }
  db.exec("COMMIT");
  std::cout << "seeded " << count << " requests into " << paths.usage_db().string() << "\n";
  return 0;
}
