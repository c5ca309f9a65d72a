#pragma once
// Summing requests into a Rollup (reports/report_rollup.hpp) one at a time:
// from the rows of `requests` (report_rollup.cpp) or, in a cold import, from
// the rows as they are stored (ingest/bulk_rollup.hpp). Both sum the same
// fields the same way, in the order the rows were stored.
#include <cstdint>
#include <memory>
#include <string_view>

#include "reports/report_rollup.hpp"
#include "store/usage_types.hpp"

namespace clown::reports {

// One stored request, as the rollup sums it (the columns of `requests`).
struct RollupInput {
  int64_t ts_ms = 0;
  std::string_view session_id, profile, agent, provider, model, project, query_source, machine, subagent;
  bool sidechain = false;
  bool history = false;  // source 'stats-cache': summed without an agent session
  bool priced = false;
  store::TokenCounts tokens;
  store::CostParts cost;
  double cost_total = 0;  // the stored cost_total
};

class RollupBuilder {
 public:
  RollupBuilder();
  ~RollupBuilder();
  RollupBuilder(const RollupBuilder&) = delete;
  RollupBuilder& operator=(const RollupBuilder&) = delete;

  void add(const RollupInput& request);
  // Every row of a rollup of other requests (disjoint from those added).
  void add(const Rollup& part);
  size_t rows() const;
  // About what it holds in memory, in bytes (rows, their index, the strings).
  size_t memory() const;
  Rollup take();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace clown::reports
