#pragma once
// GET /metrics (docs/api.md#metrics): the store's figures in Prometheus' text
// format, and who may scrape them. The usage part is summed from the rollup
// (reports/metrics.hpp) and cached with the /api/usage answers; the live part
// (runs in progress, import freshness, the forward queue) is read per scrape.
#include <cstdint>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/metrics.hpp"
#include "webui/http_types.hpp"

namespace clown::webui {

struct LiveMetrics {
  int64_t runs_active = 0;
  std::optional<int64_t> last_import_ms;  // nullopt: no import finished yet (exposed as 0)
  int64_t otel_forward_queue = 0;         // payloads waiting for the OTLP upstream
};

LiveMetrics live_metrics(const Paths& paths);

std::string usage_metrics_text(const reports::UsageMetrics& metrics);
std::string live_metrics_text(const LiveMetrics& live);

// The opt-in read-only scrape token: credentials/@metrics-token (file 0600,
// directory 0700; '@' is never part of a profile name, so no profile's key
// can take the name). metrics_token creates it on first use, or replaces it
// when `renew`; remove_metrics_token turns scraping with it off again
// (returns whether there was one).
fs::path metrics_token_file(const Paths& paths);
Expected<std::string> metrics_token(const Paths& paths, bool renew);
Expected<bool> remove_metrics_token(const Paths& paths);

// Whether a request may read /metrics: it carries the daemon token (in
// X-Clown-Token, or as `Authorization: Bearer <token>`) or the scrape token as
// `Authorization: Bearer <token>`, which is what Prometheus' `authorization`
// scrape setting sends. The scrape token file is read per request, so a new
// or removed token applies without a restart.
bool metrics_authorized(const HttpRequest& request, const std::string& daemon_token, const Paths& paths);

}  // namespace clown::webui
