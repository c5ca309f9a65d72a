// `clown daemon start|stop|status` against the built binaries.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/webui/daemon_fixture.hpp"

using clown::test::DaemonFixture;
using clown::test::read_text;
using clown::test::write_text;
namespace fs = std::filesystem;

namespace {

bool is_hex(const std::string& s) { return s.find_first_not_of("0123456789abcdef") == std::string::npos; }

bool process_alive(int pid) { return ::kill(pid, 0) == 0; }

// The one-time login link `clown daemon start|open` prints.
std::string login_link(const std::string& out) {
  const size_t start = out.find("http://127.0.0.1:", out.find("Log in once with "));
  if (start == std::string::npos) return "";
  return out.substr(start, out.find(' ', start) - start);
}

}  // namespace

TEST_CASE("daemon start writes daemon.json, answers health, second start reports it", "[webui][daemon]") {
  DaemonFixture d;
  auto r = d.start();
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.err.empty());
  const std::string url = "http://127.0.0.1:" + std::to_string(d.port);
  const std::string login = login_link(r.out);
  CHECK(r.out == "clown daemon started (pid " + std::to_string(d.pid) + "): " + url + "/usage\nLog in once with " +
                     login +
                     " (or run: clown daemon open)\nIt exits after 30 min without requests (use --stay-alive "
                     "to keep it).\n");

  struct stat st {};
  REQUIRE(::stat((d.home / "daemon.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(d.token.size() == 32);
  CHECK(is_hex(d.token));
  CHECK(d.info["url"] == url);
  CHECK(d.info["stay_alive"] == false);
  CHECK(d.info["idle_timeout_secs"] == 1800);
  CHECK(d.port > 0);
  CHECK(process_alive(d.pid));

  auto health = d.get_json("/api/health");
  CHECK(health["success"] == true);
  CHECK(health["data"]["status"] == "ok");
  CHECK(health["data"]["pid"] == d.pid);
  CHECK(health["data"]["port"] == d.port);

  auto again = d.clown({"daemon", "start"});
  CHECK(again.exit_code == 0);
  CHECK(again.out == "clown daemon is already running (pid " + std::to_string(d.pid) + "): " + url +
                         "/usage\nLog in once with " + login_link(again.out) + " (or run: clown daemon open)\n");
  CHECK(login_link(again.out) != login);
  // The running daemon and its file are untouched.
  CHECK(nlohmann::json::parse(read_text(d.home / "daemon.json"))["token"] == d.token);

  auto status = d.clown({"daemon", "status", "--json"});
  REQUIRE(status.exit_code == 0);
  auto js = nlohmann::json::parse(status.out);
  CHECK(js["running"] == true);
  CHECK(js["stale"] == false);
  CHECK(js["pid"] == d.pid);
  CHECK(js["port"] == d.port);
  CHECK(js["url"] == url + "/usage");
  CHECK_FALSE(js.contains("token"));
  CHECK_FALSE(js.contains("team_listen"));  // no [team] role = "central"
  CHECK(status.out.find(d.token) == std::string::npos);

  auto text = d.clown({"daemon", "status"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.rfind("clown daemon is running (pid " + std::to_string(d.pid) + "): " + url + "/usage\n", 0) == 0);
  CHECK(text.out.find("  team ") == std::string::npos);

  auto stop = d.clown({"daemon", "stop"});
  CHECK(stop.exit_code == 0);
  CHECK(stop.out == "clown daemon stopped (pid " + std::to_string(d.pid) + ").\n");
  CHECK_FALSE(fs::exists(d.home / "daemon.json"));
  CHECK_FALSE(d.get("/api/health"));  // nothing listens any more

  auto after = d.clown({"daemon", "status", "--json"});
  auto after_js = nlohmann::json::parse(after.out);
  CHECK(after_js["otel"]["queue_length"] == 0);  // the OTLP forward (tests/webui/test_otel_forward.cpp)
  after_js.erase("otel");
  CHECK(after_js == nlohmann::json{{"running", false}, {"stale", false}});
  auto stop_again = d.clown({"daemon", "stop"});
  CHECK(stop_again.exit_code == 0);
  CHECK(stop_again.out == "clown daemon is not running.\n");
  CHECK(read_text(d.home / "daemon.log").find("clown daemon stopped (signal SIGTERM)") != std::string::npos);
}

TEST_CASE("a stale daemon.json from a killed daemon is detected and replaced", "[webui][daemon]") {
  DaemonFixture d;
  REQUIRE(d.start().exit_code == 0);
  const int old_pid = d.pid;
  REQUIRE(::kill(old_pid, SIGKILL) == 0);
  // The kernel releases the flock when the process is gone; status sees that.
  std::string status_out;
  for (int i = 0; i < 1000; ++i) {
    status_out = d.clown({"daemon", "status", "--json"}).out;
    if (nlohmann::json::parse(status_out)["running"] == false) break;
  }
  auto st = nlohmann::json::parse(status_out);
  CHECK(st["running"] == false);
  CHECK(st["stale"] == true);
  auto text = d.clown({"daemon", "status"});
  CHECK(text.out == "clown daemon is not running (start it with: clown daemon start).\ndaemon.json from pid " +
                        std::to_string(old_pid) + " is stale (that daemon was killed); the next start replaces it.\n");

  auto r = d.start();
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("Replaced a stale daemon.json (pid " + std::to_string(old_pid) +
                        " is no longer running).\nclown daemon started (pid " + std::to_string(d.pid) + ")",
                    0) == 0);
  CHECK(d.pid != old_pid);
  CHECK(d.get_json("/api/health")["data"]["pid"] == d.pid);
}

TEST_CASE("a daemon.json naming a dead pid without a lock holder is replaced", "[webui][daemon]") {
  DaemonFixture d;
  write_text(d.home / "daemon.json",
             R"({"pid": 999999, "port": 1, "token": "x", "url": "http://127.0.0.1:1", "started_at": ""})");
  auto stop = d.clown({"daemon", "stop"});
  CHECK(stop.exit_code == 0);
  CHECK(stop.out == "Removed a stale daemon.json (pid 999999 is no longer running).\nclown daemon is not running.\n");
  CHECK_FALSE(fs::exists(d.home / "daemon.json"));

  write_text(d.home / "daemon.json", "not json");
  auto r = d.start();
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("Replaced a stale daemon.json (pid 0 is no longer running).\n", 0) == 0);
  CHECK(d.get_json("/api/health")["success"] == true);
}

TEST_CASE("port in use gives a one-line error naming the port", "[webui][daemon]") {
  DaemonFixture d;
  int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(sock >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(sock, 1) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const int port = ntohs(addr.sin_port);

  auto r = d.clown({"daemon", "start", "--port", std::to_string(port)});
  ::close(sock);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "clown: error: port " + std::to_string(port) +
                     " on 127.0.0.1 is already in use; stop what uses it or choose another with `clown daemon "
                     "start --port N` (or [daemon] port in config.toml)\n");
  CHECK_FALSE(fs::exists(d.home / "daemon.json"));
  CHECK(nlohmann::json::parse(d.clown({"daemon", "status", "--json"}).out)["running"] == false);
}

TEST_CASE("the port comes from config.toml when --port is absent", "[webui][daemon]") {
  DaemonFixture d;
  // Find a free port, then let the daemon take it from config.toml.
  int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const int port = ntohs(addr.sin_port);
  ::close(sock);
  write_text(d.home / "config.toml", "[daemon]\nport = " + std::to_string(port) + "\n");
  auto r = d.clown({"daemon", "start", "--stay-alive"});
  REQUIRE(r.exit_code == 0);
  d.load_info();
  CHECK(d.port == port);
  CHECK(d.info["stay_alive"] == true);
  CHECK(d.info["idle_timeout_secs"] == 0);
  CHECK(r.out.find("It stays alive until `clown daemon stop`.") != std::string::npos);
}

TEST_CASE("the daemon exits by itself after the idle timeout", "[webui][daemon]") {
  DaemonFixture d;
  d.extra_env["CLOWN_DAEMON_IDLE_SECS"] = "1";
  auto r = d.start();
  REQUIRE(r.exit_code == 0);
  CHECK(d.info["idle_timeout_secs"] == 1);
  // (start itself waited for a health answer; a request here could race the 1 s timer on a busy machine)
  REQUIRE(d.wait_daemon_file_gone());
  CHECK(read_text(d.home / "daemon.log").find("clown daemon stopped (no requests for 1 s)") != std::string::npos);
  CHECK(nlohmann::json::parse(d.clown({"daemon", "status", "--json"}).out)["running"] == false);
}

TEST_CASE("clown daemon rejects bad options before starting anything", "[webui][daemon]") {
  DaemonFixture d;
  auto r = d.clown({"daemon", "start", "--port", "70000"});
  CHECK(r.exit_code == 2);
  CHECK_FALSE(fs::exists(d.home / "daemon.json"));
  auto none = d.clown({"daemon"});
  CHECK(none.exit_code == 2);
}

namespace {

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

TEST_CASE("stop lets a request in flight finish", "[webui][daemon]") {
  DaemonFixture d;
  REQUIRE(d.start().exit_code == 0);
  const int fd = connect_to(d.port);
  REQUIRE(fd >= 0);
  // Headers with "Expect: 100-continue": the interim 100 answer proves a
  // worker is inside this request (not just a connection in the accept
  // queue); the body is sent only after the stop has begun.
  const std::string head = "POST /api/usage/import-claude HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(d.port) +
                           "\r\nX-Clown-Token: " + d.token +
                           "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n"
                           "Connection: close\r\n\r\n";
  REQUIRE(::write(fd, head.data(), head.size()) == static_cast<ssize_t>(head.size()));
  std::string interim;
  char chunk[256];
  while (interim.find("\r\n\r\n") == std::string::npos) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    REQUIRE(n > 0);
    interim.append(chunk, static_cast<size_t>(n));
  }
  REQUIRE(interim.rfind("HTTP/1.1 100 Continue\r\n", 0) == 0);

  // `clown daemon stop` waits for the daemon to exit.
  clown::test::ProcessResult stop;
  std::thread stopper([&] { stop = d.clown({"daemon", "stop"}); });
  // The daemon closes its listening socket first: wait until connections are refused.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (int probe; (probe = connect_to(d.port)) >= 0;) {
    ::close(probe);
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const bool file_while_stopping = fs::exists(d.home / "daemon.json");  // still serving the request in flight

  const ssize_t sent = ::write(fd, "{}", 2);
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) response.append(buf, static_cast<size_t>(n));
  ::close(fd);
  stopper.join();
  CHECK(file_while_stopping);
  CHECK(sent == 2);
  CHECK(response.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(response.find("\"new_requests\":0") != std::string::npos);
  CHECK(stop.exit_code == 0);
  CHECK(stop.out == "clown daemon stopped (pid " + std::to_string(d.pid) + ").\n");
  CHECK_FALSE(fs::exists(d.home / "daemon.json"));
}

TEST_CASE("daemon start --foreground serves in the terminal and logs to stderr", "[webui][daemon]") {
  DaemonFixture d;
  // The idle timeout ends the foreground daemon, so the command returns by itself.
  d.extra_env["CLOWN_DAEMON_IDLE_SECS"] = "1";
  auto r = d.clown({"daemon", "start", "--foreground", "--port", "0"});
  CHECK(r.exit_code == 0);
  const std::string prefix = "clown daemon listening on http://127.0.0.1:";
  REQUIRE(r.out.rfind(prefix, 0) == 0);
  CHECK(r.out.find("/usage (pid ") != std::string::npos);
  CHECK(r.out.find("); Ctrl-C stops it\nLog in once with http://127.0.0.1:") != std::string::npos);
  CHECK(r.out.substr(r.out.size() - std::string(" (or run: clown daemon open)\n").size()) ==
        " (or run: clown daemon open)\n");
  CHECK(r.err.find(" clown daemon started (pid ") != std::string::npos);
  CHECK(r.err.find(" clown daemon stopped (no requests for 1 s)\n") != std::string::npos);
  CHECK_FALSE(fs::exists(d.home / "daemon.json"));
  CHECK(read_text(d.home / "daemon.log").find("clown daemon stopped (no requests for 1 s)") != std::string::npos);
}

TEST_CASE("the dashboard needs a login: one-time links, an HttpOnly cookie, 401 with a hint", "[webui][daemon]") {
  DaemonFixture d;
  auto r = d.start();
  REQUIRE(r.exit_code == 0);
  const std::string login = login_link(r.out);
  const std::string prefix = "http://127.0.0.1:" + std::to_string(d.port) + "/login?token=";
  REQUIRE(login.rfind(prefix, 0) == 0);
  CHECK(login.size() == prefix.size() + 32);
  CHECK(login.find(d.token) == std::string::npos);  // not the API token

  // Without a cookie or the token header: no page, no data.
  for (const std::string path : {"/", "/usage", "/sessions/abc", "/static/app.js"}) {
    auto page = d.get(path, {}, false);
    REQUIRE(page);
    CHECK(page->status == 401);
    CHECK(page->body == "Not logged in: run `clown daemon open` to open the dashboard.\n");
  }
  for (const std::string path : {"/api/usage", "/api/profiles", "/api/runs/active", "/api/usage/import-agents"}) {
    auto api = d.get(path, {}, false);
    REQUIRE(api);
    CHECK(api->status == 401);
    CHECK(nlohmann::json::parse(api->body)["error"]["message"] ==
          "not logged in: run `clown daemon open`, or send the X-Clown-Token header from daemon.json");
  }
  CHECK(d.get("/api/health", {}, false)->status == 200);

  // The link sets the session cookie once and moves on to /usage.
  const std::string path = login.substr(login.find("/login"));
  auto in = d.get(path, {}, false);
  REQUIRE(in);
  CHECK(in->status == 200);
  CHECK(in->body.find("<meta http-equiv=\"refresh\" content=\"0; url=/usage\">") != std::string::npos);
  const std::string cookie = in->get_header_value("Set-Cookie");
  const std::string name = "clown_session_" + std::to_string(d.port) + "=";
  REQUIRE(cookie.rfind(name, 0) == 0);
  CHECK(cookie.substr(cookie.find(';')) == "; Path=/; HttpOnly; SameSite=Strict");
  const std::string session = cookie.substr(0, cookie.find(';'));
  auto reused = d.get(path, {}, false);
  REQUIRE(reused);
  CHECK(reused->status == 401);
  CHECK(reused->get_header_value("Set-Cookie").empty());
  CHECK(reused->body == "This login link was already used or has expired: run `clown daemon open` for a new one.\n");
  CHECK(d.get("/login?token=" + std::string(32, '0'), {}, false)->status == 401);

  auto page = d.get("/usage", {{"Cookie", "other=1; " + session}}, false);
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("<meta name=\"clown-token\" content=\"" + d.token + "\">") != std::string::npos);
  CHECK(d.get("/api/usage", {{"Cookie", session}}, false)->status == 200);
  CHECK(d.get("/api/usage", {{"Cookie", name + std::string(32, '0')}}, false)->status == 401);
  // A cookie is not enough to write: writes need the header (CSRF).
  auto write = d.client().Post("/api/registry/sync", {{"Cookie", session}}, "{}", "application/json");
  REQUIRE(write);
  CHECK(write->status == 403);

  // `clown daemon open` without xdg-open prints a new link; with it, opens a 0600 page.
  const fs::path bin = d.tmp.path() / "bin";
  fs::create_directories(bin);
  d.extra_env["PATH"] = bin.string();
  auto printed = d.clown({"daemon", "open"});
  REQUIRE(printed.exit_code == 0);
  const std::string printed_prefix = "Open this one-time login link in your browser: " + prefix;
  REQUIRE(printed.out.rfind(printed_prefix, 0) == 0);
  const std::string fresh = printed.out.substr(printed.out.find("/login"), 7 + 6 + 32);
  CHECK(d.get(fresh.substr(0, fresh.size()), {}, false)->status == 200);

  write_text(bin / "xdg-open", "#!/bin/sh\necho \"$1\" > \"$0.args\"\n");
  fs::permissions(bin / "xdg-open", fs::perms::owner_all);
  auto opened = d.clown({"daemon", "open"});
  REQUIRE(opened.exit_code == 0);
  const fs::path page_file = d.home / "login.html";
  CHECK(opened.out == "Opened the dashboard in your browser (via " + page_file.string() + ").\n");
  struct stat st {};
  REQUIRE(::stat(page_file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(read_text(page_file).find(prefix) != std::string::npos);

  REQUIRE(d.clown({"daemon", "stop"}).exit_code == 0);
  auto stopped = d.clown({"daemon", "open"});
  CHECK(stopped.exit_code == 1);
  CHECK(stopped.err.find("clown daemon is not running; start it with: clown daemon start") != std::string::npos);
}
