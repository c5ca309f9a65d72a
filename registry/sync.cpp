#include "registry/sync.hpp"

namespace clown::registry {

// Placeholder until the registry lands.
Expected<SyncResult> sync_pricing(const Paths&, const SyncOptions&) { return fail("registry sync not implemented yet"); }
nlohmann::json to_json(const SyncResult& r) {
  return {{"outcome", r.outcome}, {"source_url", r.source_url}, {"model_count", r.model_count},
          {"sha256", r.sha256}, {"fetched_at", r.fetched_at}};
}

}  // namespace clown::registry
