#pragma once
// A real local OTLP/HTTP upstream for the forwarding tests: a cpp-httplib
// server on 127.0.0.1 that records every request (path, headers, the body as
// received) and can go down and come back on the same port. Waiting for
// requests blocks on a condition variable with a deadline, never a sleep.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_support.hpp"

namespace clown::test {

struct RecordedRequest {
  std::string path;
  httplib::Headers headers;
  std::string body;  // decoded (cpp-httplib undoes Content-Encoding)
  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers)
      if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
    return "";
  }
  bool has_header(const std::string& name) const {
    for (const auto& [k, v] : headers)
      if (strcasecmp(k.c_str(), name.c_str()) == 0) return true;
    return false;
  }
};

class RecordingUpstream {
 public:
  // Picks a free port; the upstream is down until up().
  // The port is below Linux's ephemeral range (32768-60999): while the
  // upstream is down, nothing else (the daemon's --port 0, a client's own
  // source port connecting to itself) can take it. Probed with a raw socket,
  // closed again: cpp-httplib 0.11's Server never closes a socket it bound
  // but did not listen on, and binds with SO_REUSEPORT.
  RecordingUpstream() {
    std::random_device rd;
    for (int tries = 0; tries < 200 && m_port == 0; ++tries) {
      const int port = 20000 + static_cast<int>(rd() % 12000);
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = htons(static_cast<uint16_t>(port));
      if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) m_port = port;
      ::close(fd);
    }
    if (m_port == 0) throw std::runtime_error("cannot find a free port for the test upstream");
  }
  ~RecordingUpstream() { down(); }

  int port() const { return m_port; }
  std::string url(const std::string& base_path = "") const {
    return "http://127.0.0.1:" + std::to_string(m_port) + base_path;
  }

  void up(int status = 200) {
    m_server = std::make_unique<httplib::Server>();
    m_server->Post(".*", [this, status](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(m_mutex);
        m_requests.push_back({req.path, req.headers, req.body});
      }
      m_cv.notify_all();
      res.status = status;
      res.set_content("{}", "application/json");
    });
    if (!m_server->bind_to_port("127.0.0.1", m_port)) throw std::runtime_error("cannot bind the test upstream");
    // Bound means listening: connections wait in the backlog until the loop accepts them.
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
  }

  void down() {
    if (!m_server) return;
    m_server->stop();
    m_thread.join();
    m_server.reset();
  }

  // Waits until `n` requests arrived (false when the deadline passes first).
  bool wait_for(size_t n, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    std::unique_lock lock(m_mutex);
    return m_cv.wait_for(lock, limit, [&] { return m_requests.size() >= n; });
  }
  std::vector<RecordedRequest> requests() {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }

 private:
  int m_port = 0;
  std::unique_ptr<httplib::Server> m_server;
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::vector<RecordedRequest> m_requests;
};

// A port that accepts connections (the kernel completes them from the
// backlog) and never answers: an upstream that hangs.
class SilentUpstream {
 public:
  SilentUpstream() {
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(m_fd, 16) != 0 ||
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("cannot listen for the silent upstream");
    m_port = ntohs(addr.sin_port);
  }
  ~SilentUpstream() { ::close(m_fd); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

 private:
  int m_fd = -1;
  int m_port = 0;
};

// gunzip, to compare what a gzip'd export decodes to.
inline std::string gunzip(const std::string& in) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return "";
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END ? out : "";
}

// Waits (inotify on telemetry/, where the forwarder renames its counters file
// into place after every change) until `ready()` holds or the deadline passes.
inline bool wait_for_forward_state(const fs::path& telemetry_dir, const std::function<bool()>& ready,
                                   std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  fs::create_directories(telemetry_dir);
  const int fd = ::inotify_init1(IN_CLOEXEC);
  ::inotify_add_watch(fd, telemetry_dir.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  bool ok = ready();
  while (!ok) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) == 1) {
      char buf[4096];
      (void)::read(fd, buf, sizeof buf);
    }
    ok = ready();
  }
  ::close(fd);
  return ok;
}

}  // namespace clown::test
