#pragma once
// Seeds a store with requests and runs at known times (SQL straight into the
// documented schema, as the importer would have stored them).
#include <cstdint>
#include <string>
#include <vector>

#include "common/paths.hpp"

namespace clown::test {

struct SeedRequest {
  std::string ts;  // ISO-8601 UTC
  std::string session;
  std::string profile;
  std::string model;
  std::string project;
  int64_t input = 0, output = 0, cache_write_5m = 0, cache_write_1h = 0, cache_read = 0, web_search = 0;
  double cost_input = 0, cost_output = 0, cost_cache_write = 0, cost_cache_read = 0, cost_web_search = 0;
  bool priced = true;
  std::string agent = "claude";
  std::string provider = "anthropic";
  std::string run_id;
  std::string source = "import";
  std::string query_source;  // Claude Code's query_source, '' unknown
};

SeedRequest make_request(std::string ts, std::string session, std::string profile, std::string model,
                         std::string project);
// A request of session "s" whose whole cost is `usd` (1 input token), for budget and ROI tests.
SeedRequest spend_request(std::string ts, std::string profile, double usd);

struct SeedRun {
  std::string run_id, profile, agent = "claude", provider = "anthropic", model, cwd;
  std::string started, ended;  // ISO-8601 UTC
  double duration_secs = 0;
};

void seed(const Paths& paths, const std::vector<SeedRequest>& requests, const std::vector<SeedRun>& runs = {});

// The fixture most report tests share (times chosen around midnight in Berlin):
//   r1 2026-11-23T23:30Z  s1 work-claude  claude-sonnet-4-5-20250929 /home/u/alpha  (00:30 Nov 24 in Berlin)
//   r2 2026-11-24T08:00Z  s1 work-claude  claude-sonnet-4-5-20250929 /home/u/alpha
//   r3 2026-11-24T09:00Z  s2 claude-native claude-opus-4-1            /home/u/beta
//   r4 2026-11-24T09:10Z  s2 claude-native glm-4.6 (unpriced)         /home/u/beta
//   r5 2026-11-23T12:00Z  s3 work-claude  claude-sonnet-4-5-20250929 /home/u/alpha
//   run-1 work-claude 2026-11-24T07:59Z..08:10Z 660 s; run-2 work-claude 2026-11-23T11:55Z 300 s
std::vector<SeedRequest> fixture_requests();
std::vector<SeedRun> fixture_runs();
// "Now" for the fixture: 2026-11-24T10:00:00Z (a Tuesday).
int64_t fixture_now();

}  // namespace clown::test
