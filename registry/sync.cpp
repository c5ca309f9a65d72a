#include "registry/sync.hpp"

#include <netdb.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <httplib.h>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "common/file_io.hpp"
#include "common/format.hpp"
#include "common/time.hpp"
#include "config/config.hpp"
#include "registry/lock.hpp"
#include "registry/pricing_table.hpp"
#include "registry/status.hpp"

namespace clown::registry {

namespace {

// Debian's system trust store (ca-certificates); httplib verifies against it.
constexpr const char* k_ca_bundle = "/etc/ssl/certs/ca-certificates.crt";

// SSL_CERT_FILE (OpenSSL's own variable) names another trust store, e.g. one
// with a company proxy's CA; otherwise the system store.
std::string ca_bundle() {
  const char* file = std::getenv("SSL_CERT_FILE");
  return file && *file ? file : k_ca_bundle;
}
constexpr int64_t k_fresh_ms = int64_t{24} * 3600 * 1000;
constexpr int64_t k_default_connect_timeout_ms = 10'000;
constexpr int64_t k_default_read_timeout_ms = 30'000;
// The whole sync, redirects included: a server that drips a byte now and
// then never trips the read timeout (docs/security.md#sync).
constexpr int64_t k_default_total_timeout_ms = 60'000;

int64_t env_ms(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  long long ms = std::strtoll(v, &end, 10);
  return (end && *end == '\0' && ms > 0) ? ms : fallback;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* k_hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += k_hex[digest[i] >> 4];
    out += k_hex[digest[i] & 15];
  }
  return out;
}

struct Url {
  std::string scheme_host_port;  // "https://host:port" as httplib::Client wants it
  std::string host;
  std::string path;  // with query
};

Expected<Url> parse_url(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return fail("invalid pricing URL '" + url + "': expected https://host/path");
  std::string scheme = url.substr(0, scheme_end);
  if (scheme != "https" && scheme != "http")
    return fail("invalid pricing URL '" + url + "': only https:// (and http://) are supported");
  auto path_start = url.find('/', scheme_end + 3);
  Url u;
  u.scheme_host_port = url.substr(0, path_start);
  std::string authority = u.scheme_host_port.substr(scheme_end + 3);
  if (authority.empty()) return fail("invalid pricing URL '" + url + "': no host");
  if (authority.front() == '[') {
    u.host = authority.substr(1, authority.find(']') - 1);
  } else {
    u.host = authority.substr(0, authority.find(':'));
  }
  u.path = path_start == std::string::npos ? "/" : url.substr(path_start);
  return u;
}

bool resolves(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (res) ::freeaddrinfo(res);
  return rc == 0;
}

std::string fmt_ms(int64_t ms) {
  char buf[32];
  if (ms % 1000 == 0)
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(ms / 1000));
  else
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
  return buf;
}

struct Fetch {
  int status = 0;
  std::string body;
  std::string etag;
  std::string last_modified;
  std::string location;
};

httplib::Client make_client(const Url& url, int64_t connect_ms, int64_t read_ms, const std::string& trust_store) {
  httplib::Client client(url.scheme_host_port);
  client.set_connection_timeout(std::chrono::milliseconds(connect_ms));
  client.set_read_timeout(std::chrono::milliseconds(read_ms));
  client.set_write_timeout(std::chrono::milliseconds(read_ms));
  // Redirects are followed by fetch() itself: httplib treats 304 as a redirect
  // without a Location and fails it.
  client.set_follow_location(false);
  client.set_ca_cert_path(trust_store.c_str());
  client.enable_server_certificate_verification(true);
  return client;
}

// What one transfer saw, for turning a failure into a sentence.
struct Transfer {
  Fetch out;
  std::string stop_reason;  // set when we cancel the transfer ourselves
  size_t announced = 0;     // Content-Length, when sent
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_data = started;

  // The response head: false cancels the transfer.
  bool on_response(const httplib::Response& response) {
    out.status = response.status;
    out.etag = response.get_header_value("ETag");
    out.last_modified = response.get_header_value("Last-Modified");
    out.location = response.get_header_value("Location");
    last_data = std::chrono::steady_clock::now();
    if (response.status != 200) return true;  // an error page: read it, then report the status
    if (!response.has_header("Content-Length")) return true;
    announced = static_cast<size_t>(std::strtoull(response.get_header_value("Content-Length").c_str(), nullptr, 10));
    if (announced > k_max_pricing_bytes) {
      stop_reason = "the server announced " + with_thousands(static_cast<int64_t>(announced)) +
                    " bytes, more than the 64 MiB limit";
      return false;
    }
    out.body.reserve(announced);
    return true;
  }

  // A piece of the body: stop reading past the limit instead of buffering an endless body.
  bool on_data(const char* data, size_t length) {
    if (out.body.size() + length > k_max_pricing_bytes) {
      stop_reason = "the response is larger than the 64 MiB limit (stopped reading)";
      return false;
    }
    out.body.append(data, length);
    last_data = std::chrono::steady_clock::now();
    return true;
  }

  int64_t ms_since(std::chrono::steady_clock::time_point t) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t).count();
  }
};

struct Deadline {
  explicit Deadline(int64_t ms) : total_ms(ms), at(std::chrono::steady_clock::now() + std::chrono::milliseconds(ms)) {}
  int64_t total_ms;
  std::chrono::steady_clock::time_point at;
};

// Cuts a transfer off at the deadline from another thread: httplib's
// Client::stop() shuts the socket down under a request in flight.
class Watchdog {
 public:
  Watchdog(httplib::Client& client, std::chrono::steady_clock::time_point at)
      : m_thread([this, &client, at] {
          std::unique_lock<std::mutex> lock(m_mutex);
          if (m_cv.wait_until(lock, at, [this] { return m_done; })) return;
          m_fired = true;
          lock.unlock();
          client.stop();
        }) {}
  ~Watchdog() { finish(); }
  // Ends the watch; true when the deadline cut the transfer off.
  bool finish() {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_done = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
    return m_fired;
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_done = false;
  bool m_fired = false;
  std::thread m_thread;
};

// One sentence saying what went wrong with a transfer httplib reported as failed.
Error transfer_error(httplib::Error error, const Url& url, const Transfer& t, httplib::Client& client,
                     const std::string& trust_store, int64_t connect_ms, int64_t read_ms) {
  const int64_t idle_ms = t.ms_since(t.last_data);
  switch (error) {
    case httplib::Error::Connection:
      if (!resolves(url.host)) return Error{"cannot resolve host '" + url.host + "' (DNS lookup failed)"};
      // httplib 0.11 reports an expired connect timeout as a plain connection error.
      if (t.ms_since(t.started) + 50 >= connect_ms)
        return Error{"timed out connecting to " + url.scheme_host_port + " after " + fmt_ms(connect_ms)};
      return Error{"cannot connect to " + url.scheme_host_port};
    case httplib::Error::ConnectionTimeout:
      return Error{"timed out connecting to " + url.scheme_host_port + " after " + fmt_ms(connect_ms)};
    case httplib::Error::SSLServerVerification: {
      const long code = client.get_openssl_verify_result();
      const std::string why = code != 0 ? std::string(X509_verify_cert_error_string(code)) : "verification failed";
      return Error{"TLS certificate of " + url.host + " is not trusted (" + why + "; checked against " + trust_store +
                   ")"};
    }
    case httplib::Error::SSLConnection: return Error{"TLS handshake with " + url.scheme_host_port + " failed"};
    case httplib::Error::SSLLoadingCerts:
      return Error{"cannot load the CA certificates from " + trust_store + " (install the ca-certificates package)"};
    case httplib::Error::Read:
      if (t.out.status != 0 && t.announced > 0 && t.out.body.size() < t.announced && idle_ms + 50 < read_ms)
        return Error{"the connection closed after " + with_thousands(static_cast<int64_t>(t.out.body.size())) + " of " +
                     with_thousands(static_cast<int64_t>(t.announced)) + " bytes (truncated body)"};
      if (idle_ms + 50 >= read_ms)
        return Error{"timed out after " + fmt_ms(read_ms) + " waiting for " + url.scheme_host_port + " to send data"};
      return Error{"the connection closed before the response was complete (truncated body)"};
    case httplib::Error::Compression: return Error{"the response could not be decompressed"};
    default: return Error{"HTTP request failed (" + httplib::to_string(error) + ")"};
  }
}

// One GET with the download limits (docs/cost.md#sync-validation). Every
// failure becomes one sentence saying what happened (the caller adds what was kept).
Expected<Fetch> fetch_once(const Url& url, const httplib::Headers& headers, const Deadline& deadline) {
  const int64_t connect_ms = env_ms("CLOWN_HTTP_CONNECT_TIMEOUT_MS", k_default_connect_timeout_ms);
  const int64_t read_ms = env_ms("CLOWN_HTTP_READ_TIMEOUT_MS", k_default_read_timeout_ms);
  const std::string trust_store = ca_bundle();
  auto client = make_client(url, connect_ms, read_ms, trust_store);
  if (!client.is_valid()) return fail("invalid pricing URL '" + url.scheme_host_port + url.path + "'");
  Transfer t;
  Watchdog watchdog(client, deadline.at);
  auto result = client.Get(
      url.path, headers, [&](const httplib::Response& r) { return t.on_response(r); },
      [&](const char* data, size_t length) {
        return std::chrono::steady_clock::now() < deadline.at && t.on_data(data, length);
      });
  if (watchdog.finish() || std::chrono::steady_clock::now() >= deadline.at)
    return fail("the download did not finish within " + fmt_ms(deadline.total_ms) +
                " (the limit for a whole sync; CLOWN_HTTP_TOTAL_TIMEOUT_MS changes it)");
  if (!t.stop_reason.empty()) return fail(t.stop_reason);
  if (!result) return tl::unexpected(transfer_error(result.error(), url, t, client, trust_store, connect_ms, read_ms));
  t.out.status = result->status;
  return std::move(t.out);
}

Expected<Fetch> fetch(const std::string& url_text, const RegistryLock* previous) {
  const Deadline deadline(env_ms("CLOWN_HTTP_TOTAL_TIMEOUT_MS", k_default_total_timeout_ms));
  httplib::Headers headers{{"User-Agent", "clown-registry-sync"}};
  if (previous) {
    if (!previous->etag.empty()) headers.emplace("If-None-Match", previous->etag);
    if (!previous->last_modified.empty()) headers.emplace("If-Modified-Since", previous->last_modified);
  }
  std::string current = url_text;
  for (int redirects = 0;; ++redirects) {
    auto url = parse_url(current);
    if (!url) return tl::unexpected(url.error());
    auto got = fetch_once(*url, headers, deadline);
    if (!got) return got;
    const int st = got->status;
    if (!(st == 301 || st == 302 || st == 303 || st == 307 || st == 308) || got->location.empty()) return got;
    if (redirects == 5) return fail("too many redirects");
    if (got->location.find("://") != std::string::npos) {
      if (current.rfind("https://", 0) == 0 && got->location.rfind("https://", 0) != 0)
        return fail("refused a redirect from https to '" + got->location + "'");
      current = got->location;
    } else if (!got->location.empty() && got->location[0] == '/')
      current = url->scheme_host_port + got->location;
    else
      return fail("unsupported redirect to '" + got->location + "'");
  }
}

std::string status_reason(int status) {
  switch (status) {
    case 400: return " Bad Request";
    case 401: return " Unauthorized";
    case 403: return " Forbidden";
    case 404: return " Not Found";
    case 429: return " Too Many Requests";
    case 500: return " Internal Server Error";
    case 502: return " Bad Gateway";
    case 503: return " Service Unavailable";
    case 504: return " Gateway Timeout";
    default: return "";
  }
}

std::string kept_suffix(const Paths& paths) {
  std::error_code ec;
  return fs::exists(paths.pricing_file(), ec) ? "; the stored prices are unchanged"
                                              : "; prices still come from the bundled snapshot";
}

}  // namespace

Expected<std::string> resolve_pricing_url(const Paths& paths, const SyncOptions& options) {
  if (!options.url.empty()) return options.url;
  if (const char* env = std::getenv("CLOWN_PRICING_URL"); env && *env) return std::string(env);
  auto config = config::load_config(paths);
  if (!config) return tl::unexpected(config.error());
  if (!config->pricing_url.empty()) return config->pricing_url;
  return std::string(k_default_pricing_url);
}

namespace {

// The result of a sync that ends with `lock` describing the stored file.
void set_outcome(SyncResult& result, SyncOutcome outcome, const RegistryLock& lock) {
  result.outcome = outcome;
  result.model_count = lock.model_count;
  result.sha256 = lock.sha256;
  result.fetched_at = lock.fetched_at;
}

}  // namespace

namespace {

// What is stored now, and whether it is intact (the lock's sha256 matches).
struct Stored {
  std::optional<RegistryLock> lock;
  std::optional<std::string> text;
  bool intact_for(const std::string& url) const {
    return text && lock && lock->source_url == url && !lock->sha256.empty() && sha256_hex(*text) == lock->sha256;
  }
};

Stored read_stored(const Paths& paths) {
  Stored s;
  if (auto l = read_lock(paths.registry_lock()); l) s.lock = *l;
  if (std::error_code ec; fs::exists(paths.pricing_file(), ec)) {
    if (auto text = read_file(paths.pricing_file())) s.text = std::move(*text);
  }
  return s;
}

// --offline: what prices are in use, without the network.
SyncResult offline_result(const Paths& paths, const Stored& stored) {
  SyncResult result;
  result.outcome = SyncOutcome::offline;
  if (stored.text) {
    if (auto table = PricingTable::from_json(*stored.text); table && table->size() > 0) {
      result.source = PriceFile::synced;
      result.path = paths.pricing_file().string();
      result.model_count = table->size();
      result.sha256 = stored.lock ? stored.lock->sha256 : std::string();
      result.source_url = stored.lock ? stored.lock->source_url : std::string();
      result.fetched_at = stored.lock ? stored.lock->fetched_at : std::string();
      return result;
    }
  }
  result.source = PriceFile::bundled;
  result.model_count = bundled_pricing().size();
  return result;
}

// 304: the stored file is current; only the lock's time and validators change.
Expected<void> keep_not_modified(const Paths& paths, const Fetch& got, RegistryLock lock, int64_t now,
                                 SyncResult& result) {
  lock.fetched_at = format_iso8601_ms(now);
  if (!got.etag.empty()) lock.etag = got.etag;
  if (!got.last_modified.empty()) lock.last_modified = got.last_modified;
  TRY(write_lock(paths.registry_lock(), lock));
  set_outcome(result, SyncOutcome::not_modified, lock);
  return {};
}

// 200: validate, then replace the stored file and its lock.
Expected<void> store_download(const Paths& paths, const std::string& url, const Fetch& got, int64_t now,
                              SyncResult& result) {
  auto table = validate_pricing_download(got.body);
  if (!table) return fail("registry sync from " + url + ": " + table.error().message + kept_suffix(paths));
  TRY(ensure_dir(paths.registry_dir()));
  TRY(write_file_atomic(paths.pricing_file(), got.body));
  RegistryLock updated;
  updated.source_url = url;
  updated.etag = got.etag;
  updated.last_modified = got.last_modified;
  updated.sha256 = sha256_hex(got.body);
  updated.fetched_at = format_iso8601_ms(now);
  updated.model_count = table->size();
  TRY(write_lock(paths.registry_lock(), updated));
  set_outcome(result, SyncOutcome::downloaded, updated);
  return {};
}

}  // namespace

Expected<SyncResult> sync_pricing(const Paths& paths, const SyncOptions& options) {
  const int64_t now = now_ms();
  const Stored stored = read_stored(paths);
  if (options.offline) return offline_result(paths, stored);

  TRY_ASSIGN(const auto url, resolve_pricing_url(paths, options));
  TRY(parse_url(url));
  SyncResult result;
  result.source_url = url;
  result.path = paths.pricing_file().string();
  const bool intact = stored.intact_for(url);
  if (intact && !options.force) {
    auto fetched = parse_iso8601_ms(stored.lock->fetched_at);
    if (fetched && now - *fetched < k_fresh_ms && now >= *fetched) {
      set_outcome(result, SyncOutcome::fresh, *stored.lock);
      result.age_seconds = (now - *fetched) / 1000;
      return result;
    }
  }

  auto got = fetch(url, intact ? &*stored.lock : nullptr);
  if (!got) return fail("registry sync from " + url + ": " + got.error().message + kept_suffix(paths));
  if (got->status == 304) {
    if (!intact)
      return fail("registry sync from " + url + ": the server answered 304 Not Modified to an unconditional request" +
                  kept_suffix(paths));
    TRY(keep_not_modified(paths, *got, *stored.lock, now, result));
    return result;
  }
  if (got->status != 200)
    return fail("registry sync from " + url + ": the server answered HTTP " + std::to_string(got->status) +
                status_reason(got->status) +
                (got->status == 429 || got->status >= 500 ? "; try again later" : "; check the URL") +
                kept_suffix(paths));
  TRY(store_download(paths, url, *got, now, result));
  return result;
}

const char* to_string(SyncOutcome outcome) {
  switch (outcome) {
    case SyncOutcome::downloaded: return "downloaded";
    case SyncOutcome::not_modified: return "not-modified";
    case SyncOutcome::fresh: return "fresh";
    case SyncOutcome::offline: return "offline";
  }
  return "offline";
}

nlohmann::json to_json(const SyncResult& r) {
  nlohmann::json j{{"outcome", to_string(r.outcome)},
                   {"source", to_string(r.source)},
                   {"source_url", r.source_url},
                   {"model_count", r.model_count},
                   {"sha256", r.sha256},
                   {"fetched_at", r.fetched_at},
                   {"path", r.path}};
  if (r.outcome == SyncOutcome::fresh) j["age_seconds"] = r.age_seconds;
  return j;
}

std::string describe(const SyncResult& r) {
  const std::string models = with_thousands(static_cast<int64_t>(r.model_count)) + " models";
  if (r.outcome == SyncOutcome::downloaded) return "Downloaded " + models + " from " + r.source_url + " to " + r.path;
  if (r.outcome == SyncOutcome::not_modified)
    return "Prices are up to date (" + r.source_url + " answered 304 Not Modified); " + models + " in " + r.path;
  if (r.outcome == SyncOutcome::fresh)
    return "Skipped: prices were synced " + format_age(r.age_seconds) + " ago (less than 24 h); " + models + " in " +
           r.path + ". Use --force to download now.";
  if (r.source == PriceFile::bundled)
    return "Offline: no synced prices stored; using the bundled snapshot (" + models + ")";
  return "Offline: using the synced prices in " + r.path + " (" + models +
         (r.fetched_at.empty() ? "" : ", fetched " + r.fetched_at) + ")";
}

}  // namespace clown::registry
