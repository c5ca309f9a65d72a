// `clown registry sync` against a cpp-httplib server inside the test process:
// good, stale (304), slow, truncated, oversized and malformed payloads. Every
// failure must exit 1 with one line and leave the stored files byte-for-byte.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/time.hpp"
#include "tests/support/clown_home.hpp"

using namespace clown::test;

namespace {

// A LiteLLM-format document with `count` priced models: the bundled Claude
// family (a sync refuses a file without it), claude-sonnet-4-5 at a price that
// differs from the bundled snapshot (so tests can tell them apart), then
// test-model-NNN entries at `input_price`.
std::string pricing_doc(int count, const std::string& input_price = "1e-06") {
  auto family = bundled_claude_prices();
  family["claude-sonnet-4-5"]["input_cost_per_token"] = 9e-06;
  std::string out = "{\n";
  for (const auto& [key, entry] : family.items()) out += "  \"" + key + "\": " + entry.dump() + ",\n";
  const int fillers = count - static_cast<int>(family.size());
  for (int i = 1; i <= fillers; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "test-model-%03d", i);
    out += std::string(i > 1 ? ",\n" : "") + "  \"" + key + "\": {\"input_cost_per_token\": " + input_price +
           ", \"output_cost_per_token\": 2e-06, \"litellm_provider\": \"openai\", \"mode\": \"chat\"}";
  }
  return out + "\n}\n";
}

struct Seen {
  std::string path;
  std::string if_none_match;
  std::string if_modified_since;
};

class TestServer {
 public:
  explicit TestServer(httplib::Server* server = nullptr)
      : m_owned(server ? nullptr : new httplib::Server), m_server(server ? server : m_owned.get()) {
    routes();
    m_port = m_server->bind_to_any_port("127.0.0.1");
    REQUIRE(m_port > 0);
    // bind_to_any_port already listens: clients queue until the accept loop runs.
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
  }
  ~TestServer() {
    release();
    m_server->stop();
    m_thread.join();
  }
  int port() const { return m_port; }
  std::string url(const std::string& path, const std::string& scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(m_port) + path;
  }
  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_seen;
  }
  size_t hits(const std::string& path) {
    size_t n = 0;
    for (const auto& s : seen()) n += s.path == path;
    return n;
  }
  void release() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_released = true;
    m_cv.notify_all();
  }
  static inline const std::string k_good = pricing_doc(120);
  static inline const std::string k_good2 = pricing_doc(130);

 private:
  void record(const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_seen.push_back({req.path, req.get_header_value("If-None-Match"), req.get_header_value("If-Modified-Since")});
  }

  void routes() {
    auto& s = *m_server;
    s.Get("/good.json", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      if (req.get_header_value("If-None-Match") == "\"v1\"") {
        res.status = 304;
        res.set_header("ETag", "\"v1\"");
        return;
      }
      res.set_header("ETag", "\"v1\"");
      res.set_header("Last-Modified", "Tue, 24 Nov 2026 10:00:00 GMT");
      res.set_content(k_good, "application/json");
    });
    s.Get("/good2.json", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.set_header("Last-Modified", "Wed, 25 Nov 2026 10:00:00 GMT");
      res.set_content(k_good2, "application/json");
    });
    s.Get("/moved.json", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.set_redirect("/good2.json", 302);
    });
    s.Get("/slow.json", [this](const httplib::Request& req, httplib::Response&) {
      record(req);
      // Blocks until the test releases it (after the client has timed out).
      std::unique_lock<std::mutex> lock(m_mutex);
      m_cv.wait(lock, [this] { return m_released; });
    });
    s.Get("/truncated.json", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      // Promises 100,000 bytes, sends 1,000, then closes the connection.
      auto part = std::make_shared<std::string>(k_good.substr(0, 1000));
      res.set_content_provider(100000, "application/json", [part](size_t offset, size_t, httplib::DataSink& sink) {
        if (offset == 0) sink.write(part->data(), part->size());
        return offset == 0 ? true : false;
      });
    });
    s.Get("/oversized.json", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      // An endless chunked body (never built in memory): 1 MiB at a time, up to 80 MiB.
      auto chunk = std::make_shared<std::string>(1 << 20, ' ');
      (*chunk)[0] = '{';
      res.set_chunked_content_provider("application/json", [chunk](size_t offset, httplib::DataSink& sink) {
        if (offset >= (size_t{80} << 20)) {
          sink.done();
          return true;
        }
        return sink.write(chunk->data(), chunk->size());
      });
    });
    s.Get("/announced-huge.json", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      // Announces 300 MB with Content-Length; the client must refuse before reading it.
      auto chunk = std::make_shared<std::string>(1 << 16, ' ');
      res.set_content_provider(size_t{300} * 1000 * 1000, "application/json",
                               [chunk](size_t, size_t length, httplib::DataSink& sink) {
                                 return sink.write(chunk->data(), std::min(length, chunk->size()));
                               });
    });
    s.Get("/html.json", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.set_content("<!DOCTYPE html>\n<html><body><h1>Rate limited</h1></body></html>\n", "text/html");
    });
    s.Get("/error502.json", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.status = 502;
      res.set_content("<html><body>Bad Gateway</body></html>", "text/html");
    });
    s.Get("/malformed.json", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.set_content(k_good.substr(0, k_good.size() / 2), "application/json");
    });
    s.Get("/array.json", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.set_content("[{\"input_cost_per_token\": 1e-06}]", "application/json");
    });
    s.Get("/wrong-types.json", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.set_content(pricing_doc(150, "\"0.000001\""), "application/json");
    });
    s.Get("/few.json", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      res.set_content(pricing_doc(99), "application/json");
    });
    for (const auto& [path, body] : k_wrong_prices) {
      s.Get(path, [this, body = body](const httplib::Request& req, httplib::Response& res) {
        record(req);
        res.set_content(body, "application/json");
      });
    }
  }

  // Well-formed files with more than 100 models whose prices would store wrong
  // costs (docs/cost.md#sync-validation).
  static std::map<std::string, std::string> wrong_price_docs() {
    auto negative = nlohmann::json::parse(pricing_doc(120));
    negative["test-model-001"]["input_cost_per_token"] = -2e-06;
    negative["claude-opus-4-5"]["output_cost_per_token"] = -1;
    auto zeroed = nlohmann::json::parse(pricing_doc(120));
    zeroed["claude-sonnet-4-5"].erase("input_cost_per_token");      // absent: the entry is skipped
    zeroed["claude-haiku-4-5"]["cache_read_input_token_cost"] = 0;  // one part free
    zeroed["claude-opus-4-1"]["input_cost_per_token"] = 0;          // free input
    zeroed["test-model-002"]["input_cost_per_token"] = 0;           // not in the snapshot: may be free
    auto no_claude = nlohmann::json::object();
    const auto all = nlohmann::json::parse(pricing_doc(140));
    for (const auto& [key, entry] : all.items())
      if (key.rfind("claude", 0) != 0) no_claude[key] = entry;
    return {
        {"/negative.json", negative.dump()}, {"/zeroed.json", zeroed.dump()}, {"/no-claude.json", no_claude.dump()}};
  }
  static inline const std::map<std::string, std::string> k_wrong_prices = wrong_price_docs();

  std::unique_ptr<httplib::Server> m_owned;
  httplib::Server* m_server;
  int m_port = 0;
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_released = false;
  std::vector<Seen> m_seen;
};

struct Home : ClownHome {
  fs::path pricing() const { return root() / "registry" / "litellm-pricing.json"; }
  fs::path lock() const { return root() / "registry" / "registry.lock"; }
  ProcessOptions env() const {
    ProcessOptions o = options();
    o.env["CLOWN_PRICING_URL"] = std::nullopt;
    o.env["SSL_CERT_FILE"] = std::nullopt;  // the system trust store unless a test says otherwise
    o.env["NO_COLOR"] = "1";
    o.env["CLOWN_HTTP_CONNECT_TIMEOUT_MS"] = "2000";
    o.env["CLOWN_HTTP_READ_TIMEOUT_MS"] = "2000";
    return o;
  }
  ProcessResult clown(std::vector<std::string> args, ProcessOptions o) const {
    return ClownHome::clown(std::move(args), std::move(o));
  }
  ProcessResult clown(std::vector<std::string> args) const { return clown(std::move(args), env()); }
};

nlohmann::json parse(const std::string& text) { return nlohmann::json::parse(text); }

std::string sha256_of(const std::string& text) {
  TempDir d;
  write_text(d.path() / "f", text);
  auto r = run_process({"sha256sum", (d.path() / "f").string()});
  return r.out.substr(0, 64);
}

}  // namespace

TEST_CASE("sync downloads, writes the lock, then skips within 24 h", "[registry][sync]") {
  TestServer server;
  Home home;
  const auto url = server.url("/good.json");
  auto r = home.clown({"registry", "sync", "--url", url});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "Downloaded 120 models from " + url + " to " + home.pricing().string() + "\n");
  CHECK(r.err.empty());
  CHECK(read_text(home.pricing()) == TestServer::k_good);

  auto lock = parse(read_text(home.lock()));
  CHECK(lock["source_url"] == url);
  CHECK(lock["etag"] == "\"v1\"");
  CHECK(lock["last_modified"] == "Tue, 24 Nov 2026 10:00:00 GMT");
  CHECK(lock["sha256"] == sha256_of(TestServer::k_good));
  CHECK(lock["model_count"] == 120);
  auto fetched = clown::parse_iso8601_ms(lock["fetched_at"].get<std::string>());
  REQUIRE(fetched);
  CHECK(std::llabs(clown::now_ms() - *fetched) < 60'000);

  // Within 24 h: no request at all, and the output says how to force one.
  r = home.clown({"registry", "sync", "--url", url, "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = parse(r.out);
  CHECK(j["outcome"] == "fresh");
  CHECK(j["model_count"] == 120);
  CHECK(server.hits("/good.json") == 1);
  r = home.clown({"registry", "sync", "--url", url});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "Skipped: prices were synced 0m ago (less than 24 h); 120 models in " + home.pricing().string() +
                     ". Use --force to download now.\n");
  CHECK(server.hits("/good.json") == 1);
}

TEST_CASE("sync sends If-None-Match / If-Modified-Since and keeps the file on 304", "[registry][sync]") {
  TestServer server;
  Home home;
  const auto url = server.url("/good.json");
  REQUIRE(home.clown({"registry", "sync", "--url", url}).exit_code == 0);
  const auto before = read_text(home.pricing());

  // --force: conditional GET, server answers 304.
  auto r = home.clown({"registry", "sync", "--url", url, "--force"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "Prices are up to date (" + url + " answered 304 Not Modified); 120 models in " +
                     home.pricing().string() + "\n");
  auto seen = server.seen();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].if_none_match.empty());
  CHECK(seen[1].if_none_match == "\"v1\"");
  CHECK(seen[1].if_modified_since == "Tue, 24 Nov 2026 10:00:00 GMT");
  CHECK(read_text(home.pricing()) == before);

  // Older than 24 h: a plain sync asks again (conditionally) and refreshes fetched_at.
  auto lock = parse(read_text(home.lock()));
  lock["fetched_at"] = "2026-01-01T00:00:00.000Z";
  write_text(home.lock(), lock.dump(2));
  r = home.clown({"registry", "sync", "--url", url, "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(parse(r.out)["outcome"] == "not-modified");
  CHECK(server.hits("/good.json") == 3);
  CHECK(server.seen()[2].if_none_match == "\"v1\"");
  CHECK(parse(read_text(home.lock()))["fetched_at"] != "2026-01-01T00:00:00.000Z");
  CHECK(read_text(home.pricing()) == before);

  // A damaged stored file is never revalidated with a conditional request: it is re-downloaded.
  write_text(home.pricing(), "{}");
  r = home.clown({"registry", "sync", "--url", url, "--force", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(parse(r.out)["outcome"] == "downloaded");
  CHECK(server.seen()[3].if_none_match.empty());
  CHECK(read_text(home.pricing()) == before);
}

TEST_CASE("a new good file replaces the stored one", "[registry][sync]") {
  TestServer server;
  Home home;
  REQUIRE(home.clown({"registry", "sync", "--url", server.url("/good.json")}).exit_code == 0);
  // A different URL is a different source: downloaded even within 24 h. Redirects are followed.
  auto r = home.clown({"registry", "sync", "--url", server.url("/moved.json"), "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = parse(r.out);
  CHECK(j["outcome"] == "downloaded");
  CHECK(j["model_count"] == 130);
  CHECK(read_text(home.pricing()) == TestServer::k_good2);
  auto lock = parse(read_text(home.lock()));
  CHECK(lock["etag"] == "");
  CHECK(lock["last_modified"] == "Wed, 25 Nov 2026 10:00:00 GMT");
  CHECK(lock["source_url"] == server.url("/moved.json"));
  CHECK(server.hits("/good2.json") == 1);
}

TEST_CASE("bad downloads fail with one line and keep the stored files byte-for-byte", "[registry][sync]") {
  TestServer server;
  Home home;
  REQUIRE(home.clown({"registry", "sync", "--url", server.url("/good.json")}).exit_code == 0);
  const auto pricing_before = read_text(home.pricing());
  const auto lock_before = read_text(home.lock());
  const std::string kept = "; the stored prices are unchanged\n";

  struct Case {
    const char* path;
    std::string error;
  } cases[] = {
      {"/truncated.json", "the connection closed after 1,000 of 100,000 bytes (truncated body)"},
      {"/oversized.json", "the response is larger than the 64 MiB limit (stopped reading)"},
      {"/announced-huge.json", "the server announced 300,000,000 bytes, more than the 64 MiB limit"},
      {"/html.json", "the server sent an HTML page, not pricing JSON"},
      {"/error502.json", "the server answered HTTP 502 Bad Gateway; try again later"},
      {"/missing.json", "the server answered HTTP 404 Not Found; check the URL"},
      {"/malformed.json", "the file is not valid JSON (truncated or malformed)"},
      {"/array.json", "the file is a JSON array, not an object of models"},
      {"/wrong-types.json",
       "the file has only 26 models with a numeric input_cost_per_token (124 entries have missing or wrong-typed "
       "prices; at least 100 are required)"},
      {"/few.json",
       "the file has only 99 models with a numeric input_cost_per_token (0 entries have missing or wrong-typed "
       "prices; at least 100 are required)"},
  };
  for (const auto& c : cases) {
    const auto url = server.url(c.path);
    INFO(url);
    auto r = home.clown({"registry", "sync", "--force", "--url", url});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "clown: error: registry sync from " + url + ": " + c.error + kept);
    CHECK(read_text(home.pricing()) == pricing_before);
    CHECK(read_text(home.lock()) == lock_before);
  }
}

TEST_CASE("files with negative, zeroed or missing prices are refused and the stored prices kept", "[registry][sync]") {
  TestServer server;
  Home home;
  REQUIRE(home.clown({"registry", "sync", "--url", server.url("/good.json")}).exit_code == 0);
  const auto pricing_before = read_text(home.pricing());
  const auto lock_before = read_text(home.lock());
  const std::string kept = "; the stored prices are unchanged\n";
  struct Case {
    const char* path;
    std::string error;
  } cases[] = {
      {"/negative.json", "negative prices (2: claude-opus-4-5, test-model-001)"},
      {"/zeroed.json",
       "prices of paid models fell to 0 or are missing (3: claude-haiku-4-5, claude-opus-4-1, claude-sonnet-4-5)"},
      {"/no-claude.json",
       "Claude models missing (26: claude-3-7-sonnet-20250219, claude-3-haiku-20240307, claude-3-opus-20240229, "
       "claude-4-opus-20250514, claude-4-sonnet-20250514 and 21 more)"},
  };
  for (const auto& c : cases) {
    const auto url = server.url(c.path);
    INFO(url);
    auto r = home.clown({"registry", "sync", "--force", "--url", url});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "clown: error: registry sync from " + url + ": the file would store wrong costs: " + c.error + kept);
    CHECK(read_text(home.pricing()) == pricing_before);
    CHECK(read_text(home.lock()) == lock_before);
  }
}

TEST_CASE("a slow server times out with the configured read timeout", "[registry][sync]") {
  TestServer server;
  Home home;
  auto env = home.env();
  env.env["CLOWN_HTTP_READ_TIMEOUT_MS"] = "300";
  const auto url = server.url("/slow.json");
  const auto start = std::chrono::steady_clock::now();
  auto r = home.clown({"registry", "sync", "--url", url}, env);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  server.release();
  CHECK(r.exit_code == 1);
  CHECK(r.err == "clown: error: registry sync from " + url + ": timed out after 0.3s waiting for http://127.0.0.1:" +
                     std::to_string(server.port()) + " to send data; prices still come from the bundled snapshot\n");
  CHECK(elapsed < std::chrono::seconds(5));
  CHECK_FALSE(fs::exists(home.pricing()));
  CHECK_FALSE(fs::exists(home.lock()));
}

TEST_CASE("connection refused, DNS failure and invalid URLs", "[registry][sync]") {
  Home home;
  // A port nobody listens on: bind one without listening, read its number, close it.
  int port = 0;
  {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
    ::close(fd);
  }
  const std::string refused = "http://127.0.0.1:" + std::to_string(port) + "/p.json";
  auto r = home.clown({"registry", "sync", "--url", refused});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "clown: error: registry sync from " + refused + ": cannot connect to http://127.0.0.1:" +
                     std::to_string(port) + "; prices still come from the bundled snapshot\n");

  const std::string nxdomain = "https://clown-test-host.invalid/p.json";
  r = home.clown({"registry", "sync", "--url", nxdomain});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "clown: error: registry sync from " + nxdomain +
                     ": cannot resolve host 'clown-test-host.invalid' (DNS lookup failed); prices still come from the "
                     "bundled snapshot\n");

  r = home.clown({"registry", "sync", "--url", "ftp://example.com/p.json"});
  CHECK(r.exit_code == 1);
  CHECK(r.err ==
        "clown: error: invalid pricing URL 'ftp://example.com/p.json': only https:// (and http://) are supported\n");
  CHECK_FALSE(fs::exists(home.pricing()));
}

TEST_CASE("a server that never accepts the connection hits the connect timeout", "[registry][sync]") {
  // A listener with a full accept queue: Linux drops further SYNs, so connect() hangs.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 0) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    fillers.push_back(fd);
  }
  Home home;
  auto env = home.env();
  env.env["CLOWN_HTTP_CONNECT_TIMEOUT_MS"] = "300";
  const std::string base = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  auto r = home.clown({"registry", "sync", "--url", base + "/p.json"}, env);
  for (int fd : fillers) ::close(fd);
  ::close(listener);
  CHECK(r.exit_code == 1);
  CHECK(r.err == "clown: error: registry sync from " + base + "/p.json: timed out connecting to " + base +
                     " after 0.3s; prices still come from the bundled snapshot\n");
}

// A self-signed certificate for 127.0.0.1 made with the openssl CLI: (cert, key).
std::pair<fs::path, fs::path> self_signed_certificate(const fs::path& dir) {
  const auto cert = dir / "cert.pem", key = dir / "key.pem";
  auto gen = run_process({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                          "-nodes", "-keyout", key.string(), "-out", cert.string(), "-days", "1", "-subj",
                          "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
  INFO(gen.err);
  REQUIRE(gen.exit_code == 0);
  return {cert, key};
}

TEST_CASE("TLS: a self-signed certificate fails verification", "[registry][sync]") {
  TempDir certs;
  const auto [cert, key] = self_signed_certificate(certs.path());
  httplib::SSLServer tls(cert.c_str(), key.c_str());
  REQUIRE(tls.is_valid());
  TestServer server(&tls);
  TestServer plain;
  Home home;
  REQUIRE(home.clown({"registry", "sync", "--url", plain.url("/good.json")}).exit_code == 0);
  const auto before = read_text(home.pricing());
  const auto url = server.url("/good2.json", "https");
  auto r = home.clown({"registry", "sync", "--force", "--url", url});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "clown: error: registry sync from " + url +
                     ": TLS certificate of 127.0.0.1 is not trusted (self-signed certificate; checked against "
                     "/etc/ssl/certs/ca-certificates.crt); the stored prices are unchanged\n");
  CHECK(read_text(home.pricing()) == before);
  CHECK(server.hits("/good2.json") == 0);
}

TEST_CASE("TLS: a server whose certificate chains to the trust store is accepted", "[registry][sync]") {
  TempDir certs;
  const auto [cert, key] = self_signed_certificate(certs.path());
  httplib::SSLServer tls(cert.c_str(), key.c_str());
  REQUIRE(tls.is_valid());
  TestServer server(&tls);
  Home home;
  auto env = home.env();
  env.env["SSL_CERT_FILE"] = cert.string();  // trust exactly this certificate
  const auto url = server.url("/good2.json", "https");
  auto r = home.clown({"registry", "sync", "--json", "--url", url}, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(parse(r.out)["outcome"] == "downloaded");
  CHECK(parse(r.out)["source_url"] == url);
  CHECK(read_text(home.pricing()) == TestServer::k_good2);
  CHECK(server.hits("/good2.json") == 1);
}

TEST_CASE("URL precedence: --url > CLOWN_PRICING_URL > config.toml", "[registry][sync]") {
  TestServer server;
  Home home;
  fs::create_directories(home.root());
  write_text(home.root() / "config.toml", "[registry]\npricing_url = \"" + server.url("/good.json") + "\"\n");
  auto r = home.clown({"registry", "sync", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(parse(r.out)["source_url"] == server.url("/good.json"));

  auto env = home.env();
  env.env["CLOWN_PRICING_URL"] = server.url("/good2.json");
  r = home.clown({"registry", "sync", "--json"}, env);
  REQUIRE(r.exit_code == 0);
  CHECK(parse(r.out)["source_url"] == server.url("/good2.json"));

  r = home.clown({"registry", "sync", "--json", "--url", server.url("/good.json")}, env);
  REQUIRE(r.exit_code == 0);
  auto j = parse(r.out);
  CHECK(j["source_url"] == server.url("/good.json"));
  CHECK(j["outcome"] == "downloaded");
  CHECK(server.hits("/good.json") == 2);
  CHECK(server.hits("/good2.json") == 1);
}

TEST_CASE("sync --offline uses the stored file, else the bundled snapshot, without network", "[registry][sync]") {
  Home home;
  auto env = home.env();
  env.env["CLOWN_PRICING_URL"] = "http://127.0.0.1:1/never-contacted.json";
  auto r = home.clown({"registry", "sync", "--offline"}, env);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "Offline: no synced prices stored; using the bundled snapshot (187 models)\n");

  TestServer server;
  REQUIRE(home.clown({"registry", "sync", "--url", server.url("/good.json")}).exit_code == 0);
  const auto lock = parse(read_text(home.lock()));
  r = home.clown({"registry", "sync", "--offline", "--force"}, env);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "Offline: using the synced prices in " + home.pricing().string() + " (120 models, fetched " +
                     lock["fetched_at"].get<std::string>() + ")\n");
  CHECK(server.hits("/good.json") == 1);
}
