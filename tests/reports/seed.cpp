#include "tests/reports/seed.hpp"

#include <stdexcept>

#include "common/time.hpp"
#include "store/requests_table.hpp"
#include "store/store.hpp"

namespace clown::test {

namespace {
int64_t ms(const std::string& iso) {
  auto v = parse_iso8601_ms(iso);
  if (!v) throw std::runtime_error("bad time in test seed: " + iso);
  return *v;
}
}  // namespace

void seed(const Paths& paths, const std::vector<SeedRequest>& requests, const std::vector<SeedRun>& runs) {
  auto store = store::Store::open(paths);
  if (!store) throw std::runtime_error(store.error().message);
  auto& db = (*store)->db();
  SQLite::Transaction tx(db);
  store::RequestTable table(db);
  static int counter = 0;
  for (const auto& r : requests) {
    const std::string key = "msg_" + std::to_string(++counter) + "|req";
    const auto source = store::request_source_from(r.source);
    if (!source) throw std::runtime_error("bad source in test seed: " + r.source);
    store::RequestRecord rec;
    rec.dedup_key = key;
    rec.ts_ms = ms(r.ts);
    rec.session_id = r.session;
    rec.run_id = r.run_id;
    rec.profile = r.profile;
    rec.agent = r.agent;
    rec.provider = r.provider;
    rec.model = r.model;
    rec.project = r.project;
    rec.tokens = {r.input, r.output, r.cache_write_5m, r.cache_write_1h, r.cache_read, r.web_search};
    rec.cost = {r.cost_input, r.cost_output, r.cost_cache_write, r.cost_cache_read, r.cost_web_search};
    rec.priced = r.priced;
    rec.price_key = r.priced ? std::string_view(r.model) : std::string_view();
    rec.source = *source;
    rec.query_source = r.query_source;
    if (table.upsert(rec) != store::RequestTable::Outcome::inserted)
      throw std::runtime_error("duplicate request in test seed");
  }
  SQLite::Statement run(db,
                        "INSERT INTO runs(run_id, profile, agent, provider, model, cwd, started_ms, ended_ms, "
                        "duration_secs, exit_code) VALUES(?,?,?,?,?,?,?,?,?,0)");
  for (const auto& r : runs) {
    run.reset();
    run.bind(1, r.run_id);
    run.bind(2, r.profile);
    run.bind(3, r.agent);
    run.bind(4, r.provider);
    run.bind(5, r.model);
    run.bind(6, r.cwd);
    run.bind(7, ms(r.started));
    run.bind(8, ms(r.ended));
    run.bind(9, r.duration_secs);
    run.exec();
  }
  tx.commit();
}

SeedRequest make_request(std::string ts, std::string session, std::string profile, std::string model,
                         std::string project) {
  SeedRequest r;
  r.ts = std::move(ts);
  r.session = std::move(session);
  r.profile = std::move(profile);
  r.model = std::move(model);
  r.project = std::move(project);
  return r;
}

SeedRequest spend_request(std::string ts, std::string profile, double usd) {
  SeedRequest r = make_request(std::move(ts), "s", std::move(profile), "claude-sonnet-4-5", "/p");
  r.input = 1;
  r.cost_input = usd;
  return r;
}

std::vector<SeedRequest> fixture_requests() {
  const std::string sonnet = "claude-sonnet-4-5-20250929";
  SeedRequest r1 = make_request("2026-11-23T23:30:00.000Z", "s1", "work-claude", sonnet, "/home/u/alpha");
  r1.input = 100, r1.output = 200, r1.cache_write_5m = 1000, r1.cache_write_1h = 24, r1.cache_read = 5000,
  r1.web_search = 1;
  r1.cost_input = 0.5, r1.cost_output = 1.25, r1.cost_cache_write = 0.125, r1.cost_cache_read = 0.0625,
  r1.cost_web_search = 0.25;
  r1.run_id = "run-1";
  SeedRequest r2 = make_request("2026-11-24T08:00:00.000Z", "s1", "work-claude", sonnet, "/home/u/alpha");
  r2.input = 10, r2.output = 20, r2.cache_read = 300;
  r2.cost_input = 0.25, r2.cost_output = 0.5, r2.cost_cache_read = 0.125;
  r2.run_id = "run-1";
  SeedRequest r3 = make_request("2026-11-24T09:00:00.000Z", "s2", "claude-native", "claude-opus-4-1", "/home/u/beta");
  r3.input = 1, r3.output = 2, r3.cache_write_5m = 3, r3.cache_write_1h = 4, r3.cache_read = 5;
  r3.cost_input = 1, r3.cost_output = 2, r3.cost_cache_write = 4, r3.cost_cache_read = 8;
  SeedRequest r4 = make_request("2026-11-24T09:10:00.000Z", "s2", "claude-native", "glm-4.6", "/home/u/beta");
  r4.input = 7, r4.output = 8;
  r4.priced = false;
  SeedRequest r5 = make_request("2026-11-23T12:00:00.000Z", "s3", "work-claude", sonnet, "/home/u/alpha");
  r5.input = 1000, r5.output = 2000;
  r5.cost_input = 4, r5.cost_output = 16;
  r5.run_id = "run-2";
  return {r1, r2, r3, r4, r5};
}

std::vector<SeedRun> fixture_runs() {
  SeedRun a{"run-1",
            "work-claude",
            "claude",
            "anthropic",
            "claude-sonnet-4-5-20250929",
            "/home/u/alpha",
            "2026-11-23T23:20:00.000Z",
            "2026-11-24T08:10:00.000Z",
            660};
  SeedRun b{"run-2",
            "work-claude",
            "claude",
            "anthropic",
            "claude-sonnet-4-5-20250929",
            "/home/u/alpha",
            "2026-11-23T11:55:00.000Z",
            "2026-11-23T12:05:00.000Z",
            300};
  return {a, b};
}

int64_t fixture_now() { return *parse_iso8601_ms("2026-11-24T10:00:00Z"); }

}  // namespace clown::test
