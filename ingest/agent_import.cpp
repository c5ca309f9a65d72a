#include "ingest/agent_import.hpp"

#include <chrono>
#include <system_error>

#include "common/environment.hpp"
#include "common/file_stamp.hpp"
#include "common/time.hpp"
#include "ingest/claude_dirs.hpp"
#include "ingest/codex_reader.hpp"
#include "ingest/gemini_reader.hpp"
#include "ingest/import_cursors.hpp"
#include "ingest/opencode_reader.hpp"
#include "profiles/agent_template.hpp"
#include "profiles/catalog.hpp"
#include "profiles/profile_store.hpp"
#include "registry/pricing_table.hpp"
#include "reports/aggregates.hpp"
#include "store/db_errors.hpp"
#include "store/request_writer.hpp"
#include "store/store.hpp"

namespace clown::ingest {

namespace {

namespace fs = std::filesystem;

// opencode commits a step's row when the step ends; rows of a step that was
// running during the last import may carry an earlier time than its newest row.
constexpr int64_t k_database_overlap_ms = 5 * 60 * 1000;

struct Source {
  fs::path dir;
  store::Attribution attribution;
};

fs::path canonical_or_self(const fs::path& p) {
  std::error_code ec;
  auto c = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : c;
}

// A log file of a file-based agent: its path, and for Gemini CLI the session
// it belongs to and its project.
struct LogFile {
  std::string path;
  GeminiChatFile chat;
};

std::vector<LogFile> list_logs(const std::string& reader, const fs::path& dir) {
  std::vector<LogFile> out;
  if (reader == "codex")
    for (auto& f : list_codex_rollouts(dir)) out.push_back({f, {}});
  if (reader == "gemini")
    for (auto& f : list_gemini_chats(dir)) out.push_back({f.path, f});
  if (reader == "claude")
    for (auto& f : list_transcripts(dir)) out.push_back({f, {}});
  return out;
}

bool has_logs(const std::string& reader, const fs::path& dir) {
  std::error_code ec;
  if (reader == "opencode") return fs::exists(opencode_db_file(dir), ec);
  return !list_logs(reader, dir).empty();
}

profiles::TemplateValues home_values(const fs::path& home) {
  profiles::TemplateValues v;
  v.set("home", home.string());
  return v;
}

// The given dirs, else the first default whose variables are set; plus the
// isolated homes of this agent's profiles.
Expected<std::vector<Source>> resolve_sources(const Paths& paths, const profiles::AgentDefinition& agent,
                                              const std::vector<fs::path>& given) {
  std::vector<Source> out;
  auto add = [&](const fs::path& dir, store::Attribution a) {
    const auto c = canonical_or_self(dir);
    for (const auto& s : out)
      if (s.dir == c) return;
    a.config_dir = c.string();
    out.push_back({c, std::move(a)});
  };
  store::Attribution native;
  native.agent = agent.id;
  native.profile = store::native_profile(agent.id);
  std::error_code ec;
  for (const auto& d : given) {
    if (!fs::is_directory(d, ec)) return fail(agent.name + " log dir " + d.string() + " does not exist", k_exit_usage);
    add(d, native);
  }
  const auto env = current_environment();
  if (given.empty()) {
    for (const auto& d : agent.usage.dirs) {
      auto dir = profiles::expand_usage_path(d, env, profiles::TemplateValues());
      if (!dir) continue;
      if (fs::is_directory(*dir, ec)) add(*dir, native);
      break;
    }
  }
  std::vector<fs::path> homes;
  for (fs::directory_iterator it(paths.homes_dir(), ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec)) homes.push_back(it->path());
  std::sort(homes.begin(), homes.end());
  for (const auto& home : homes) {
    auto profile = profiles::load_profile(paths, home.filename().string());
    if (profile && profile->agent != agent.id) continue;
    auto dir = profiles::expand_usage_path(agent.usage.isolated_dir, env, home_values(home));
    if (!dir || (!profile && !has_logs(agent.usage.reader, *dir))) continue;
    store::Attribution a;
    a.profile = home.filename().string();
    a.agent = agent.id;
    if (profile) a.provider = profile->provider;
    add(*dir, a);
  }
  return out;
}

struct FileRead {
  std::vector<store::RequestUsage> requests;
  ParseStats stats;
  uint64_t bytes = 0;
};

Expected<FileRead> read_log(const std::string& reader, const LogFile& file) {
  FileRead out;
  if (reader == "codex") {
    TRY_ASSIGN(auto scan, scan_codex_rollout(file.path));
    out = {std::move(scan.requests), scan.stats, scan.bytes_read};
  } else {
    TRY_ASSIGN(auto scan, scan_gemini_chat(file.chat));
    out = {std::move(scan.requests), scan.stats, scan.bytes_read};
  }
  return out;
}

void store_requests(const std::vector<store::RequestUsage>& requests, const store::Attribution& a,
                    store::RequestWriter& writer, ImportSummary& summary) {
  for (const auto& r : requests) {
    if (writer.write(r, a) == store::WriteOutcome::inserted)
      ++summary.new_requests;
    else
      ++summary.duplicates;
  }
}

// Codex rollouts and Gemini chats: each changed file is read whole (its
// requests are keyed, so a re-read counts nothing twice).
void import_files(const std::string& reader, const std::vector<Source>& sources, store::RequestWriter& writer,
                  ImportCursors& cursors, const AgentImportOptions& options, ImportSummary& summary) {
  struct Job {
    LogFile file;
    FileStamp stat;
    const Source* source;
  };
  std::vector<Job> jobs;
  uint64_t total = 0, done = 0;
  for (const auto& s : sources) {
    for (auto& f : list_logs(reader, s.dir)) {
      auto st = stat_file(f.path);
      if (!st) continue;
      ++summary.files_seen;
      if (!cursors.start_offset(f.path, *st)) continue;  // unchanged
      total += static_cast<uint64_t>(st->size);
      jobs.push_back({std::move(f), *st, &s});
    }
  }
  for (const auto& job : jobs) {
    auto read = read_log(reader, job.file);
    done += static_cast<uint64_t>(job.stat.size);
    if (options.progress) options.progress(done, total);
    if (!read) {
      summary.warnings.push_back(read.error().message);
      continue;
    }
    ++summary.files_read;
    summary.bytes_read += static_cast<int64_t>(read->bytes);
    summary.skipped_lines += read->stats.skipped_lines;
    store_requests(read->requests, job.source->attribution, writer, summary);
    cursors.save(job.file.path, job.stat, static_cast<uint64_t>(job.stat.size), job.source->attribution.profile);
  }
}

// opencode: the steps stored since the last import of each database.
void import_databases(SQLite::Database& db, const std::vector<Source>& sources, store::RequestWriter& writer,
                      ImportSummary& summary) {
  store::Sql last(db, "SELECT last_ms FROM import_databases WHERE path = ?");
  store::Sql save(db, "INSERT OR REPLACE INTO import_databases(path, last_ms, profile) VALUES(?, ?, ?)");
  for (const auto& s : sources) {
    const auto file = opencode_db_file(s.dir);
    std::error_code ec;
    if (!fs::exists(file, ec)) continue;
    ++summary.files_seen;
    const std::string path = file.string();
    last.bind(1, path);
    const int64_t since = last.step() ? last.int64(0) : 0;
    last.reset();
    auto scan = read_opencode_db(file, {since > 0 ? since - k_database_overlap_ms : 0, 0});
    if (!scan) {
      summary.warnings.push_back(scan.error().message);
      continue;
    }
    ++summary.files_read;
    summary.bytes_read += static_cast<int64_t>(fs::file_size(file, ec));
    summary.skipped_lines += scan->stats.skipped_lines;
    store_requests(scan->requests, s.attribution, writer, summary);
    save.bind(1, path).bind(2, std::max(since, scan->max_time_ms)).bind(3, s.attribution.profile);
    save.exec();
    save.reset();
  }
}

}  // namespace

Expected<ImportSummary> import_agent(const Paths& paths, const AgentImportOptions& options) {
  const auto catalog = profiles::load_catalog(paths);
  const auto* agent = catalog.find_agent(options.agent);
  if (!agent) return fail("unknown agent '" + options.agent + "' (see: clown agents list)", k_exit_usage);
  const std::string& reader = agent->usage.reader;
  if (reader.empty())
    return fail("agent '" + agent->id + "' has no usage reader: clown cannot read its logs", k_exit_usage);
  if (reader == "claude") {
    ImportOptions claude;
    claude.claude_dirs = options.dirs;
    claude.progress = options.progress;
    return import_claude(paths, claude);
  }
  const auto started = std::chrono::steady_clock::now();
  TRY_ASSIGN(const auto sources, resolve_sources(paths, *agent, options.dirs));
  ImportSummary summary;
  TRY_ASSIGN(auto store, store::Store::open_single_thread(paths));
  auto& db = store->db();
  try {
    const auto pricing = registry::load_pricing(paths);
    if (!pricing.warning.empty()) summary.warnings.push_back(pricing.warning);
    store::PriceResolver resolver(pricing.pricing.table);
    // One transaction: cursors move only together with the requests they cover.
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    store::RequestWriter writer(db, resolver);
    if (reader == "opencode") {
      import_databases(db, sources, writer, summary);
    } else {
      ImportCursors cursors(db);
      import_files(reader, sources, writer, cursors, options, summary);
    }
    tx.commit();
  } catch (const std::exception& e) {
    return fail(std::string("import failed while writing the usage database: ") + e.what() +
                store::db_failure_advice(paths, e));
  }
  store.reset();
  if (summary.new_requests > 0) {
    if (auto agg = reports::refresh_aggregates(paths); !agg) summary.warnings.push_back(agg.error().message);
  } else if (auto agg = reports::ensure_aggregates_current(paths); !agg) {
    summary.warnings.push_back(agg.error().message);  // stale after a crash before an earlier refresh
  }
  add_reprice_hint(paths, summary);
  record_import_success(paths, now_ms());
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

std::vector<std::string> agents_with_logs(const Paths& paths) {
  std::vector<std::string> out;
  const auto catalog = profiles::load_catalog(paths);
  for (const auto& agent : catalog.agents) {
    if (agent.usage.reader.empty()) continue;
    if (agent.usage.reader == "claude") {
      auto dirs = resolve_claude_dirs(paths, {});
      if (dirs &&
          std::any_of(dirs->begin(), dirs->end(), [](const auto& d) { return !list_transcripts(d.path).empty(); }))
        out.push_back(agent.id);
      continue;
    }
    auto sources = resolve_sources(paths, agent, {});
    if (sources && std::any_of(sources->begin(), sources->end(),
                               [&](const Source& s) { return has_logs(agent.usage.reader, s.dir); }))
      out.push_back(agent.id);
  }
  return out;
}

Expected<std::vector<AgentImport>> import_all(const Paths& paths,
                                              const std::function<void(uint64_t, uint64_t)>& progress) {
  std::vector<AgentImport> out;
  for (const auto& agent : agents_with_logs(paths)) {
    AgentImportOptions options;
    options.agent = agent;
    options.progress = progress;
    TRY_ASSIGN(auto summary, import_agent(paths, options));
    out.push_back({agent, std::move(summary)});
  }
  // The hint is about the whole store: once, after the last import.
  for (size_t i = 0; i + 1 < out.size(); ++i) out[i].summary.hint.clear();
  return out;
}

nlohmann::json to_json(const std::vector<AgentImport>& imports) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& i : imports) {
    auto j = to_json(i.summary);
    j["agent"] = i.agent;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace clown::ingest
