#include "reports/report_rollup.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

#include "common/file_io.hpp"
#include "common/time.hpp"

namespace clown::reports {

namespace {

static_assert(std::is_trivially_copyable_v<RollupRow>, "RollupRow is written to the cache as raw bytes");

// Below this many requests in range, aggregating from `requests` through the
// ts_ms index is faster than (re)building the all-time rollup.
constexpr int64_t k_direct_limit = 20000;
// A database written this recently may change again within the same tick of
// the kernel's coarse file timestamps (a few ms) without its token changing,
// so a rollup built from it is not saved (the "racy" rule git uses for its index).
constexpr int64_t k_racy_ms = 100;
constexpr char k_magic[8] = {'C', 'L', 'W', 'N', 'R', 'C', '0', '2'};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct Key {
  int64_t bucket;
  int32_t f[6];
  bool operator==(const Key&) const = default;
};

struct KeyHash {
  size_t operator()(const Key& k) const {
    uint64_t h = static_cast<uint64_t>(k.bucket) * 0x9E3779B97F4A7C15ull;
    for (int32_t v : k.f) h = (h ^ static_cast<uint32_t>(v)) * 0x100000001B3ull;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// What identifies one state of usage.db: the database and WAL files' identity,
// size and mtime, plus the highest request id.
struct Token {
  int64_t dev = 0, ino = 0, size = 0, mtime_ns = 0, wal_size = 0, wal_mtime_ns = 0, max_id = 0, row_size = 0;
  bool operator==(const Token&) const = default;
};

std::optional<Token> current_token(const Paths& paths, SQLite::Database& db, int64_t& newest_mtime_ms) {
  struct stat st {};
  if (::stat(paths.usage_db().c_str(), &st) != 0) return std::nullopt;
  Token t;
  t.dev = static_cast<int64_t>(st.st_dev);
  t.ino = static_cast<int64_t>(st.st_ino);
  t.size = st.st_size;
  t.mtime_ns = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
  newest_mtime_ms = t.mtime_ns / 1000000;
  struct stat wal {};
  // An empty WAL holds nothing: same state as no WAL (readers create an empty
  // one, a closing writer deletes it).
  if (::stat((paths.usage_db().string() + "-wal").c_str(), &wal) == 0 && wal.st_size > 0) {
    t.wal_size = wal.st_size;
    t.wal_mtime_ns = wal.st_mtim.tv_sec * 1000000000LL + wal.st_mtim.tv_nsec;
    newest_mtime_ms = std::max(newest_mtime_ms, t.wal_mtime_ns / 1000000);
  }
  SQLite::Statement q(db, "SELECT max(id) FROM requests");
  if (q.executeStep()) t.max_id = q.getColumn(0).getInt64();
  t.row_size = sizeof(RollupRow);
  return t;
}

class Builder {
 public:
  explicit Builder(Rollup& out) : m_out(out) {}
  std::vector<RollupRow> take_rows() { return std::move(m_rows_vec); }

  int32_t intern(std::string_view s) {
    auto it = m_index.find(s);
    if (it != m_index.end()) return it->second;
    const auto id = static_cast<int32_t>(m_out.strings.size());
    m_out.strings.emplace_back(s);
    m_index.emplace(std::string(s), id);
    return id;
  }

  RollupRow& row(const Key& key) {
    auto [it, inserted] = m_rows.try_emplace(key, m_rows_vec.size());
    if (inserted) {
      RollupRow r;
      r.bucket = key.bucket;
      r.session = key.f[0];
      r.profile = key.f[1];
      r.agent = key.f[2];
      r.provider = key.f[3];
      r.model = key.f[4];
      r.project = key.f[5];
      r.no_session = m_out.strings[static_cast<size_t>(key.f[0])].empty() ? 1 : 0;
      r.first_ms = std::numeric_limits<int64_t>::max();
      r.last_ms = std::numeric_limits<int64_t>::min();
      m_rows_vec.push_back(r);
    }
    return m_rows_vec[it->second];
  }

 private:
  Rollup& m_out;
  std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>> m_index;
  std::unordered_map<Key, size_t, KeyHash> m_rows;
  std::vector<RollupRow> m_rows_vec;
};

void put(std::string& out, const void* p, size_t n) { out.append(static_cast<const char*>(p), n); }

std::string serialize(const Token& token, const Rollup& r) {
  std::string out;
  put(out, k_magic, sizeof k_magic);
  put(out, &token, sizeof token);
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
  return out;
}

// Maps the cache and uses its rows in place (the cache of a heavy user is
// several MB; copying it would cost more than the report).
std::optional<Rollup> read_cache(const fs::path& file, const Token& expected) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size <= 0) {
    ::close(fd);
    return std::nullopt;
  }
  const auto size = static_cast<size_t>(st.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return std::nullopt;
  std::shared_ptr<const void> mapping(map, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
  const std::string_view data(static_cast<const char*>(map), size);
  size_t pos = 0;
  auto take = [&](void* p, size_t n) {
    if (data.size() - pos < n) return false;
    std::memcpy(p, data.data() + pos, n);
    pos += n;
    return true;
  };
  char magic[sizeof k_magic];
  Token token;
  uint64_t nstrings = 0;
  if (!take(magic, sizeof magic) || std::memcmp(magic, k_magic, sizeof k_magic) != 0) return std::nullopt;
  if (!take(&token, sizeof token) || !(token == expected)) return std::nullopt;
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
    for (int32_t idx : {row.session, row.profile, row.agent, row.provider, row.model, row.project})
      if (idx < 0 || static_cast<uint64_t>(idx) >= nstrings) return std::nullopt;
  r.mapping = std::move(mapping);
  return r;
}

// The daemon answers many report requests; keep the last all-time rollup in
// memory as long as the database has not changed.
struct Memo {
  std::mutex mutex;
  std::string db_path;
  Token token;
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

// Rows of `requests` either in a time range (through the ts_ms index) or in a
// rowid range (a plain table scan in rowid order: sequential pages). The raw
// sqlite3 API avoids a SQLite::Column (and its shared_ptr) per value on this
// hot loop.
Rollup scan(SQLite::Database& db, std::optional<int64_t> since_ms, std::optional<int64_t> until_ms,
            std::optional<std::pair<int64_t, int64_t>> ids) {
  Rollup out;
  Builder builder(out);
  const bool bounded = since_ms || until_ms;
  std::string sql =
      // stats-cache history rows carry a placeholder session id: they are no agent session.
      "SELECT ts_ms, CASE WHEN source = 'stats-cache' THEN '' ELSE session_id END, profile, agent, provider, "
      "model, project, input, output, "
      "cache_write_5m, cache_write_1h, cache_read, web_search, cost_input, cost_output, "
      "cost_cache_write, cost_cache_read, cost_web_search, cost_total, priced FROM requests";
  if (bounded)
    sql += " WHERE ts_ms >= ? AND ts_ms < ?";
  else if (ids)
    sql += " WHERE id >= ? AND id <= ?";
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db.getHandle(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
    throw std::runtime_error(sqlite3_errmsg(db.getHandle()));
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(raw, sqlite3_finalize);
  sqlite3_stmt* st = raw;
  if (bounded) {
    sqlite3_bind_int64(st, 1, since_ms.value_or(std::numeric_limits<int64_t>::min()));
    sqlite3_bind_int64(st, 2, until_ms.value_or(std::numeric_limits<int64_t>::max()));
  } else if (ids) {
    sqlite3_bind_int64(st, 1, ids->first);
    sqlite3_bind_int64(st, 2, ids->second);
  }
  // Consecutive requests mostly share session, profile, project...: compare
  // with the previous row's value before hashing.
  std::string last_text[6];
  int32_t last_id[6] = {-1, -1, -1, -1, -1, -1};
  auto column_id = [&](int i) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i + 1));
    const std::string_view v(p ? p : "", p ? static_cast<size_t>(sqlite3_column_bytes(st, i + 1)) : 0);
    if (last_id[i] < 0 || v != last_text[i]) {
      last_id[i] = builder.intern(v);
      last_text[i].assign(v);
    }
    return last_id[i];
  };
  for (;;) {
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throw std::runtime_error(sqlite3_errmsg(db.getHandle()));
    const int64_t ts = sqlite3_column_int64(st, 0);
    Key key{floor_div(ts, k_bucket_ms),
            {column_id(0), column_id(1), column_id(2), column_id(3), column_id(4), column_id(5)}};
    RollupRow& r = builder.row(key);
    r.first_ms = std::min(r.first_ms, ts);
    r.last_ms = std::max(r.last_ms, ts);
    r.requests += 1;
    r.tokens.input += sqlite3_column_int64(st, 7);
    r.tokens.output += sqlite3_column_int64(st, 8);
    r.tokens.cache_write_5m += sqlite3_column_int64(st, 9);
    r.tokens.cache_write_1h += sqlite3_column_int64(st, 10);
    r.tokens.cache_read += sqlite3_column_int64(st, 11);
    r.tokens.web_search += sqlite3_column_int64(st, 12);
    r.cost.input += sqlite3_column_double(st, 13);
    r.cost.output += sqlite3_column_double(st, 14);
    r.cost.cache_write += sqlite3_column_double(st, 15);
    r.cost.cache_read += sqlite3_column_double(st, 16);
    r.cost.web_search += sqlite3_column_double(st, 17);
    r.cost_total += sqlite3_column_double(st, 18);
    if (sqlite3_column_int64(st, 19) == 0) r.unpriced_requests += 1;
  }
  out.own(builder.take_rows());
  return out;
}

// Sums rollups built from disjoint sets of requests.
Rollup merge(const Rollup& a, const Rollup& b) {
  Rollup out;
  Builder builder(out);
  for (const Rollup* part : {&a, &b}) {
    std::vector<int32_t> remap(part->strings.size());
    for (size_t i = 0; i < remap.size(); ++i) remap[i] = builder.intern(part->strings[i]);
    for (const auto& src : part->rows) {
      auto id = [&](int32_t v) { return remap[static_cast<size_t>(v)]; };
      RollupRow& r = builder.row(
          Key{src.bucket,
              {id(src.session), id(src.profile), id(src.agent), id(src.provider), id(src.model), id(src.project)}});
      r.first_ms = std::min(r.first_ms, src.first_ms);
      r.last_ms = std::max(r.last_ms, src.last_ms);
      r.requests += src.requests;
      r.unpriced_requests += src.unpriced_requests;
      r.tokens += src.tokens;
      r.cost += src.cost;
      r.cost_total += src.cost_total;
    }
  }
  out.own(builder.take_rows());
  return out;
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
    // newer mtime than any write k_racy_ms before it.
    const int64_t stat_ms = now_ms();
    const auto token = aligned(since_ms) && aligned(until_ms) ? current_token(paths, db, newest_ms) : std::nullopt;
    if (!token) return direct();

    Memo& m = memo();
    std::lock_guard lock(m.mutex);
    if (m.rollup && m.db_path == paths.usage_db().string() && m.token == *token) return m.rollup;

    if (since_ms || until_ms) {
      // Counting stops at the limit, so a big range costs no more than a small one.
      SQLite::Statement count(db, "SELECT count(*) FROM (SELECT 1 FROM requests WHERE ts_ms >= ? AND ts_ms < ? LIMIT " +
                                      std::to_string(k_direct_limit) + ")");
      count.bind(1, since_ms.value_or(std::numeric_limits<int64_t>::min()));
      count.bind(2, until_ms.value_or(std::numeric_limits<int64_t>::max()));
      if (count.executeStep() && count.getColumn(0).getInt64() < k_direct_limit) return direct();
    }

    const auto cache_file = report_cache_file(paths);
    if (auto cached = read_cache(cache_file, *token)) {
      m.db_path = paths.usage_db().string();
      m.token = *token;
      m.rollup = std::make_shared<const Rollup>(std::move(*cached));
      return m.rollup;
    }

    auto all = std::make_shared<const Rollup>(build_all(paths, db));
    if (stat_ms - newest_ms >= k_racy_ms) {
      m.db_path = paths.usage_db().string();
      m.token = *token;
      m.rollup = all;
      // A cache that cannot be written (read-only home) only costs speed.
      (void)write_file_atomic(cache_file, serialize(*token, *all), 0600);
    }
    return all;
  } catch (const std::exception& e) {
    return fail(std::string("cannot read usage from ") + paths.usage_db().string() + ": " + e.what());
  }
}

}  // namespace clown::reports
