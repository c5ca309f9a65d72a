#include "reports/report_rollup.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include <sqlite3.h>

#include "common/checksum.hpp"
#include "common/fd.hpp"
#include "common/file_io.hpp"
#include "common/file_stamp.hpp"
#include "common/time.hpp"
#include "reports/rollup_builder.hpp"
#include "store/requests_table.hpp"
#include "store/store.hpp"

namespace clown::reports {

namespace {

static_assert(std::is_trivially_copyable_v<RollupRow>, "RollupRow is written to the cache as raw bytes");

// Below this many requests in range, aggregating from `requests` through the
// ts_ms index is faster than (re)building the all-time rollup.
constexpr int64_t k_direct_limit = 20000;
// 05: a checksum of everything before it ends the file. 06: the machine in
// the row's key (its former reserved slot).
constexpr char k_magic[8] = {'C', 'L', 'W', 'N', 'R', 'C', '0', '6'};

// What identifies one state of usage.db: the database and WAL files' stamps,
// plus the highest request id (and the row layout of this build).
struct DbFingerprint {
  FileStamp db;
  FileStamp wal;
  int64_t max_id = 0;
  int64_t row_size = 0;
  bool operator==(const DbFingerprint&) const = default;
};

// The files' stamps only (max_id left 0).
std::optional<DbFingerprint> file_fingerprint(const Paths& paths, int64_t& newest_mtime_ms) {
  DbFingerprint f;
  if (auto st = stat_file(paths.usage_db()))
    f.db = *st;
  else
    return std::nullopt;
  newest_mtime_ms = f.db.mtime_ms();
  // An empty WAL holds nothing: same state as no WAL (readers create an empty
  // one, a closing writer deletes it).
  if (auto wal = stat_file(paths.usage_db().string() + "-wal"); wal && wal->size > 0) {
    f.wal = *wal;
    newest_mtime_ms = std::max(newest_mtime_ms, wal->mtime_ms());
  }
  f.row_size = sizeof(RollupRow);
  return f;
}

std::optional<DbFingerprint> current_fingerprint(const Paths& paths, SQLite::Database& db, int64_t& newest_mtime_ms) {
  auto f = file_fingerprint(paths, newest_mtime_ms);
  if (!f) return std::nullopt;
  SQLite::Statement q(db, "SELECT max(id) FROM requests");
  if (q.executeStep()) f->max_id = q.getColumn(0).getInt64();
  return f;
}

void put(std::string& out, const void* p, size_t n) { out.append(static_cast<const char*>(p), n); }

std::string serialize(const DbFingerprint& fingerprint, const Rollup& r) {
  std::string out;
  put(out, k_magic, sizeof k_magic);
  put(out, &fingerprint, sizeof fingerprint);
  const uint64_t nstrings = r.strings.size();
  put(out, &nstrings, sizeof nstrings);
  for (const auto& s : r.strings) {
    const auto len = static_cast<uint32_t>(s.size());
    put(out, &len, sizeof len);
    out += s;
  }
  const uint64_t nrows = r.rows.size();
  put(out, &nrows, sizeof nrows);
  out.append((8 - out.size() % 8) % 8, '\0');  // rows are read in place: keep them aligned
  if (nrows) put(out, r.rows.data(), nrows * sizeof(RollupRow));
  const uint64_t sum = fast_checksum(out);
  put(out, &sum, sizeof sum);
  return out;
}

// Maps the cache and uses its rows in place (the cache of a heavy user is
// several MB; copying it would cost more than the report).
// `files_only`: the stored fingerprint's file stamps must match, its max_id
// is not compared (for callers that have not opened the database).
std::optional<Rollup> read_cache(const fs::path& file, const DbFingerprint& expected, bool files_only = false) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  const auto st = stat_fd(fd.get());
  if (!st || st->size <= 0) return std::nullopt;
  const auto size = static_cast<size_t>(st->size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
  if (map == MAP_FAILED) return std::nullopt;
  std::shared_ptr<const void> mapping(map, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
  std::string_view data(static_cast<const char*>(map), size);
  uint64_t stored_sum = 0;
  if (size < sizeof stored_sum) return std::nullopt;
  std::memcpy(&stored_sum, data.data() + size - sizeof stored_sum, sizeof stored_sum);
  data.remove_suffix(sizeof stored_sum);
  size_t pos = 0;
  auto take = [&](void* p, size_t n) {
    if (data.size() - pos < n) return false;
    std::memcpy(p, data.data() + pos, n);
    pos += n;
    return true;
  };
  char magic[sizeof k_magic];
  DbFingerprint fingerprint;
  uint64_t nstrings = 0;
  if (!take(magic, sizeof magic) || std::memcmp(magic, k_magic, sizeof k_magic) != 0) return std::nullopt;
  if (!take(&fingerprint, sizeof fingerprint)) return std::nullopt;
  DbFingerprint want = expected;
  if (files_only) want.max_id = fingerprint.max_id;
  if (!(fingerprint == want)) return std::nullopt;
  if (fast_checksum(data) != stored_sum) return std::nullopt;  // altered: rebuilt by the caller
  if (!take(&nstrings, sizeof nstrings) || nstrings > data.size()) return std::nullopt;
  Rollup r;
  r.strings.reserve(nstrings);
  for (uint64_t i = 0; i < nstrings; ++i) {
    uint32_t len = 0;
    if (!take(&len, sizeof len) || data.size() - pos < len) return std::nullopt;
    r.strings.emplace_back(data.data() + pos, len);
    pos += len;
  }
  uint64_t nrows = 0;
  if (!take(&nrows, sizeof nrows)) return std::nullopt;
  pos += (8 - pos % 8) % 8;
  if (pos > data.size() || (data.size() - pos) != nrows * sizeof(RollupRow)) return std::nullopt;
  r.rows = std::span<const RollupRow>(reinterpret_cast<const RollupRow*>(data.data() + pos), nrows);
  for (const auto& row : r.rows)
    for (int32_t idx :
         {row.session, row.profile, row.agent, row.provider, row.model, row.project, row.query_source, row.machine})
      if (idx < 0 || static_cast<uint64_t>(idx) >= nstrings) return std::nullopt;
  r.mapping = std::move(mapping);
  return r;
}

// The daemon answers many report requests; keep the last all-time rollup in
// memory as long as the database has not changed.
struct Memo {
  std::mutex mutex;
  std::string db_path;
  DbFingerprint fingerprint;
  std::shared_ptr<const Rollup> rollup;
};
Memo& memo() {
  static Memo m;
  return m;
}

bool aligned(std::optional<int64_t> ms) { return !ms || *ms % k_bucket_ms == 0; }

}  // namespace

fs::path report_cache_file(const Paths& paths) { return paths.telemetry_dir() / "report-cache.bin"; }

namespace {

std::string state_text(const DbFingerprint& f) {
  auto stamp = [](const FileStamp& s) {
    return std::to_string(s.dev) + ":" + std::to_string(s.ino) + ":" + std::to_string(s.size) + ":" +
           std::to_string(s.mtime_ns);
  };
  return "db=" + stamp(f.db) + ";wal=" + stamp(f.wal) + ";max_id=" + std::to_string(f.max_id);
}

}  // namespace

std::optional<std::string> store_state(const Paths& paths, SQLite::Database& db) {
  int64_t newest_ms = 0;
  const auto f = current_fingerprint(paths, db, newest_ms);
  if (!f) return std::nullopt;
  return state_text(*f);
}

namespace {

// Rows of `requests` either in a time range (through the ts_ms index) or in a
// rowid range (a plain table scan in rowid order: sequential pages).
Rollup scan(SQLite::Database& db, std::optional<int64_t> since_ms, std::optional<int64_t> until_ms,
            std::optional<std::pair<int64_t, int64_t>> ids) {
  using C = store::RequestColumn;
  RollupBuilder builder;
  const bool bounded = since_ms || until_ms;
  store::RequestQuery q(
      db,
      std::vector<C>{C::ts_ms, C::session_id, C::profile, C::agent, C::provider, C::model, C::project, C::query_source,
                     C::machine, C::sidechain, C::subagent, C::source, C::cost_total, C::priced} +
          store::token_columns() + store::cost_columns(),
      bounded ? "WHERE ts_ms >= ? AND ts_ms < ?"
      : ids   ? "WHERE id >= ? AND id <= ?"
              : "");
  if (bounded) {
    q.sql().bind(1, since_ms.value_or(std::numeric_limits<int64_t>::min()));
    q.sql().bind(2, until_ms.value_or(std::numeric_limits<int64_t>::max()));
  } else if (ids) {
    q.sql().bind(1, ids->first);
    q.sql().bind(2, ids->second);
  }
  const std::string_view stats_cache = store::to_string(store::RequestSource::stats_cache);
  while (q.next()) {
    RollupInput in;
    in.ts_ms = q.int64(C::ts_ms);
    in.session_id = q.text(C::session_id);
    in.profile = q.text(C::profile);
    in.agent = q.text(C::agent);
    in.provider = q.text(C::provider);
    in.model = q.text(C::model);
    in.project = q.text(C::project);
    in.query_source = q.text(C::query_source);
    in.machine = q.text(C::machine);
    in.subagent = q.text(C::subagent);
    in.sidechain = q.int64(C::sidechain) != 0;
    // stats-cache history rows carry a placeholder session id: they are no agent session.
    in.history = q.text(C::source) == stats_cache;
    in.priced = q.int64(C::priced) != 0;
    in.tokens = q.tokens();
    in.cost = q.cost();
    in.cost_total = q.real(C::cost_total);
    builder.add(in);
  }
  return builder.take();
}

// Sums rollups built from disjoint sets of requests.
Rollup merge(const Rollup& a, const Rollup& b) {
  RollupBuilder builder;
  builder.add(a);
  builder.add(b);
  return builder.take();
}

// The all-time rollup, the two halves of the table scanned on both cores
// (a second read-only connection; each thread owns its connection).
Rollup build_all(const Paths& paths, SQLite::Database& db) {
  SQLite::Statement range(db, "SELECT min(id), max(id) FROM requests");
  int64_t lo = 0, hi = -1;
  if (range.executeStep() && !range.getColumn(0).isNull()) {
    lo = range.getColumn(0).getInt64();
    hi = range.getColumn(1).getInt64();
  }
  if (hi - lo < k_direct_limit || std::thread::hardware_concurrency() < 2)
    return scan(db, std::nullopt, std::nullopt, std::nullopt);
  const int64_t mid = lo + (hi - lo) / 2;
  Rollup upper;
  std::exception_ptr upper_error;
  std::thread worker([&] {
    try {
      SQLite::Database db2(paths.usage_db().string(), SQLite::OPEN_READONLY, 5000);
      db2.exec("PRAGMA cache_size=-256");  // one pass over the table: a big page cache only costs memory
      upper = scan(db2, std::nullopt, std::nullopt, std::make_pair(mid + 1, hi));
    } catch (...) {
      upper_error = std::current_exception();
    }
  });
  Rollup lower;
  try {
    lower = scan(db, std::nullopt, std::nullopt, std::make_pair(lo, mid));
  } catch (...) {
    worker.join();
    throw;
  }
  worker.join();
  if (upper_error) std::rethrow_exception(upper_error);
  // Rows outside [lo, hi] appeared after min/max were read: a third, usually empty, part.
  Rollup rest = scan(db, std::nullopt, std::nullopt, std::make_pair(hi + 1, std::numeric_limits<int64_t>::max()));
  return merge(merge(lower, upper), rest);
}

}  // namespace

Rollup build_rollup(SQLite::Database& db, std::optional<int64_t> since_ms, std::optional<int64_t> until_ms) {
  return scan(db, since_ms, until_ms, std::nullopt);
}

Expected<std::shared_ptr<const Rollup>> load_rollup(const Paths& paths, SQLite::Database& db,
                                                    std::optional<int64_t> since_ms, std::optional<int64_t> until_ms) {
  auto direct = [&] { return std::make_shared<const Rollup>(build_rollup(db, since_ms, until_ms)); };
  try {
    int64_t newest_ms = 0;
    // Racy is judged at the time of the stat: a write after it carries a
    // newer mtime than any write racy_window_ms() before it.
    const int64_t stat_ms = now_ms();
    const auto fingerprint =
        aligned(since_ms) && aligned(until_ms) ? current_fingerprint(paths, db, newest_ms) : std::nullopt;
    if (!fingerprint) return direct();

    Memo& m = memo();
    std::lock_guard lock(m.mutex);
    if (m.rollup && m.db_path == paths.usage_db().string() && m.fingerprint == *fingerprint) return m.rollup;

    if (since_ms || until_ms) {
      // Counting stops at the limit, so a big range costs no more than a small one.
      SQLite::Statement count(db, "SELECT count(*) FROM (SELECT 1 FROM requests WHERE ts_ms >= ? AND ts_ms < ? LIMIT " +
                                      std::to_string(k_direct_limit) + ")");
      count.bind(1, since_ms.value_or(std::numeric_limits<int64_t>::min()));
      count.bind(2, until_ms.value_or(std::numeric_limits<int64_t>::max()));
      if (count.executeStep() && count.getColumn(0).getInt64() < k_direct_limit) return direct();
    }

    const auto cache_file = report_cache_file(paths);
    if (auto cached = read_cache(cache_file, *fingerprint)) {
      m.db_path = paths.usage_db().string();
      m.fingerprint = *fingerprint;
      m.rollup = std::make_shared<const Rollup>(std::move(*cached));
      return m.rollup;
    }

    auto all = std::make_shared<const Rollup>(build_all(paths, db));
    if (stat_ms - newest_ms >= racy_window_ms()) {
      m.db_path = paths.usage_db().string();
      m.fingerprint = *fingerprint;
      m.rollup = all;
      // A cache that cannot be written (read-only home) only costs speed.
      (void)write_file_atomic(cache_file, serialize(*fingerprint, *all), 0600);
    }
    return all;
  } catch (const std::exception& e) {
    return fail(std::string("cannot read usage from ") + paths.usage_db().string() + ": " + e.what());
  }
}

std::shared_ptr<const Rollup> unchanged_cached_rollup(const Paths& paths) {
  int64_t newest_ms = 0;
  const auto files = file_fingerprint(paths, newest_ms);
  auto cached = files ? read_cache(report_cache_file(paths), *files, true) : std::nullopt;
  return cached ? std::make_shared<const Rollup>(std::move(*cached)) : nullptr;
}

std::shared_ptr<const Rollup> build_committed_rollup(const Paths& paths) {
  SQLite::Database db(paths.usage_db().string(), SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX, 5000);
  db.exec("PRAGMA cache_size=-256");  // as build_all's second connection
  return std::make_shared<const Rollup>(scan(db, std::nullopt, std::nullopt, std::nullopt));
}

Expected<CurrentRollup> refresh_rollup_cache(const Paths& paths, SQLite::Database& db, const CommittedRollup* built) {
  try {
    // Best effort: a reader still on an older snapshot keeps part of the WAL,
    // whose stamp the cache then records.
    (void)db.execAndGet("PRAGMA wal_checkpoint(TRUNCATE)");
    SQLite::Transaction lock(db, SQLite::TransactionBehavior::IMMEDIATE);
    int64_t newest_ms = 0;
    const auto before = current_fingerprint(paths, db, newest_ms);
    if (!before) return CurrentRollup{std::make_shared<const Rollup>(build_rollup(db, {}, {})), std::nullopt};
    // Under the write lock: no commit can come between this check and the stamps.
    auto all = built && built->rollup && store::data_version(db) == built->data_version
                   ? built->rollup
                   : std::make_shared<const Rollup>(build_all(paths, db));
    const int64_t wait_ms = newest_ms + racy_window_ms() - now_ms();
    if (wait_ms > 0 && before->max_id >= k_direct_limit)
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    int64_t newest_after = 0;
    const int64_t stat_ms = now_ms();
    const auto after = current_fingerprint(paths, db, newest_after);
    if (after && *after == *before && stat_ms - newest_after >= racy_window_ms()) {
      Memo& m = memo();
      std::lock_guard memo_lock(m.mutex);
      m.db_path = paths.usage_db().string();
      m.fingerprint = *after;
      m.rollup = all;
      (void)write_file_atomic(report_cache_file(paths), serialize(*after, *all), 0600);
    }
    return CurrentRollup{all, after ? std::optional(state_text(*after)) : std::nullopt};
  } catch (const std::exception& e) {
    return fail(std::string("cannot read usage from ") + paths.usage_db().string() + ": " + e.what());
  }
}

}  // namespace clown::reports
