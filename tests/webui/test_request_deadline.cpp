// The request deadline's watchdog (webui/request_deadline.hpp,
// docs/security.md#limits) in-process: it finds the socket accepted right
// before enqueue, shuts it down when its request does not arrive in time,
// and leaves alone a connection whose request arrived.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>

#include "webui/request_deadline.hpp"

using namespace std::chrono_literals;

namespace {

int loopback_socket(int port, bool listening) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (listening) {
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 4) == 0);
  } else {
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  return fd;
}

int port_of(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.sin_port);
}

}  // namespace

TEST_CASE("request deadline: 30 s, or a positive CLOWN_REQUEST_DEADLINE_MS", "[webui]") {
  ::unsetenv("CLOWN_REQUEST_DEADLINE_MS");
  CHECK(clown::webui::request_deadline() == 30000ms);
  ::setenv("CLOWN_REQUEST_DEADLINE_MS", "250", 1);
  CHECK(clown::webui::request_deadline() == 250ms);
  for (const char* bad : {"0", "-5", "abc", "12x", ""}) {
    ::setenv("CLOWN_REQUEST_DEADLINE_MS", bad, 1);
    INFO(bad);
    CHECK(clown::webui::request_deadline() == 30000ms);
  }
  ::unsetenv("CLOWN_REQUEST_DEADLINE_MS");
}

TEST_CASE("request deadline: a connection without a whole request is shut down, one with it is not", "[webui]") {
  const int listener = loopback_socket(0, true);
  const int port = port_of(listener);
  std::mutex mutex;
  std::vector<std::string> cut;
  clown::webui::ConnectionWatchdog watchdog(port, 300ms, [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex);
    cut.push_back(line);
  });
  std::unique_ptr<httplib::TaskQueue> pool(watchdog.new_task_queue(2));

  // As cpp-httplib does: accept, then enqueue the connection's work.
  const int slow_client = loopback_socket(port, false);
  const int slow = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  std::promise<ssize_t> slow_read;
  pool->enqueue([&] {
    char c;
    slow_read.set_value(::recv(slow, &c, 1, 0));  // nothing comes: only the watchdog ends this
  });
  auto got = slow_read.get_future();
  REQUIRE(got.wait_for(10s) == std::future_status::ready);
  CHECK(got.get() == 0);
  {
    std::lock_guard<std::mutex> lock(mutex);
    CHECK(cut == std::vector<std::string>{"connection cut off: no complete request within 300 ms"});
  }

  // A request that arrived whole: exempt while it is handled, however long.
  const int fast_client = loopback_socket(port, false);
  const int fast = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  std::promise<int> fast_poll;
  pool->enqueue([&] {
    watchdog.request_received();
    pollfd p{fast, POLLIN, 0};
    fast_poll.set_value(::poll(&p, 1, 1000));  // 0: still open after more than 3 deadlines
  });
  auto polled = fast_poll.get_future();
  REQUIRE(polled.wait_for(10s) == std::future_status::ready);
  CHECK(polled.get() == 0);
  pool->shutdown();
  {
    std::lock_guard<std::mutex> lock(mutex);
    CHECK(cut.size() == 1);
  }
  for (int fd : {slow, slow_client, fast, fast_client, listener}) ::close(fd);
}
