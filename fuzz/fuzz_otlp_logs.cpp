// libFuzzer target: the body of an OTLP/HTTP JSON POST /v1/logs
// (ingest/otel parse_otlp_logs, what the daemon's receiver turns into
// requests), then the cache-write split and the spool line round trip.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/otel.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto batch = clown::ingest::parse_otlp_logs(body);
  if (!batch) return 0;
  for (auto& request : batch->requests) {
    clown::ingest::infer_cache_split(request, clown::registry::bundled_pricing());
    // What the receiver spools it reads back.
    auto back = clown::ingest::otel_request_from_json(clown::ingest::to_json(request));
    if (!back) __builtin_trap();
  }
  return 0;
}
