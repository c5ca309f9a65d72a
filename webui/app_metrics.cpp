// GET /metrics (docs/api.md#metrics): the cached usage part, then the live part.
#include "common/time.hpp"
#include "webui/app.hpp"
#include "webui/metrics.hpp"
#include "webui/prometheus_text.hpp"

namespace clown::webui {

HttpResponse App::metrics(const HttpRequest&) {
  // Cached like /api/usage answers: recomputed when usage.db, sessions.jsonl,
  // config.toml or the minute changes ("\x01" keeps the key apart from report kinds).
  CachedBody cached = m_cache.get("\x01metrics", [&] {
    auto m = reports::usage_metrics(m_config.paths, now_ms());
    if (!m) return CachedBody{500, m.error().message};
    return CachedBody{200, usage_metrics_text(*m)};
  });
  if (cached.status != 200) return json_error(cached.status, "internal_error", cached.body);
  HttpResponse res;
  res.content_type = k_prometheus_content_type;
  res.body = std::move(cached.body) + live_metrics_text(live_metrics(m_config.paths));
  return res;
}

}  // namespace clown::webui
