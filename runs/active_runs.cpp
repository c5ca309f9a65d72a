#include "runs/active_runs.hpp"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "common/file_io.hpp"
#include "common/time.hpp"
#include "registry/pricing_table.hpp"
#include "runs/run_record.hpp"
#include "runs/run_transcripts.hpp"
#include "store/cost.hpp"
#include "store/usage_types.hpp"

namespace clown::runs {

namespace {

bool launcher_alive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

}  // namespace

int64_t active_run_count(const Paths& paths) {
  int64_t n = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(paths.runs_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_directory(ec)) continue;
    auto text = read_file(it->path() / "run.json");
    if (!text) continue;
    auto info = run_info_from_json(nlohmann::json::parse(*text, nullptr, false));
    if (info && launcher_alive(info->launcher_pid)) ++n;
  }
  return n;
}

nlohmann::json active_runs_json(const Paths& paths) {
  nlohmann::json out = nlohmann::json::array();
  std::error_code ec;
  std::vector<std::filesystem::path> dirs;
  for (std::filesystem::directory_iterator it(paths.runs_dir(), ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec)) dirs.push_back(it->path());
  std::sort(dirs.begin(), dirs.end());
  std::optional<registry::PricingLoadResult> pricing;
  std::optional<store::PriceResolver> resolver;
  const int64_t now = now_ms();
  for (const auto& dir : dirs) {
    auto text = read_file(dir / "run.json");
    if (!text) continue;
    auto info = run_info_from_json(nlohmann::json::parse(*text, nullptr, false));
    if (!info || !launcher_alive(info->launcher_pid)) continue;
    auto read = read_run_requests(*info, read_hook_events(paths, info->run_id), 0);
    if (!read) continue;
    if (!pricing) {
      pricing = registry::load_pricing(paths);
      resolver.emplace(pricing->pricing.table);
    }
    store::TokenCounts tokens;
    store::CostParts cost;
    std::vector<std::string> unpriced;
    for (const auto& r : read->requests) {
      tokens += r.tokens;
      const auto priced = store::price_request(*resolver, r.model, r.tokens);
      cost += priced.cost;
      if (!priced.priced && std::find(unpriced.begin(), unpriced.end(), r.model) == unpriced.end())
        unpriced.push_back(r.model);
    }
    out.push_back({{"run_id", info->run_id},
                   {"profile", info->profile},
                   {"agent", info->agent_id},
                   {"provider", info->provider_id},
                   {"model", info->model},
                   {"cwd", info->cwd},
                   {"started_at", format_iso8601_ms(info->started_ms)},
                   {"duration_secs", static_cast<double>(now - info->started_ms) / 1000.0},
                   {"session_ids", read->session_ids},
                   {"tokens", store::tokens_json(tokens)},
                   {"cost", store::cost_json(cost)},
                   {"requests", static_cast<int64_t>(read->requests.size())},
                   {"unpriced_models", unpriced}});
    out.back()["cost"]["web_search_cost"] = cost.web_search;
    out.back()["cost"]["cost_complete"] = unpriced.empty();
  }
  return out;
}

}  // namespace clown::runs
