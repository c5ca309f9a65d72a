// libFuzzer target: the body of an OTLP/HTTP JSON POST /v1/metrics
// (ingest/otel_metrics parse_otlp_metrics, what the daemon's receiver turns
// into metric points), then the metrics inbox line round trip: the line the
// receiver writes (to_json(...).dump()) must read back as the same point.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/otel_metrics.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto batch = clown::ingest::parse_otlp_metrics(body);
  if (!batch) return 0;
  if (batch->skipped < 0 || batch->metrics < 0) __builtin_trap();
  for (const auto& point : batch->points) {
    const auto line = clown::ingest::to_json(point).dump();
    auto back = clown::ingest::metric_point_from_json(nlohmann::json::parse(line));
    if (!back || back->name != point.name || back->labels != point.labels || back->session_id != point.session_id ||
        back->time_ns != point.time_ns || back->start_ns != point.start_ns || back->value != point.value ||
        back->temporality != point.temporality)
      __builtin_trap();
  }
  return 0;
}
