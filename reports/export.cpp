// `clown usage export`: every request in range, one row each.
#include <charconv>
#include <limits>

#include "common/time.hpp"
#include "reports/export.hpp"
#include "reports/period.hpp"
#include "reports/report_data.hpp"
#include "reports/report_json.hpp"
#include "store/machine_id.hpp"
#include "store/requests_table.hpp"
#include "store/store.hpp"

namespace clown::reports {

namespace {

const char* const k_columns[] = {"timestamp",
                                 "date",
                                 "session_id",
                                 "run_id",
                                 "profile",
                                 "agent",
                                 "provider",
                                 "model",
                                 "project",
                                 "sidechain",
                                 "input_tokens",
                                 "output_tokens",
                                 "cache_creation_5m_tokens",
                                 "cache_creation_1h_tokens",
                                 "cache_read_tokens",
                                 "web_search_requests",
                                 "input_cost",
                                 "output_cost",
                                 "cache_creation_cost",
                                 "cache_read_cost",
                                 "web_search_cost",
                                 "total_cost",
                                 "priced",
                                 "source"};
constexpr size_t k_ncolumns = sizeof(k_columns) / sizeof(k_columns[0]);

// Shortest text that reads back as the same double.
std::string number(double v) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Expected<void> export_usage(const Paths& paths, const UsageFilter& filter, const std::string& format, std::ostream& out,
                            int64_t now) {
  if (format == "jsonl") return export_jsonl(paths, filter, out, now);
  if (format != "csv" && format != "json")
    return fail("unknown export format '" + format + "': use csv, json or jsonl", k_exit_usage);
  auto period = resolve_report_period(paths, filter, now);
  if (!period) return tl::unexpected(period.error());
  auto store = store::Store::open_readonly(paths);
  if (!store) return tl::unexpected(store.error());
  if (!filter.profile.empty()) TRY(check_profile_filter(paths, (*store)->db(), filter.profile));

  const std::string local = store::known_machine_id(paths);  // '' rows are this machine's
  const bool csv = format == "csv";
  if (csv) {
    for (size_t i = 0; i < k_ncolumns; ++i) out << (i ? "," : "") << k_columns[i];
    out << "\r\n";
  } else {
    std::string head = report_envelope(*period).dump();
    head.pop_back();  // reopen the object to stream the requests into it
    out << head << ",\"requests\":[";
  }
  try {
    using C = store::RequestColumn;
    store::RequestQuery q(
        (*store)->db(),
        {C::ts_ms,           C::session_id,      C::run_id,     C::profile,    C::agent,       C::provider,
         C::model,           C::project,         C::sidechain,  C::input,      C::output,      C::cache_write_5m,
         C::cache_write_1h,  C::cache_read,      C::web_search, C::cost_input, C::cost_output, C::cost_cache_write,
         C::cost_cache_read, C::cost_web_search, C::cost_total, C::priced,     C::source,      C::machine},
        "WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms, id");
    q.sql().bind(1, period->since_ms.value_or(std::numeric_limits<int64_t>::min()));
    q.sql().bind(2, period->until_ms.value_or(std::numeric_limits<int64_t>::max()));
    const C counts[] = {C::input, C::output, C::cache_write_5m, C::cache_write_1h, C::cache_read, C::web_search};
    const C costs[] = {C::cost_input,      C::cost_output,     C::cost_cache_write,
                       C::cost_cache_read, C::cost_web_search, C::cost_total};
    bool first = true;
    while (q.next()) {
      const std::string_view profile = q.text(C::profile), agent = q.text(C::agent), model = q.text(C::model),
                             project = q.text(C::project);
      if ((!filter.profile.empty() && profile != filter.profile) || (!filter.agent.empty() && agent != filter.agent) ||
          (!filter.model.empty() && !model_matches(model, filter.model)) ||
          (!filter.project.empty() && !project_matches(project, filter.project)) ||
          (!filter.machine.empty() && (q.text(C::machine).empty() ? local : q.text(C::machine)) != filter.machine))
        continue;
      const int64_t ts = q.int64(C::ts_ms);
      const std::string text[] = {format_iso8601_ms(ts),
                                  local_date(period->zone, ts),
                                  std::string(q.text(C::session_id)),
                                  std::string(q.text(C::run_id)),
                                  std::string(profile),
                                  std::string(agent),
                                  std::string(q.text(C::provider)),
                                  std::string(model),
                                  std::string(project)};
      // k_columns: the text fields, sidechain, the six counts, the six costs, priced, source.
      if (csv) {
        for (size_t i = 0; i < std::size(text); ++i) out << (i ? "," : "") << csv_field(text[i]);
        out << ',' << q.int64(C::sidechain);
        for (C c : counts) out << ',' << q.int64(c);
        for (C c : costs) out << ',' << number(q.real(c));
        out << ',' << q.int64(C::priced) << ',' << csv_field(std::string(q.text(C::source))) << "\r\n";
      } else {
        nlohmann::json row = nlohmann::json::object();
        size_t k = 0;
        for (const auto& t : text) row[k_columns[k++]] = t;
        row[k_columns[k++]] = q.int64(C::sidechain) != 0;
        for (C c : counts) row[k_columns[k++]] = q.int64(c);
        for (C c : costs) row[k_columns[k++]] = q.real(c);
        row[k_columns[k++]] = q.int64(C::priced) != 0;
        row[k_columns[k++]] = q.text(C::source);
        out << (first ? "" : ",") << row.dump();
      }
      first = false;
    }
  } catch (const std::exception& e) {
    return fail("cannot read usage from " + paths.usage_db().string() + ": " + e.what());
  }
  if (!csv) out << "]}\n";
  return {};
}

}  // namespace clown::reports
