// `clown usage export`: every request in range, one row each.
#include <charconv>
#include <limits>

#include "common/time.hpp"
#include "reports/report_query.hpp"
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
  if (format != "csv" && format != "json")
    return fail("unknown export format '" + format + "': use csv or json", k_exit_usage);
  auto period = resolve_report_period(paths, filter, now);
  if (!period) return tl::unexpected(period.error());
  auto store = store::Store::open_readonly(paths);
  if (!store) return tl::unexpected(store.error());

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
    SQLite::Statement q((*store)->db(),
                        "SELECT ts_ms, session_id, run_id, profile, agent, provider, model, project, sidechain, "
                        "input, output, cache_write_5m, cache_write_1h, cache_read, web_search, cost_input, "
                        "cost_output, cost_cache_write, cost_cache_read, cost_web_search, cost_total, priced, "
                        "source FROM requests WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms, id");
    q.bind(1, period->since_ms.value_or(std::numeric_limits<int64_t>::min()));
    q.bind(2, period->until_ms.value_or(std::numeric_limits<int64_t>::max()));
    bool first = true;
    while (q.executeStep()) {
      const std::string profile = q.getColumn(3).getString(), agent = q.getColumn(4).getString(),
                        model = q.getColumn(6).getString(), project = q.getColumn(7).getString();
      if ((!filter.profile.empty() && profile != filter.profile) || (!filter.agent.empty() && agent != filter.agent) ||
          (!filter.model.empty() && !model_matches(model, filter.model)) ||
          (!filter.project.empty() && !project_matches(project, filter.project)))
        continue;
      const int64_t ts = q.getColumn(0).getInt64();
      std::vector<std::string> text = {format_iso8601_ms(ts),
                                       local_date(period->zone, ts),
                                       q.getColumn(1).getString(),
                                       q.getColumn(2).getString(),
                                       profile,
                                       agent,
                                       q.getColumn(5).getString(),
                                       model,
                                       project};
      if (csv) {
        for (size_t i = 0; i < text.size(); ++i) out << (i ? "," : "") << csv_field(text[i]);
        out << ',' << q.getColumn(8).getInt64();
        for (int c = 9; c <= 14; ++c) out << ',' << q.getColumn(c).getInt64();
        for (int c = 15; c <= 20; ++c) out << ',' << number(q.getColumn(c).getDouble());
        out << ',' << q.getColumn(21).getInt64() << ',' << csv_field(q.getColumn(22).getString()) << "\r\n";
      } else {
        nlohmann::json row = nlohmann::json::object();
        for (size_t i = 0; i < text.size(); ++i) row[k_columns[i]] = text[i];
        row["sidechain"] = q.getColumn(8).getInt64() != 0;
        for (int c = 9; c <= 14; ++c) row[k_columns[c + 1]] = q.getColumn(c).getInt64();
        for (int c = 15; c <= 20; ++c) row[k_columns[c + 1]] = q.getColumn(c).getDouble();
        row["priced"] = q.getColumn(21).getInt64() != 0;
        row["source"] = q.getColumn(22).getString();
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
