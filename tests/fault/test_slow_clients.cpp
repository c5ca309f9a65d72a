// Slow peers against the daemon (docs/security.md#limits): a client that
// drips a request is cut off at the request deadline, 16 clients that
// connect and then say nothing leave the daemon answering, and a price
// server that drips one byte a second neither hangs a sync past its
// deadline nor keeps `clown daemon stop` from working.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <thread>

#include "tests/webui/daemon_fixture.hpp"

namespace fs = std::filesystem;
using clown::test::DaemonFixture;
using clown::test::ProcessResult;

namespace {

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// An HTTP server on 127.0.0.1 that answers every connection with a
// 1,000,000-byte body, one byte per second. `accepted` is ready once the
// first client is connected; the destructor stops it.
class DripServer {
 public:
  DripServer() {
    m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(m_listen, 8) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    REQUIRE(::pipe2(m_stop, O_CLOEXEC) == 0);
    m_thread = std::thread([this] { serve(); });
  }
  ~DripServer() {
    ::close(m_stop[1]);
    m_thread.join();
    ::close(m_stop[0]);
    ::close(m_listen);
  }
  std::future<void> accepted() { return m_accepted.get_future(); }
  int port = 0;

 private:
  // Waits up to `ms` for the stop pipe; true when stopping. The one-second
  // wait is the drip rate under test, not a synchronization.
  bool stopping(int ms) {
    pollfd p{m_stop[0], POLLIN, 0};
    return ::poll(&p, 1, ms) != 0;
  }
  void serve() {
    pollfd ps[2] = {{m_listen, POLLIN, 0}, {m_stop[0], POLLIN, 0}};
    if (::poll(ps, 2, 60000) <= 0 || ps[1].revents) return;
    const int client = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
    m_accepted.set_value();
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{";
    if (::send(client, head.data(), head.size(), MSG_NOSIGNAL) > 0)
      while (!stopping(1000) && ::send(client, " ", 1, MSG_NOSIGNAL) == 1) {
      }
    ::close(client);
  }
  int m_listen = -1;
  int m_stop[2] = {-1, -1};
  std::promise<void> m_accepted;
  std::thread m_thread;
};

}  // namespace

TEST_CASE("16 idle or slow connections leave the daemon answering /api/health", "[fault][daemon]") {
  DaemonFixture d;
  REQUIRE(d.start().exit_code == 0);
  std::vector<int> slow;
  for (int i = 0; i < 16; ++i) {
    slow.push_back(connect_to(d.port));
    // Half say nothing, half start a request line and stall.
    if (i % 2) REQUIRE(::send(slow.back(), "GET /api/he", 11, MSG_NOSIGNAL) == 11);
  }
  // The deadline: what the CLI gives the daemon to answer (start's health
  // check), well below the 2 s and 5 s the slow connections hold a worker.
  httplib::Client client("127.0.0.1", d.port);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(1, 0);
  const auto started = std::chrono::steady_clock::now();
  auto health = client.Get("/api/health");
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  INFO("health took " << took << " ms");
  REQUIRE(health);
  CHECK(health->status == 200);
  for (int fd : slow) ::close(fd);
}

TEST_CASE("a sync against a dripping server stops at its total deadline", "[fault][sync]") {
  DripServer drip;
  DaemonFixture d;
  d.extra_env["CLOWN_HTTP_TOTAL_TIMEOUT_MS"] = "2000";
  const auto started = std::chrono::steady_clock::now();
  auto r = d.clown(
      {"registry", "sync", "--force", "--url", "http://127.0.0.1:" + std::to_string(drip.port) + "/prices.json"});
  const auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("the download did not finish within 2s (the limit for a whole sync; CLOWN_HTTP_TOTAL_TIMEOUT_MS "
                   "changes it)") != std::string::npos);
  CHECK(took.count() < 10);  // the read timeout (30 s) never fires on a drip
  CHECK_FALSE(fs::exists(d.home / "registry" / "litellm-pricing.json"));
}

TEST_CASE("clown daemon stop works while a sync hangs on a dripping server", "[fault][sync]") {
  DripServer drip;
  DaemonFixture d;
  d.extra_env["CLOWN_PRICING_URL"] = "http://127.0.0.1:" + std::to_string(drip.port) + "/prices.json";
  REQUIRE(d.start().exit_code == 0);
  auto accepted = drip.accepted();
  auto sync = std::async(std::launch::async, [&d] { return d.post("/api/registry/sync", R"({"force": true})"); });
  REQUIRE(accepted.wait_for(std::chrono::seconds(30)) == std::future_status::ready);  // the sync is in flight
  auto stop = d.clown({"daemon", "stop"});
  CHECK(stop.exit_code == 0);
  CHECK(stop.out == "clown daemon stopped (pid " + std::to_string(d.pid) + ").\n");
  CHECK(d.wait_daemon_file_gone());
  auto answer = sync.get();
  CHECK_FALSE(answer);  // the connection closed with the daemon
  CHECK(clown::test::read_text(d.home / "daemon.log").find("request(s) still in flight, cut off after 5 s") !=
        std::string::npos);
}

namespace {

// What a peer saw when it stopped: the daemon closed the connection (EOF or
// reset) after `bytes_sent` bytes, having answered `answer` (empty: nothing).
struct Cut {
  bool closed = false;
  int bytes_sent = 0;
  std::string answer;
};

// Sends `head` and then one more header byte every second (under the 5 s
// read timeout, so only a total deadline can end it) until the daemon
// closes the connection or `limit_secs` pass. After each byte it waits for
// the end of the stream for the second until the next byte (the drip's
// rate, not a synchronization); `between` runs after each byte.
Cut drip_request(int port, const std::string& head, int limit_secs, const std::function<void()>& between) {
  Cut cut;
  const int fd = connect_to(port);
  REQUIRE(::send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size()));
  for (int i = 0; i < limit_secs && !cut.closed; ++i) {
    if (::send(fd, "x", 1, MSG_NOSIGNAL) != 1) break;
    ++cut.bytes_sent;
    between();
    pollfd p{fd, POLLIN, 0};
    while (!cut.closed && ::poll(&p, 1, 1000) > 0) {
      char buf[512];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0)
        cut.closed = true;
      else
        cut.answer.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return cut;
}

}  // namespace

TEST_CASE("a client that drips a request is cut off at the request deadline; others are served", "[fault][daemon]") {
  DaemonFixture d;
  d.extra_env["CLOWN_REQUEST_DEADLINE_MS"] = "3000";
  REQUIRE(d.start().exit_code == 0);
  int served = 0;
  const auto health = [&] {
    auto r = d.client().Get("/api/health");
    served += r && r->status == 200;
  };
  // A request line and a header that never ends, one byte a second.
  const auto started = std::chrono::steady_clock::now();
  const Cut cut = drip_request(d.port, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Drip: ", 60, health);
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  INFO("cut after " << took << " ms, " << cut.bytes_sent << " bytes");
  CHECK(cut.closed);
  CHECK(cut.answer == "");  // closed, not answered: the request never arrived whole
  // Cut by the 3 s deadline, not by the 60 s the drip would have gone on.
  CHECK(cut.bytes_sent >= 3);
  CHECK(cut.bytes_sent <= 6);
  // A normal client was served after every byte, and still is.
  CHECK(served == cut.bytes_sent);
  health();
  CHECK(served == cut.bytes_sent + 1);
  CHECK(clown::test::read_text(d.home / "daemon.log").find("connection cut off: no complete request within 3000 ms") !=
        std::string::npos);
}

TEST_CASE("the request deadline is per request: a kept-alive connection outlives it", "[fault][daemon]") {
  DaemonFixture d;
  d.extra_env["CLOWN_REQUEST_DEADLINE_MS"] = "1500";
  REQUIRE(d.start().exit_code == 0);
  // Three requests on one connection, 1 s apart (under the 2 s keep-alive):
  // the connection lives 2 s, longer than the deadline, and every request
  // arrives whole within its own.
  const int fd = connect_to(d.port);
  const std::string request = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(d.port) + "\r\n\r\n";
  int answers = 0;
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      pollfd p{fd, POLLIN, 0};
      CHECK(::poll(&p, 1, 1000) == 0);  // the pace of the client; nothing arrives meanwhile
    }
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    std::string got;
    pollfd p{fd, POLLIN, 0};
    while (got.find("\r\n\r\n") == std::string::npos || got.find('}') == std::string::npos) {
      if (::poll(&p, 1, 5000) <= 0) break;
      char buf[1024];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    answers += got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0;
  }
  ::close(fd);
  CHECK(answers == 3);
  CHECK(clown::test::read_text(d.home / "daemon.log").find("connection cut off") == std::string::npos);
}

TEST_CASE("the team listener cuts off a client that drips a request too", "[fault][daemon][team]") {
  DaemonFixture d;
  d.extra_env["CLOWN_REQUEST_DEADLINE_MS"] = "2000";
  const int team_port = clown::test::free_fixed_port();
  REQUIRE(team_port != 0);
  clown::test::write_text(d.home / "config.toml",
                          "[team]\nrole = \"central\"\nlisten = \"127.0.0.1:" + std::to_string(team_port) + "\"\n");
  REQUIRE(d.start().exit_code == 0);
  const Cut cut = drip_request(team_port, "POST /v1/logs HTTP/1.1\r\nHost: central\r\nX-Drip: ", 60, [] {});
  INFO(cut.bytes_sent << " bytes");
  CHECK(cut.closed);
  CHECK(cut.answer == "");
  CHECK(cut.bytes_sent >= 2);
  CHECK(cut.bytes_sent <= 5);
  CHECK(clown::test::read_text(d.home / "daemon.log")
            .find("team listener: connection cut off: no complete request within 2000 ms") != std::string::npos);
}
