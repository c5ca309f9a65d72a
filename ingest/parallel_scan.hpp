#pragma once
// Parses transcripts on worker threads while the caller's thread writes the
// results into SQLite as they arrive, so parsing and writing overlap. Files
// come in chunks (scan_transcript_chunks): memory does not grow with a file.
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/file_stamp.hpp"
#include "ingest/transcript_parser.hpp"

namespace clown::ingest {

struct FileJob {
  std::string path;
  size_t dir = 0;  // index of its config dir
  FileStamp stat;
  uint64_t offset = 0;  // read from here (bytes before it were imported already)
};

struct FileResult {
  size_t job = 0;                // index into the jobs
  std::optional<FileScan> scan;  // a chunk of the file
  std::string error;             // when scan is empty
};

// Lowers the calling thread's priority to nice 5 (threads it starts inherit
// it): for work beside an import's critical path, which then keeps a core.
inline void yield_to_critical_path() { (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 5); }

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

  // The next chunk of a file (FileScan::last on a file's last one) or a
  // file's error; nullopt when all files are done. A file's chunks come in
  // file order.
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

  // Hands a written chunk back: a worker frees it (its strings were
  // allocated there), so the writer thread, the import's critical path,
  // spends no time in free().
  void recycle(FileResult&& r) {
    std::lock_guard lock(m_mutex);
    m_spent.push_back(std::move(r));
  }

 private:
  // Bounds memory: parsed-but-unwritten requests wait here (with each
  // worker's chunk in progress, ScanOptions::chunk_requests).
  static constexpr size_t k_max_pending_requests = 8000;
  struct Stopped {};  // thrown through the scan of a file when the scanner is destroyed

  void work() {
    // The writer (the caller's thread) is the import's critical path: with
    // as many workers as cores, the kernel would share a core three ways and
    // slow it down. Niced workers take what the writer leaves (a cold import
    // of the bench corpus on 2 cores: 0.93 s instead of 1.03 s, medians of 11).
    yield_to_critical_path();
    LineParser parser;
    for (;;) {
      size_t idx = m_next.fetch_add(1);
      if (idx >= m_order.size()) return;
      const size_t job = m_order[idx];
      ScanOptions opts;
      opts.offset = m_jobs[job].offset;
      try {
        auto scanned = scan_transcript_chunks(m_jobs[job].path, opts, parser, [&](FileScan&& chunk) {
          push(FileResult{job, std::move(chunk), {}});
        });
        if (!scanned) push(FileResult{job, std::nullopt, scanned.error().message});
      } catch (const Stopped&) {
        return;
      }
    }
  }

  // Waits for room, then queues a chunk or a file's error.
  void push(FileResult r) {
    std::unique_lock lock(m_mutex);
    std::vector<FileResult> spent;
    spent.swap(m_spent);
    if (!spent.empty()) {  // freed without the lock
      lock.unlock();
      spent.clear();
      lock.lock();
    }
    m_space.wait(lock, [&] { return m_stop || m_pending_requests < k_max_pending_requests; });
    if (m_stop) throw Stopped{};
    if (r.scan) m_pending_requests += r.scan->requests.size();
    if (!r.scan || r.scan->last) ++m_done;
    m_results.push_back(std::move(r));
    lock.unlock();
    m_ready.notify_one();
  }

  const std::vector<FileJob>& m_jobs;
  std::vector<size_t> m_order;
  std::atomic<size_t> m_next{0};
  std::mutex m_mutex;
  std::condition_variable m_ready, m_space;
  std::deque<FileResult> m_results;
  std::vector<FileResult> m_spent;  // written chunks a worker frees (recycle)
  size_t m_done = 0;
  size_t m_pending_requests = 0;
  bool m_stop = false;
  std::vector<std::thread> m_threads;
};

// Worker threads for this machine (1 to 4).
unsigned scan_worker_count();

}  // namespace clown::ingest
