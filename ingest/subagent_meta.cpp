#include "ingest/subagent_meta.hpp"

#include <filesystem>
#include <set>
#include <system_error>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "store/sql.hpp"

namespace clown::ingest {

namespace fs = std::filesystem;

// By slicing the text (no std::filesystem::path: an import asks for every
// transcript, and a path's pieces allocate).
std::optional<store::SubagentRow> subagent_of_transcript(const std::string& path) {
  std::string_view rest(path);
  auto last_part = [&rest]() {  // cuts the last component off `rest`
    const size_t slash = rest.rfind('/');
    const std::string_view part = slash == std::string_view::npos ? rest : rest.substr(slash + 1);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(0, slash);
    return part;
  };
  constexpr std::string_view prefix = "agent-", suffix = ".jsonl";
  const std::string_view name = last_part();
  if (name.size() <= prefix.size() + suffix.size() || name.substr(0, prefix.size()) != prefix ||
      name.substr(name.size() - suffix.size()) != suffix || last_part() != "subagents")
    return std::nullopt;
  store::SubagentRow row;
  row.session_id = last_part();
  row.agent_id = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (row.session_id.empty()) return std::nullopt;
  return row;
}

Expected<std::optional<store::SubagentRow>> read_subagent_meta(const std::string& transcript_path) {
  auto row = subagent_of_transcript(transcript_path);
  if (!row) return std::optional<store::SubagentRow>();
  const fs::path meta = fs::path(transcript_path).replace_extension(".meta.json");
  std::error_code ec;
  if (!fs::exists(meta, ec)) return std::optional<store::SubagentRow>();
  TRY_ASSIGN(const auto text, read_file(meta));
  const auto j = nlohmann::json::parse(text, nullptr, false);
  auto field = [&](const char* key) -> std::optional<std::string> {
    if (!j.contains(key) || j[key].is_null()) return std::string();
    if (!j[key].is_string()) return std::nullopt;
    return j[key].get<std::string>();
  };
  if (j.is_discarded() || !j.is_object())
    return fail(meta.string() + ": not a JSON object (a subagent's meta.json); its type and description are unknown");
  const auto type = field("agentType"), description = field("description");
  if (!type || !description)
    return fail(meta.string() + ": agentType and description must be strings; the subagent's type is unknown");
  row->agent_type = *type;
  row->description = *description;
  return row;
}

std::vector<std::string> record_subagents(SQLite::Database& db, const std::vector<std::string>& transcripts,
                                          bool only_new) {
  std::vector<std::string> warnings;
  std::set<std::pair<std::string, std::string>> known;
  if (only_new) {
    store::Sql q(db, "SELECT session_id, agent_id FROM subagents");
    while (q.step()) known.emplace(std::string(q.text(0)), std::string(q.text(1)));
  }
  for (const auto& path : transcripts) {
    const auto id = subagent_of_transcript(path);
    if (!id || known.count({id->session_id, id->agent_id})) continue;
    auto meta = read_subagent_meta(path);
    if (!meta)
      warnings.push_back(meta.error().message);
    else if (*meta)
      store::upsert_subagent(db, **meta);
  }
  return warnings;
}

}  // namespace clown::ingest
