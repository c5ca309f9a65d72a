#pragma once
// A total deadline for receiving a request (docs/security.md#limits).
// cpp-httplib 0.11 bounds each recv by the read timeout, but not a request: a
// client sending one header byte every 4 s would hold a worker for hours. The
// watchdog knows every accepted connection (a TaskQueue of our own sees each
// one right after accept) and shuts down the socket of one whose request is
// not complete by its deadline. A request that has arrived whole is exempt
// until its response is written; the next request on a kept-alive connection
// gets a deadline of its own.
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace httplib {
class TaskQueue;
}

namespace clown::webui {

// 30 s, or CLOWN_REQUEST_DEADLINE_MS when set to a positive number (tests).
std::chrono::milliseconds request_deadline();

class ConnectionWatchdog {
 public:
  // Watches connections accepted on 127.0.0.1:`port`; `on_cut` is told of
  // each connection cut off (from the watchdog's thread).
  ConnectionWatchdog(int port, std::chrono::milliseconds deadline, std::function<void(const std::string&)> on_cut);
  ~ConnectionWatchdog();
  ConnectionWatchdog(const ConnectionWatchdog&) = delete;
  ConnectionWatchdog& operator=(const ConnectionWatchdog&) = delete;

  // For httplib::Server::new_task_queue: a pool of `workers` threads whose
  // connections are watched. The server owns (and deletes) it.
  httplib::TaskQueue* new_task_queue(size_t workers);
  // In a worker: its connection's request arrived whole (no deadline until
  // the response is written).
  void request_received();
  // In a worker: a response was written; the next request has its deadline.
  void response_sent();

 private:
  friend class WatchedPool;
  struct Connection {
    int fd = -1;  // our own dup of the socket: shutdown() reaches it even after the server closed its fd
    ino_t inode = 0;
    bool reading = false;  // a worker reads a request from it
    std::chrono::steady_clock::time_point deadline;
  };
  // Listener thread, right after accept: the new socket; 0 when not found.
  uint64_t track_accepted();
  void started(uint64_t id);   // a worker took the connection
  void finished(uint64_t id);  // the worker is done with it (closed)
  void run();

  int m_port;
  std::chrono::milliseconds m_deadline;
  std::function<void(const std::string&)> m_on_cut;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::map<uint64_t, Connection> m_connections;
  std::set<ino_t> m_inodes;  // of m_connections
  int m_highest_fd = 0;      // the highest fd a connection had so far
  uint64_t m_next_id = 1;
  // When the watchdog wakes next (max: only when told).
  std::chrono::steady_clock::time_point m_next_wake = std::chrono::steady_clock::time_point::max();
  bool m_stop = false;
  std::thread m_thread;
};

}  // namespace clown::webui
