// Slow peers against the daemon (docs/security.md#limits): 16 clients that
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
