#include "webui/request_deadline.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <vector>

namespace clown::webui {

namespace {

constexpr std::chrono::milliseconds k_default_deadline{30'000};

// The connection the calling worker thread serves (0: none).
thread_local uint64_t t_connection = 0;

// True when `fd` is a socket accepted on 127.0.0.1:`port` (local port
// `port`, not the listening socket).
bool accepted_on(int fd, int port) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  int listening = 0;
  socklen_t optlen = sizeof listening;
  return ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0 && addr.sin_family == AF_INET &&
         ntohs(addr.sin_port) == port && ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) == 0 &&
         !listening;
}

// The open fds of this process, from /proc/self/fd.
std::vector<int> open_fds() {
  std::vector<int> out;
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return out;
  const int own = ::dirfd(dir);
  while (const dirent* e = ::readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(e->d_name, &end, 10);
    if (end != e->d_name && *end == '\0' && fd != own) out.push_back(static_cast<int>(fd));
  }
  ::closedir(dir);
  return out;
}

// The first of `fds` that is a socket accepted on `port` whose inode is not
// in `known`; -1 when none.
template <typename Fds>
int first_unknown_accepted(const Fds& fds, int port, const std::set<ino_t>& known, ino_t& inode) {
  for (int fd : fds) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode) || known.count(st.st_ino) || !accepted_on(fd, port)) continue;
    inode = st.st_ino;
    return fd;
  }
  return -1;
}

// fds 0 .. n-1.
struct FdRange {
  int n;
  struct It {
    int fd;
    int operator*() const { return fd; }
    It& operator++() { return ++fd, *this; }
    bool operator!=(const It& o) const { return fd != o.fd; }
  };
  It begin() const { return {0}; }
  It end() const { return {n}; }
};

}  // namespace

std::chrono::milliseconds request_deadline() {
  if (const char* v = std::getenv("CLOWN_REQUEST_DEADLINE_MS")) {
    char* end = nullptr;
    const long long ms = std::strtoll(v, &end, 10);
    if (end != v && *end == '\0' && ms > 0) return std::chrono::milliseconds(ms);
  }
  return k_default_deadline;
}

// cpp-httplib's own pool, with each connection announced to the watchdog
// when it is accepted, taken by a worker and done.
class WatchedPool : public httplib::TaskQueue {
 public:
  WatchedPool(ConnectionWatchdog& watchdog, size_t workers) : m_watchdog(watchdog), m_pool(workers) {}
  void enqueue(std::function<void()> fn) override {
    const uint64_t id = m_watchdog.track_accepted();
    m_pool.enqueue([this, id, fn = std::move(fn)] {
      m_watchdog.started(id);
      t_connection = id;
      fn();
      t_connection = 0;
      m_watchdog.finished(id);
    });
  }
  void shutdown() override { m_pool.shutdown(); }

 private:
  ConnectionWatchdog& m_watchdog;
  httplib::ThreadPool m_pool;
};

ConnectionWatchdog::ConnectionWatchdog(int port, std::chrono::milliseconds deadline,
                                       std::function<void(const std::string&)> on_cut)
    : m_port(port), m_deadline(deadline), m_on_cut(std::move(on_cut)) {
  m_thread = std::thread([this] { run(); });
}

ConnectionWatchdog::~ConnectionWatchdog() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_changed.notify_all();
  m_thread.join();
  for (auto& [id, c] : m_connections)
    if (c.fd >= 0) ::close(c.fd);
}

httplib::TaskQueue* ConnectionWatchdog::new_task_queue(size_t workers) { return new WatchedPool(*this, workers); }

uint64_t ConnectionWatchdog::track_accepted() {
  // cpp-httplib 0.11 gives nobody the accepted socket, so the listener
  // thread looks for it right after accept: it is the one socket on our
  // port not tracked yet (every earlier one was tracked when accepted). The
  // kernel hands out the lowest free fd, so the fds up to a little above the
  // highest seen so far are looked at first; all of /proc/self/fd only when
  // it is not there.
  std::lock_guard<std::mutex> lock(m_mutex);
  ino_t inode = 0;
  int fd = first_unknown_accepted(FdRange{m_highest_fd + 64}, m_port, m_inodes, inode);
  if (fd < 0) fd = first_unknown_accepted(open_fds(), m_port, m_inodes, inode);
  if (fd < 0) return 0;
  m_highest_fd = std::max(m_highest_fd, fd);
  // A socket whose dup failed (no fds left) is still known, so it is never
  // taken for a later connection; it just cannot be cut off.
  const int own = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  m_highest_fd = std::max(m_highest_fd, own);
  const uint64_t id = m_next_id++;
  m_connections[id] = Connection{own, inode, false, {}};
  m_inodes.insert(inode);
  return id;
}

void ConnectionWatchdog::started(uint64_t id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_connections.find(id);
  if (it == m_connections.end()) return;
  it->second.reading = true;
  it->second.deadline = std::chrono::steady_clock::now() + m_deadline;
  // The watchdog wakes at its next deadline anyway, which is earlier than
  // this one unless it sleeps without one: thousands of requests a second
  // then cost no wake-ups.
  if (it->second.deadline < m_next_wake) {
    m_next_wake = it->second.deadline;
    m_changed.notify_all();
  }
}

void ConnectionWatchdog::finished(uint64_t id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_connections.find(id);
  if (it == m_connections.end()) return;
  if (it->second.fd >= 0) ::close(it->second.fd);
  m_inodes.erase(it->second.inode);
  m_connections.erase(it);
}

void ConnectionWatchdog::request_received() {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (auto it = m_connections.find(t_connection); it != m_connections.end()) it->second.reading = false;
}

void ConnectionWatchdog::response_sent() { started(t_connection); }

void ConnectionWatchdog::run() {
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_stop) {
    const auto now = std::chrono::steady_clock::now();
    auto next = std::chrono::steady_clock::time_point::max();
    for (auto& [id, c] : m_connections) {
      if (!c.reading) continue;
      if (c.deadline > now) {
        next = std::min(next, c.deadline);
        continue;
      }
      // Said first, so whoever sees the connection end finds it logged.
      if (m_on_cut)
        m_on_cut("connection cut off: no complete request within " + std::to_string(m_deadline.count()) + " ms");
      // Both directions: the worker's recv returns 0 and it closes the
      // connection; the client sees the end of the stream.
      if (c.fd >= 0) ::shutdown(c.fd, SHUT_RDWR);
      c.reading = false;
    }
    m_next_wake = next;
    if (next == std::chrono::steady_clock::time_point::max())
      m_changed.wait(lock);
    else
      m_changed.wait_until(lock, next);
  }
}

}  // namespace clown::webui
