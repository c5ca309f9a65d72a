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

namespace clown::webui {

namespace {

constexpr std::chrono::milliseconds k_default_deadline{30'000};

// The connection the calling worker thread serves (0: none).
thread_local uint64_t t_connection = 0;

// The sockets of this process accepted on 127.0.0.1:`port` (local port
// `port`, not listening), by inode, as open fds. cpp-httplib 0.11 gives
// nobody the accepted socket, so the listener thread looks right after
// accept: the one not tracked yet is the new connection.
std::map<ino_t, int> accepted_sockets(int port) {
  std::map<ino_t, int> out;
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return out;
  const int own = ::dirfd(dir);
  while (const dirent* e = ::readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || fd == own) continue;
    struct stat st {};
    if (::fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    int listening = 0;
    socklen_t optlen = sizeof listening;
    if (::getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        addr.sin_family != AF_INET || ntohs(addr.sin_port) != port)
      continue;
    if (::getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) != 0 || listening) continue;
    out.emplace(st.st_ino, static_cast<int>(fd));
  }
  ::closedir(dir);
  return out;
}

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
  for (auto& [id, c] : m_connections) ::close(c.fd);
}

httplib::TaskQueue* ConnectionWatchdog::new_task_queue(size_t workers) { return new WatchedPool(*this, workers); }

uint64_t ConnectionWatchdog::track_accepted() {
  const auto sockets = accepted_sockets(m_port);
  std::lock_guard<std::mutex> lock(m_mutex);
  std::set<ino_t> known;
  for (const auto& [id, c] : m_connections) known.insert(c.inode);
  for (const auto& [inode, fd] : sockets) {
    if (known.count(inode)) continue;
    const int own = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (own < 0) return 0;
    const uint64_t id = m_next_id++;
    m_connections[id] = Connection{own, inode, false, {}};
    return id;
  }
  return 0;
}

void ConnectionWatchdog::started(uint64_t id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_connections.find(id);
  if (it == m_connections.end()) return;
  it->second.reading = true;
  it->second.deadline = std::chrono::steady_clock::now() + m_deadline;
  m_changed.notify_all();
}

void ConnectionWatchdog::finished(uint64_t id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_connections.find(id);
  if (it == m_connections.end()) return;
  ::close(it->second.fd);
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
      // Both directions: the worker's recv returns 0 and it closes the
      // connection; the client sees the end of the stream.
      ::shutdown(c.fd, SHUT_RDWR);
      c.reading = false;
      if (m_on_cut)
        m_on_cut("connection cut off: no complete request within " + std::to_string(m_deadline.count()) + " ms");
    }
    if (next == std::chrono::steady_clock::time_point::max())
      m_changed.wait(lock);
    else
      m_changed.wait_until(lock, next);
  }
}

}  // namespace clown::webui
