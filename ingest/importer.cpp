#include "ingest/importer.hpp"

#include <malloc.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "common/time.hpp"
#include "ingest/bulk_rollup.hpp"
#include "ingest/claude_dirs.hpp"
#include "ingest/import_cursors.hpp"
#include "ingest/otel_sink.hpp"
#include "ingest/parallel_scan.hpp"
#include "ingest/session_claims.hpp"
#include "ingest/stats_cache.hpp"
#include "ingest/subagent_meta.hpp"
#include "registry/pricing_table.hpp"
#include "reports/aggregates.hpp"
#include "reports/reprice.hpp"
#include "store/db_errors.hpp"
#include "store/request_writer.hpp"
#include "store/store.hpp"

namespace clown::ingest {

namespace {

namespace fs = std::filesystem;

// CLOWN_TRACE_IMPORT=1 prints phase timings to stderr (for bench/).
class PhaseTrace {
 public:
  PhaseTrace() : m_on(std::getenv("CLOWN_TRACE_IMPORT") != nullptr), m_last(std::chrono::steady_clock::now()) {
    m_last_cpu = thread_cpu_ms();
  }
  void mark(const char* phase) {
    if (!m_on) return;
    auto now = std::chrono::steady_clock::now();
    double cpu = thread_cpu_ms();
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    std::fprintf(stderr, "import: %-18s %8.1f ms wall %8.1f ms main-thread cpu %6ld MiB peak RSS\n", phase,
                 std::chrono::duration<double, std::milli>(now - m_last).count(), cpu - m_last_cpu,
                 ru.ru_maxrss / 1024);
    m_last = now;
    m_last_cpu = cpu;
  }

 private:
  static double thread_cpu_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  }
  bool m_on;
  std::chrono::steady_clock::time_point m_last;
  double m_last_cpu = 0;
};

// The files to read, each from where the last import stopped.
struct ImportPlan {
  std::vector<FileJob> jobs;
  uint64_t total_bytes = 0;
  std::vector<std::string> subagents;  // every subagent transcript seen (for their meta.json)
};

// Every dir's transcripts, listed on a thread of its own while the store opens.
class Listing {
 public:
  explicit Listing(const std::vector<ConfigDir>& dirs)
      : m_thread([this, &dirs] {
          for (const auto& d : dirs) m_files.push_back(list_transcript_files(d.path, &m_warnings));
        }) {}
  ~Listing() { join(); }
  Listing(const Listing&) = delete;
  Listing& operator=(const Listing&) = delete;
  void join() {
    if (m_thread.joinable()) m_thread.join();
  }
  // Per dir, in the order of `dirs`; the warnings go to `summary`.
  std::vector<std::vector<ListedTranscript>> take(ImportSummary& summary) {
    join();
    for (auto& w : m_warnings) summary.warnings.push_back(std::move(w));
    return std::move(m_files);
  }

 private:
  std::vector<std::vector<ListedTranscript>> m_files;
  std::vector<std::string> m_warnings;
  std::thread m_thread;  // last: starts once the members it fills exist
};

ImportPlan plan_import(Listing& listing, const ImportCursors& cursors, ImportSummary& summary) {
  ImportPlan plan;
  auto listed = listing.take(summary);
  for (size_t d = 0; d < listed.size(); ++d) {
    for (auto& [f, stamp] : listed[d]) {
      const auto st = stamp ? stamp : stat_file(f);
      if (!st) continue;
      ++summary.files_seen;
      if (subagent_of_transcript(f)) plan.subagents.push_back(f);
      const auto offset = cursors.start_offset(f, *st);
      if (!offset) continue;  // unchanged
      plan.total_bytes += static_cast<uint64_t>(st->size) - *offset;
      plan.jobs.push_back(FileJob{std::move(f), d, *st, *offset});
    }
  }
  return plan;
}

// Calls `progress` at most every 50 ms.
class ProgressThrottle {
 public:
  explicit ProgressThrottle(const ImportOptions& options, uint64_t total) : m_options(options), m_total(total) {}
  void advance(uint64_t bytes) {
    m_done += bytes;
    if (!m_options.progress) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last <= std::chrono::milliseconds(50)) return;
    m_options.progress(m_done, m_total);
    m_last = now;
  }
  void finish() const {
    if (m_options.progress && m_total > 0) m_options.progress(m_total, m_total);
  }

 private:
  const ImportOptions& m_options;
  uint64_t m_total;
  uint64_t m_done = 0;
  std::chrono::steady_clock::time_point m_last = std::chrono::steady_clock::now();
};

// Sessions whose requests or claims an import changed: they are reconciled
// with the agent's own totals at the end (ingest/session_claims.hpp).
using TouchedSessions = std::set<std::string>;

// The last cost-state line of each session in a file becomes its claim
// (each chunk's last replaces the one of the chunk before).
void save_cost_states(ClaimWriter& claims, const FileJob& job, const FileScan& scan, const ConfigDir& dir,
                      TouchedSessions& touched) {
  std::map<std::string, SessionClaim> last;
  for (const auto& line : scan.cost_states)
    if (auto claim = parse_cost_state(line)) last[claim->session_id] = std::move(*claim);
  for (auto& [session, claim] : last) {
    claim.ts_ms = job.stat.mtime_ms();
    claims.save(claim, dir.attribution);
    touched.insert(session);
  }
}

// Stores one chunk of a parsed file's requests; its last chunk moves the
// file's cursor (inside the import's transaction, so the cursor never runs
// ahead of the requests it covers). Copies of a request in two chunks (or two
// files) meet in the store, which keeps one (store/request_writer.hpp).
void store_chunk(const FileJob& job, const FileScan& scan, ConfigDir& dir, store::RequestWriter& writer,
                 ImportCursors& cursors, ImportSummary& summary, TouchedSessions& touched, SessionTally* tally) {
  dir.read_any = true;
  summary.bytes_read += static_cast<int64_t>(scan.bytes_read);
  summary.skipped_lines += scan.stats.skipped_lines;
  summary.duplicates += scan.stats.duplicates;
  const std::string* last_session = nullptr;  // a file's requests are mostly one session
  for (const auto& r : scan.requests.requests()) {
    const auto outcome = writer.write(r, dir.attribution);
    if (outcome == store::WriteOutcome::inserted)
      ++summary.new_requests;
    else
      ++summary.duplicates;
    if (tally) {
      if (outcome == store::WriteOutcome::inserted)
        tally->inserted(r, dir.attribution.source, writer.last_cost_total());
      else if (outcome == store::WriteOutcome::merged)  // the stored row keeps its own session
        tally->changed(writer.table().session_of(writer.last_key()));
    }
    if (!last_session || *last_session != r.session_id) {
      touched.insert(r.session_id);
      last_session = &r.session_id;
    }
  }
  if (!scan.last) return;
  ++summary.files_read;
  cursors.save(job.path, job.stat, scan.end_offset, dir.attribution.profile);
}

void scan_and_store(SQLite::Database& db, const ImportPlan& plan, std::vector<ConfigDir>& dirs,
                    store::RequestWriter& writer, ImportCursors& cursors, const ImportOptions& options,
                    ImportSummary& summary, TouchedSessions& touched, SessionTally* tally) {
  if (plan.jobs.empty()) return;
  ProgressThrottle progress(options, plan.total_bytes);
  ClaimWriter claims(db);
  ParallelScanner scanner(plan.jobs, std::min<unsigned>(scan_worker_count(), static_cast<unsigned>(plan.jobs.size())));
  while (auto result = scanner.next()) {
    const auto& job = plan.jobs[result->job];
    if (result->scan) {
      progress.advance(result->scan->bytes_read);
      store_chunk(job, *result->scan, dirs[job.dir], writer, cursors, summary, touched, tally);
      save_cost_states(claims, job, *result->scan, dirs[job.dir], touched);
      scanner.recycle(std::move(*result));
    } else
      summary.warnings.push_back(result->error);
  }
  progress.finish();
}

// .claude.json's last-session totals of each dir (docs/accuracy.md#reconcile).
void save_claude_json_claims(SQLite::Database& db, const std::vector<ConfigDir>& dirs, TouchedSessions& touched,
                             ImportSummary& summary) {
  for (const auto& dir : dirs) {
    const auto file = claude_json_for(dir.path);
    auto claims = read_claude_json_claims(file);
    if (!claims) {
      summary.warnings.push_back(claims.error().message);
      continue;
    }
    const int64_t mtime = stat_file(file) ? stat_file(file)->mtime_ms() : 0;
    for (auto& c : *claims) {
      c.ts_ms = mtime;
      save_claim(db, c, dir.attribution);
      touched.insert(c.session_id);
    }
  }
}

// Subagents' meta.json: every subagent the store does not name yet, and
// again for transcripts that changed (Claude Code rewrites meta.json when a
// subagent finishes).
void record_descriptions(SQLite::Database& db, const ImportPlan& plan, ImportSummary& summary) {
  std::vector<std::string> changed;
  for (const auto& job : plan.jobs)
    if (subagent_of_transcript(job.path)) changed.push_back(job.path);
  auto warnings = record_subagents(db, changed, false);
  for (auto& w : record_subagents(db, plan.subagents, true))
    if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) warnings.push_back(std::move(w));
  for (auto& w : warnings) summary.warnings.push_back(std::move(w));
}

// stats-cache.json excess of each dir (docs/accuracy.md#stats-cache).
void import_histories(SQLite::Database& db, store::RequestWriter& writer, const std::vector<ConfigDir>& dirs,
                      ImportSummary& summary) {
  for (const auto& dir : dirs) {
    auto history = import_stats_cache(db, writer, dir.path, dir.attribution, dir.read_any);
    if (!history)
      summary.warnings.push_back(history.error().message);
    else
      summary.history_requests += *history;
  }
}

// CREATE INDEX sorts in memory up to the page cache's size, on top of the
// cache itself: a smaller cache while it sorts keeps the import within
// 64 MiB (docs/accuracy.md#memory).
void create_indexes_in_bounded_memory(SQLite::Database& db, void (*create)(SQLite::Database&)) {
  db.exec("PRAGMA cache_size=-4096");
  create(db);
  db.exec("PRAGMA cache_size=-16384");
}

// Events a stopped daemon left in its inbox are stored first, so the
// transcripts imported next merge into them (one row per request either way).
void drain_inboxes(const Paths& paths, ImportSummary& summary) {
  if (auto drained = drain_otel_inbox(paths); !drained) {
    summary.warnings.push_back(drained.error().message);
  } else {
    summary.otel_events = drained->stored;
    for (auto& w : drained->warnings) summary.warnings.push_back(std::move(w));
  }
  if (auto metrics = drain_otel_metrics_inbox(paths); !metrics) summary.warnings.push_back(metrics.error().message);
}

// The sessions' unlogged rows (docs/accuracy.md#reconcile). A bulk load's
// indexes are built after its commit (finish_after_commit), except the
// session index when its tally cannot tell some session: that one is read
// through the index.
void reconcile(SQLite::Database& db, store::RequestWriter& writer, const TouchedSessions& touched,
               const registry::PricingTable& prices, const SessionTally* tally, ImportSummary& summary) {
  if (tally && tally->needs_index()) create_indexes_in_bounded_memory(db, store::create_session_index);
  summary.unlogged_sessions = reconcile_sessions(db, writer, touched, prices, tally);
}

// What a load into an empty `requests` table sums as it stores the rows:
// each session's requests, for reconcile, and the all-time rollup (no table
// scan after the commit). An empty store holds no OpenTelemetry events for a
// transcript line to be a twin of (and its time and session indexes are only
// built after the load): none is searched for.
struct BulkLoad {
  BulkLoad(SQLite::Database& db, store::RequestWriter& w) : rollup(db), writer(w) {
    writer.assume_no_twins();
    writer.observe_inserts(&rollup);
  }
  ~BulkLoad() { writer.observe_inserts(nullptr); }
  BulkLoad(const BulkLoad&) = delete;
  BulkLoad& operator=(const BulkLoad&) = delete;
  SessionTally tally;
  BulkRollup rollup;
  store::RequestWriter& writer;
};

// Right after the import's commit: a bulk load's indexes are built on this
// thread, on the import's connection (in a transaction of their own: the rows
// are committed without them, docs/accuracy.md#bulk-load). Beside it, at a
// lower priority (the index build is the longer path): the all-time rollup of
// what was committed (the indexes change no row; `summed`: the rollup a bulk
// load summed while it stored the rows, ingest/bulk_rollup.hpp), and a second connection
// copying the committed rows into usage.db (a checkpoint runs beside a writer;
// mostly waiting for the disk). The report cache and aggregates.json are then
// saved through the import's connection (reports::refresh_aggregates).
void finish_after_commit(const Paths& paths, SQLite::Database& db, bool bulk, bool changed,
                         std::shared_ptr<const reports::Rollup> summed, ImportSummary& summary) {
  // The page cache and the scanner threads' freed buffers (in their own malloc
  // arenas) are not needed any more: handed back so the peak RSS is the larger
  // of the two phases, not their sum (docs/accuracy.md#memory).
  reports::CommittedRollup built;
  try {
    db.exec("PRAGMA shrink_memory");
    built.data_version = store::data_version(db);
  } catch (const std::exception&) {
    // refresh_aggregates reports what is wrong with the database.
  }
  ::malloc_trim(0);
  built.rollup = std::move(summed);
  std::thread rollup;  // only when the load did not sum it
  if (changed && !built.rollup)
    rollup = std::thread([&] {
      yield_to_critical_path();
      try {
        built.rollup = reports::build_committed_rollup(paths);
      } catch (const std::exception&) {
        built.rollup = nullptr;  // refresh_aggregates builds it (and says what failed)
      }
    });
  // A plain connection: Store::open would wait for the write lock to build
  // the indexes itself.
  std::thread copier([&paths] {
    yield_to_critical_path();
    try {
      SQLite::Database d(paths.usage_db().string(), SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX,
                         store::busy_timeout_ms());
      (void)d.execAndGet("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const std::exception&) {
      // Best effort, like the one after the indexes.
    }
  });
  std::string index_error;
  try {
    if (bulk) {
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      create_indexes_in_bounded_memory(db, store::create_request_indexes);
      tx.commit();
    }
  } catch (const std::exception& e) {
    index_error = e.what();
  }
  copier.join();
  try {
    (void)db.execAndGet("PRAGMA wal_checkpoint(PASSIVE)");
  } catch (const std::exception&) {
    // Best effort: the next checkpoint copies what this one did not.
  }
  if (rollup.joinable()) rollup.join();
  if (!index_error.empty())
    summary.warnings.push_back("the usage database's indexes were not built (" + index_error +
                               "); the next clown command that opens it builds them");
  if (!changed) return;
  if (auto agg = reports::refresh_aggregates(paths, db, built); !agg) summary.warnings.push_back(agg.error().message);
}

}  // namespace

Expected<ImportSummary> import_claude(const Paths& paths, const ImportOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ImportSummary summary;
  PhaseTrace trace;
  TRY_ASSIGN(auto dirs, resolve_claude_dirs(paths, options.claude_dirs));
  Listing listing(dirs);
  drain_inboxes(paths, summary);
  auto opened = store::Store::open_single_thread(paths);
  listing.join();
  TRY_ASSIGN(auto store, std::move(opened));
  auto& db = store->db();
  bool bulk_load = false;
  std::shared_ptr<const reports::Rollup> summed;
  try {
    ImportCursors cursors(db);
    const auto plan = plan_import(listing, cursors, summary);
    trace.mark("list files");
    const auto pricing = registry::load_pricing(paths);
    if (!pricing.warning.empty()) summary.warnings.push_back(pricing.warning);
    trace.mark("load pricing");
    store::PriceResolver resolver(pricing.pricing.table);

    // One transaction: an interrupted import leaves the store as it was, and
    // cursors move only together with the requests they cover.
    db.exec("PRAGMA cache_size=-16384");
    // The commit does not copy the WAL into usage.db itself: finish_after_commit
    // does, beside the rollup's build.
    db.exec("PRAGMA wal_autocheckpoint=0");
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    const bool bulk = !plan.jobs.empty() && !db.execAndGet("SELECT EXISTS(SELECT 1 FROM requests)").getInt();
    if (bulk)
      store::drop_request_indexes(db);
    else  // another cold import may have committed its rows and not yet its indexes
      store::ensure_request_indexes(db);
    store::RequestWriter writer(db, resolver);
    std::optional<BulkLoad> load;
    if (bulk) load.emplace(db, writer);
    SessionTally* tally = load ? &load->tally : nullptr;
    TouchedSessions touched;
    scan_and_store(db, plan, dirs, writer, cursors, options, summary, touched, tally);
    trace.mark("scan + write");
    record_descriptions(db, plan, summary);
    trace.mark("subagents");
    save_claude_json_claims(db, dirs, touched, summary);
    reconcile(db, writer, touched, pricing.pricing.table, tally, summary);
    trace.mark("reconcile");
    import_histories(db, writer, dirs, summary);
    trace.mark("stats-cache");
    tx.commit();
    summed = load ? load->rollup.take() : nullptr;
    load.reset();
    summary.rollup_summed = summed != nullptr;
    summary.twin_searches = writer.twin_searches();
    trace.mark("commit");
    bulk_load = bulk;
  } catch (const std::exception& e) {
    return fail(std::string("import failed while writing the usage database: ") + e.what() +
                store::db_failure_advice(paths, e));
  }
  const bool changed = summary.files_read > 0 || summary.history_requests > 0 || summary.otel_events > 0;
  if (changed || bulk_load) {
    finish_after_commit(paths, db, bulk_load, changed, std::move(summed), summary);
    trace.mark("indexes, checkpoint, rollup");
  }
  store.reset();
  trace.mark("close");
  if (!changed)
    if (auto agg = reports::ensure_aggregates_current(paths); !agg)
      summary.warnings.push_back(agg.error().message);  // stale after a crash before an earlier refresh
  add_reprice_hint(paths, summary);
  record_import_success(paths, now_ms());
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

nlohmann::json to_json(const ImportSummary& s) {
  return {{"files_seen", s.files_seen},
          {"files_read", s.files_read},
          {"new_requests", s.new_requests},
          {"duplicates", s.duplicates},
          {"skipped_lines", s.skipped_lines},
          {"bytes_read", s.bytes_read},
          {"history_requests", s.history_requests},
          {"otel_events", s.otel_events},
          {"unlogged_sessions", s.unlogged_sessions},
          {"seconds", s.seconds},
          {"warnings", s.warnings},
          {"repriceable_requests", s.repriceable_requests},
          {"repriceable_models", s.repriceable_models}};
}

void add_reprice_hint(const Paths& paths, ImportSummary& summary) {
  // Only a hint: a store that cannot be read here already failed the import.
  const auto r = reports::repriceable_now(paths);
  if (!r) return;
  summary.repriceable_requests = r->requests;
  summary.repriceable_models = r->models;
  summary.hint = reports::reprice_hint(*r);
}

}  // namespace clown::ingest
