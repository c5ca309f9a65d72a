// `clown usage export --format jsonl`: a header line, then every request in
// range (oldest first) with all its columns, for `clown usage merge`.
#include <limits>

#include "common/time.hpp"
#include "reports/export.hpp"
#include "reports/period.hpp"
#include "reports/report_data.hpp"
#include "reports/report_json.hpp"
#include "store/machine_id.hpp"
#include "store/request_jsonl.hpp"
#include "store/store.hpp"

namespace clown::reports {

namespace {

bool passes(const UsageFilter& f, const store::RequestRecord& r, const std::string& machine) {
  return (f.profile.empty() || r.profile == f.profile) && (f.agent.empty() || r.agent == f.agent) &&
         (f.model.empty() || model_matches(r.model, f.model)) &&
         (f.project.empty() || project_matches(r.project, f.project)) &&
         (f.machine.empty() || (r.machine.empty() ? machine : std::string(r.machine)) == f.machine);
}

}  // namespace

Expected<void> export_jsonl(const Paths& paths, const UsageFilter& given, std::ostream& out, int64_t now) {
  // A file to merge elsewhere holds the whole history unless told otherwise.
  UsageFilter filter = given;
  if (filter.period.empty()) filter.period = "all";
  TRY_ASSIGN(const auto period, resolve_report_period(paths, filter, now));
  TRY_ASSIGN(auto store, store::Store::open_readonly(paths));
  if (!filter.profile.empty()) TRY(check_profile_filter(paths, store->db(), filter.profile));
  TRY_ASSIGN(const auto machine, store::machine_id(paths));
  // What the file is first, so `head -1` says it.
  nlohmann::ordered_json header = {{"format", store::k_export_format},
                                   {"version", store::k_export_version},
                                   {"machine", machine},
                                   {"exported_at", format_iso8601_ms(now)}};
  const nlohmann::json envelope = report_envelope(period);
  for (const auto& [key, value] : envelope.items()) header[key] = value;
  out << header.dump() << "\n";
  try {
    store::RequestQuery q(store->db(), "WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms, id");
    q.sql().bind(1, period.since_ms.value_or(std::numeric_limits<int64_t>::min()));
    q.sql().bind(2, period.until_ms.value_or(std::numeric_limits<int64_t>::max()));
    while (q.next()) {
      const auto record = q.record();
      if (!passes(filter, record, machine)) continue;
      // Text the agents wrote may hold invalid UTF-8: replaced, not fatal.
      out << store::request_line(record, machine).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
          << "\n";
    }
  } catch (const std::exception& e) {
    return fail("cannot read usage from " + paths.usage_db().string() + ": " + e.what());
  }
  return {};
}

}  // namespace clown::reports
