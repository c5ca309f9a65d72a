#include "ingest/importer.hpp"

#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "common/file_stamp.hpp"
#include "ingest/stats_cache.hpp"
#include "ingest/transcript_parser.hpp"
#include "profiles/profile_store.hpp"
#include "registry/pricing_table.hpp"
#include "reports/aggregates.hpp"
#include "store/request_writer.hpp"
#include "store/store.hpp"

namespace clown::ingest {

namespace {

namespace fs = std::filesystem;

struct ConfigDir {
  fs::path path;  // canonical
  store::Attribution attribution;
  bool read_any = false;  // a transcript of this dir was read in this import
};

struct Cursor {
  FileStamp stat;
  int64_t offset = 0;
};

struct FileJob {
  std::string path;
  size_t dir = 0;
  FileStamp stat;
  uint64_t offset = 0;
};

struct FileResult {
  size_t job = 0;
  std::optional<FileScan> scan;
  std::string error;
};

fs::path canonical_or_self(const fs::path& p) {
  std::error_code ec;
  auto c = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : c;
}

store::Attribution attribution_for_profile(const Paths& paths, const std::string& alias) {
  store::Attribution a;
  a.profile = alias;
  if (auto profile = profiles::load_profile(paths, alias)) {
    a.agent = profile->agent;
    a.provider = profile->provider;
  }
  return a;
}

// DESIGN.md "Claude Code transcripts": each CLAUDE_CONFIG_DIR entry
// (comma-separated), else ~/.config/claude and ~/.claude.
std::vector<fs::path> default_claude_dirs() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("CLAUDE_CONFIG_DIR"); env && *env) {
    std::string_view s(env);
    while (!s.empty()) {
      auto comma = s.find(',');
      auto part = s.substr(0, comma);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
      if (!part.empty()) dirs.emplace_back(std::string(part));
      if (comma == std::string_view::npos) break;
      s.remove_prefix(comma + 1);
    }
    return dirs;
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    dirs.push_back(fs::path(home) / ".config" / "claude");
    dirs.push_back(fs::path(home) / ".claude");
  }
  return dirs;
}

Expected<std::vector<ConfigDir>> resolve_dirs(const Paths& paths, const ImportOptions& options) {
  std::vector<ConfigDir> dirs;
  auto add = [&](const fs::path& p, store::Attribution a) {
    auto c = canonical_or_self(p);
    for (auto& d : dirs)
      if (d.path == c) return;
    a.config_dir = c.string();
    dirs.push_back(ConfigDir{c, std::move(a), false});
  };
  const auto homes = canonical_or_self(paths.homes_dir());
  auto attribution_of = [&](const fs::path& c) {
    // A dir inside $CLOWN_HOME/homes/<alias> belongs to that profile.
    if (c.parent_path() == homes) return attribution_for_profile(paths, c.filename().string());
    return store::Attribution{};
  };
  std::error_code ec;
  if (!options.claude_dirs.empty()) {
    for (const auto& d : options.claude_dirs) {
      if (!fs::is_directory(d, ec))
        return fail("Claude config dir " + d.string() +
                        " does not exist; pass the folder that holds projects/ (e.g. ~/.claude)",
                    k_exit_usage);
      auto c = canonical_or_self(d);
      add(c, attribution_of(c));
    }
  } else {
    for (const auto& d : default_claude_dirs()) {
      if (!fs::is_directory(d, ec)) continue;
      auto c = canonical_or_self(d);
      add(c, attribution_of(c));
    }
  }
  if (fs::is_directory(paths.homes_dir(), ec)) {
    std::vector<fs::path> profile_homes;
    for (const auto& e : fs::directory_iterator(paths.homes_dir(), ec))
      if (e.is_directory(ec)) profile_homes.push_back(e.path());
    std::sort(profile_homes.begin(), profile_homes.end());
    for (const auto& h : profile_homes) add(h, attribution_for_profile(paths, h.filename().string()));
  }
  return dirs;
}

void list_transcripts(const fs::path& projects, std::vector<std::string>& out) {
  std::error_code ec;
  if (!fs::is_directory(projects, ec)) return;
  fs::recursive_directory_iterator it(projects, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const auto& p = it->path();
    if (p.extension() == ".jsonl" && it->is_regular_file(ec)) out.push_back(p.string());
  }
}

// Parses transcripts on worker threads; the caller's thread writes results
// into SQLite as they arrive, so parsing and writing overlap.
class ParallelScanner {
 public:
  ParallelScanner(const std::vector<FileJob>& jobs, unsigned threads) : m_jobs(jobs) {
    // Largest files first so one big file does not finish last on its own.
    m_order.resize(jobs.size());
    for (size_t i = 0; i < jobs.size(); ++i) m_order[i] = i;
    std::stable_sort(m_order.begin(), m_order.end(), [&](size_t a, size_t b) {
      return jobs[a].stat.size - static_cast<int64_t>(jobs[a].offset) >
             jobs[b].stat.size - static_cast<int64_t>(jobs[b].offset);
    });
    for (unsigned t = 0; t < threads; ++t) m_threads.emplace_back([this] { work(); });
  }
  ~ParallelScanner() {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_space.notify_all();
    for (auto& t : m_threads) t.join();
  }

  // Next finished file, or nullopt when all are done.
  std::optional<FileResult> next() {
    std::unique_lock lock(m_mutex);
    m_ready.wait(lock, [&] { return !m_results.empty() || m_done == m_jobs.size(); });
    if (m_results.empty()) return std::nullopt;
    FileResult r = std::move(m_results.front());
    m_results.pop_front();
    if (r.scan) m_pending_requests -= r.scan->requests.size();
    lock.unlock();
    m_space.notify_all();
    return r;
  }

 private:
  // Bounds memory: parsed-but-unwritten requests wait here.
  static constexpr size_t k_max_pending_requests = 8000;

  void work() {
    LineParser parser;
    for (;;) {
      size_t idx = m_next.fetch_add(1);
      if (idx >= m_order.size()) return;
      const auto& job = m_jobs[m_order[idx]];
      FileResult r;
      r.job = m_order[idx];
      ScanOptions opts;
      opts.offset = job.offset;
      auto scan = scan_transcript(job.path, opts, parser);
      if (scan)
        r.scan = std::move(*scan);
      else
        r.error = scan.error().message;
      std::unique_lock lock(m_mutex);
      m_space.wait(lock, [&] { return m_stop || m_pending_requests < k_max_pending_requests; });
      if (m_stop) return;
      if (r.scan) m_pending_requests += r.scan->requests.size();
      m_results.push_back(std::move(r));
      ++m_done;
      lock.unlock();
      m_ready.notify_one();
    }
  }

  const std::vector<FileJob>& m_jobs;
  std::vector<size_t> m_order;
  std::atomic<size_t> m_next{0};
  std::mutex m_mutex;
  std::condition_variable m_ready, m_space;
  std::deque<FileResult> m_results;
  size_t m_done = 0;
  size_t m_pending_requests = 0;
  bool m_stop = false;
  std::vector<std::thread> m_threads;
};

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
    std::fprintf(stderr, "import: %-18s %8.1f ms wall %8.1f ms main-thread cpu\n", phase,
                 std::chrono::duration<double, std::milli>(now - m_last).count(), cpu - m_last_cpu);
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

unsigned worker_count() {
  unsigned hw = std::thread::hardware_concurrency();
  return std::clamp(hw, 1u, 4u);
}

}  // namespace

Expected<ImportSummary> import_claude(const Paths& paths, const ImportOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ImportSummary summary;
  PhaseTrace trace;
  auto dirs_result = resolve_dirs(paths, options);
  if (!dirs_result) return tl::unexpected(dirs_result.error());
  auto dirs = std::move(*dirs_result);

  auto store_result = store::Store::open_single_thread(paths);
  if (!store_result) return tl::unexpected(store_result.error());
  auto& db = (*store_result)->db();

  try {
    std::map<std::string, Cursor, std::less<>> cursors;
    {
      SQLite::Statement q(db, "SELECT path, dev, ino, size, offset, mtime_ns FROM import_files");
      while (q.executeStep()) {
        Cursor c;
        c.stat.dev = q.getColumn(1).getInt64();
        c.stat.ino = q.getColumn(2).getInt64();
        c.stat.size = q.getColumn(3).getInt64();
        c.offset = q.getColumn(4).getInt64();
        c.stat.mtime_ns = q.getColumn(5).getInt64();
        cursors.emplace(q.getColumn(0).getString(), c);
      }
    }

    std::vector<FileJob> jobs;
    uint64_t total_bytes = 0;
    for (size_t d = 0; d < dirs.size(); ++d) {
      std::vector<std::string> files;
      list_transcripts(dirs[d].path / "projects", files);
      std::sort(files.begin(), files.end());
      for (auto& f : files) {
        auto st = stat_file(f);
        if (!st) continue;
        ++summary.files_seen;
        FileJob job{f, d, *st, 0};
        if (auto it = cursors.find(f); it != cursors.end()) {
          const auto& c = it->second;
          bool same_file = c.stat.dev == st->dev && c.stat.ino == st->ino;
          if (same_file && c.stat.size == st->size && c.stat.mtime_ns == st->mtime_ns) continue;  // unchanged
          // Claude Code only appends; a file that shrank or is another inode
          // was rewritten, so it is read again from the start (stored
          // requests make the re-read count nothing twice).
          if (same_file && st->size >= c.offset) job.offset = static_cast<uint64_t>(c.offset);
        }
        total_bytes += static_cast<uint64_t>(st->size) - job.offset;
        jobs.push_back(std::move(job));
      }
    }

    trace.mark("list files");
    const auto pricing = registry::load_pricing(paths);
    if (!pricing.warning.empty()) summary.warnings.push_back(pricing.warning);
    trace.mark("load pricing");
    store::PriceResolver resolver(pricing.pricing.table);

    // One transaction: an interrupted import leaves the store as it was, and
    // cursors move only together with the requests they cover.
    db.exec("PRAGMA cache_size=-16384");
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    const bool bulk = !jobs.empty() && !db.execAndGet("SELECT EXISTS(SELECT 1 FROM requests)").getInt();
    if (bulk) store::drop_request_indexes(db);
    store::RequestWriter writer(db, resolver);
    SQLite::Statement save_cursor(
        db,
        "INSERT OR REPLACE INTO import_files(path, dev, ino, size, offset, mtime_ns, profile) VALUES(?,?,?,?,?,?,?)");
    uint64_t done_bytes = 0;
    auto last_progress = std::chrono::steady_clock::now();
    if (!jobs.empty()) {
      ParallelScanner scanner(jobs, std::min<unsigned>(worker_count(), static_cast<unsigned>(jobs.size())));
      while (auto result = scanner.next()) {
        const auto& job = jobs[result->job];
        done_bytes += static_cast<uint64_t>(job.stat.size) - job.offset;
        if (!result->scan) {
          summary.warnings.push_back(result->error);
          continue;
        }
        auto& scan = *result->scan;
        auto& dir = dirs[job.dir];
        dir.read_any = true;
        ++summary.files_read;
        summary.bytes_read += static_cast<int64_t>(scan.bytes_read);
        summary.skipped_lines += scan.stats.skipped_lines;
        summary.duplicates += scan.stats.duplicates;
        for (const auto& r : scan.requests.requests()) {
          if (writer.write(r, dir.attribution) == store::WriteOutcome::inserted)
            ++summary.new_requests;
          else
            ++summary.duplicates;
        }
        save_cursor.bind(1, job.path);
        save_cursor.bind(2, job.stat.dev);
        save_cursor.bind(3, job.stat.ino);
        save_cursor.bind(4, job.stat.size);
        save_cursor.bind(5, static_cast<int64_t>(scan.end_offset));
        save_cursor.bind(6, job.stat.mtime_ns);
        save_cursor.bind(7, dir.attribution.profile);
        save_cursor.exec();
        save_cursor.reset();
        if (options.progress) {
          auto now = std::chrono::steady_clock::now();
          if (now - last_progress > std::chrono::milliseconds(50)) {
            options.progress(done_bytes, total_bytes);
            last_progress = now;
          }
        }
      }
    }

    trace.mark("scan + write");
    if (bulk) store::create_request_indexes(db);
    trace.mark("build indexes");
    for (auto& dir : dirs) {
      auto history = import_stats_cache(db, writer, dir.path, dir.attribution, dir.read_any);
      if (!history)
        summary.warnings.push_back(history.error().message);
      else
        summary.history_requests += *history;
    }
    trace.mark("stats-cache");
    tx.commit();
    trace.mark("commit");
    if (options.progress && total_bytes > 0) options.progress(total_bytes, total_bytes);
  } catch (const std::exception& e) {
    return fail(std::string("import failed while writing the usage database: ") + e.what() +
                "; retry, or move telemetry/usage.db aside");
  }
  store_result->reset();
  trace.mark("close (checkpoint)");

  if (summary.files_read > 0 || summary.history_requests > 0) {
    if (auto agg = reports::refresh_aggregates(paths); !agg) summary.warnings.push_back(agg.error().message);
    trace.mark("refresh aggregates");
  }
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
          {"seconds", s.seconds},
          {"warnings", s.warnings}};
}

}  // namespace clown::ingest
