#include "ingest/parallel_scan.hpp"

#include <algorithm>

namespace clown::ingest {

unsigned scan_worker_count() {
  unsigned hw = std::thread::hardware_concurrency();
  return std::clamp(hw, 1u, 4u);
}

}  // namespace clown::ingest
