#include "ingest/merge.hpp"

#include <string_view>

#include "common/file_io.hpp"
#include "reports/aggregates.hpp"
#include "store/machine_id.hpp"
#include "store/request_jsonl.hpp"
#include "store/store.hpp"

namespace clown::ingest {

namespace {

using nlohmann::json;

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The header line: {"format":"clown-requests","version":1,"machine":…}.
Expected<std::string> read_header(const std::string& where, std::string_view line) {
  const json header = json::parse(line, nullptr, false);
  if (header.is_discarded() || !header.is_object() || header.value("format", "") != store::k_export_format)
    return fail(where + ":1: not a clown requests export (the first line must be {\"format\":\"" +
                    store::k_export_format + "\",…}); write one with clown usage export --format jsonl",
                k_exit_usage);
  const auto version = header.find("version");
  if (version == header.end() || !version->is_number_integer() || version->get<int64_t>() < 1)
    return fail(where + ":1: the header has no valid \"version\"", k_exit_usage);
  if (version->get<int64_t>() > store::k_export_version)
    return fail(where + " is format version " + std::to_string(version->get<int64_t>()) + ", newer than this clown (" +
                    std::to_string(store::k_export_version) + "); upgrade clown on this machine",
                k_exit_usage);
  const std::string machine = header.value("machine", "");
  if (!store::is_machine_id(machine))
    return fail(where + ":1: the header's \"machine\" is not a machine id", k_exit_usage);
  return machine;
}

struct Merger {
  store::RequestTable& table;
  const std::string& local;
  MergeSummary& summary;

  Expected<void> line(const std::string& where, size_t number, std::string_view text) {
    const json parsed = json::parse(text, nullptr, false);
    const std::string at = where + ":" + std::to_string(number) + ": ";
    if (parsed.is_discarded()) return fail(at + "not a JSON line (truncated or corrupt)", k_exit_usage);
    store::ParsedRequest request;
    if (auto ok = store::parse_request_line(parsed, request); !ok) return fail(at + ok.error().message, k_exit_usage);
    if (!store::is_machine_name(request.machine))
      return fail(at + "field \"machine\" is not a machine id or name", k_exit_usage);
    summary.requests += 1;
    if (request.machine == local) {
      summary.own += 1;
      return {};
    }
    const std::string key = merged_key(request.dedup_key, request.machine);
    request.record.dedup_key = key;
    switch (table.upsert(request.record)) {
      case store::RequestTable::Outcome::inserted: summary.inserted += 1; break;
      case store::RequestTable::Outcome::merged: summary.updated += 1; break;
      case store::RequestTable::Outcome::duplicate: summary.duplicates += 1; break;
    }
    return {};
  }

  Expected<void> file(const std::filesystem::path& path) {
    const std::string where = path.string();
    TRY_ASSIGN(const auto text, read_file(path));
    std::string_view rest(text);
    size_t number = 0;
    std::string machine;
    while (!rest.empty()) {
      const size_t nl = rest.find('\n');
      std::string_view one = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      ++number;
      if (number == 1) {
        TRY_ASSIGN(machine, read_header(where, one));
        continue;
      }
      if (one.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      TRY(line(where, number, one));
    }
    if (number == 0) return fail(where + " is empty: not a clown requests export", k_exit_usage);
    summary.files += 1;
    return {};
  }
};

}  // namespace

std::string merged_key(const std::string& key, const std::string& machine) {
  if (starts_with(key, "req:") || starts_with(key, "msg:") || starts_with(key, "m:")) return key;
  return "m:" + machine + "|" + key;
}

json to_json(const MergeSummary& s) {
  return {{"files", s.files},           {"requests", s.requests}, {"inserted", s.inserted}, {"updated", s.updated},
          {"duplicates", s.duplicates}, {"own", s.own},           {"warnings", s.warnings}};
}

Expected<MergeSummary> merge_files(const Paths& paths, const std::vector<std::filesystem::path>& files) {
  TRY_ASSIGN(const auto local, store::machine_id(paths));
  TRY_ASSIGN(auto store, store::Store::open(paths));
  auto& db = store->db();
  MergeSummary summary;
  try {
    SQLite::Transaction tx(db);
    store::RequestTable table(db);
    Merger merger{table, local, summary};
    for (const auto& f : files) TRY(merger.file(f));
    tx.commit();
  } catch (const std::exception& e) {
    return fail("cannot merge into " + paths.usage_db().string() + ": " + e.what());
  }
  store.reset();
  if (summary.inserted + summary.updated > 0)
    if (auto agg = reports::refresh_aggregates(paths); !agg) summary.warnings.push_back(agg.error().message);
  return summary;
}

}  // namespace clown::ingest
