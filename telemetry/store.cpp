#include "telemetry/store.hpp"

namespace clown::telemetry {

// Placeholder until the store lands.
Expected<std::unique_ptr<Store>> Store::open(const Paths&) { return fail("store not implemented yet"); }
Expected<std::unique_ptr<Store>> Store::open_readonly(const Paths&) { return fail("store not implemented yet"); }

}  // namespace clown::telemetry
