// libFuzzer target: the daemon's request handling (webui/app): the input is
// an HTTP/1.1 request as it arrives on the socket (request line, headers, an
// empty line, the body); it is split into an HttpRequest the way
// webui/server.cpp receives one from cpp-httplib (path and query decoded,
// header names lower-cased) and dispatched through App::handle, the same
// route table and guards the server uses, in a private CLOWN_HOME.
//
// The seeds carry the fuzz daemon's secrets (below) so the fuzzer reaches the
// handlers behind the guards; CLOWN_PRICING_URL is not http(s), so
// POST /api/registry/sync fails before any network access.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz/fuzz_home.hpp"
#include "webui/app.hpp"

namespace {

using clown::webui::HttpRequest;

constexpr const char* k_page_token = "fuzz-page-token";
constexpr const char* k_otel_token = "fuzz-otel-token";
constexpr const char* k_session_secret = "fuzz-session-secret";

clown::webui::App& app() {
  static clown::webui::App* instance = [] {
    const auto& home = clown::fuzz::fuzz_home();
    ::setenv("CLOWN_PRICING_URL", "nonet://fuzz.invalid/prices.json", 1);
    clown::webui::AppConfig config;
    config.paths = clown::Paths{home / "clown"};
    config.port = 8765;
    config.token = k_page_token;
    config.started_at = "2026-01-01T00:00:00Z";
    config.otel_token = k_otel_token;
    config.session_secret = k_session_secret;
    // Never destroyed: its OTLP drain thread would outlive the home's removal at exit.
    return new clown::webui::App(std::move(config));
  }();
  return *instance;
}

// Takes text up to the next "\n" (a "\r" before it is dropped).
std::string_view take_line(std::string_view& in) {
  size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX and (in a query) '+' decoded, as cpp-httplib's decode_url does.
std::string url_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2])));
      i += 2;
    } else {
      out.push_back(plus_is_space && text[i] == '+' ? ' ' : text[i]);
    }
  }
  return out;
}

void parse_target(std::string_view target, HttpRequest& req) {
  const size_t q = target.find('?');
  req.path = url_decode(target.substr(0, q), false);
  if (q == std::string_view::npos) return;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    const size_t eq = pair.find('=');
    req.params.emplace(url_decode(pair.substr(0, eq), true),
                       eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1), true));
  }
}

HttpRequest parse_request(std::string_view in) {
  HttpRequest req;
  std::string_view line = take_line(in);
  const size_t sp = line.find(' ');
  req.method = std::string(line.substr(0, sp));
  std::string_view rest = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
  parse_target(rest.substr(0, rest.find(' ')), req);
  for (std::string_view header = take_line(in); !header.empty(); header = take_line(in)) {
    const size_t colon = header.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(header.substr(0, colon));
    for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    std::string_view value = header.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    req.headers[name] = std::string(value);
  }
  req.body = std::string(in);
  return req;
}

// A request that carries none of the daemon's secrets gets nothing but the
// open routes (docs/security.md#login).
bool carries_secret(const HttpRequest& req) {
  for (const auto& [name, value] : req.headers)
    for (const char* secret : {k_page_token, k_otel_token, k_session_secret})
      if (value.find(secret) != std::string::npos) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const HttpRequest req = parse_request(std::string_view(reinterpret_cast<const char*>(data), size));
  const clown::webui::HttpResponse res = app().handle(req);
  const bool open_route = req.path == "/api/health" || req.path == "/login";
  if (res.status < 400 && !open_route && !carries_secret(req)) __builtin_trap();
  if (res.status < 100 || res.status > 599) __builtin_trap();
  return 0;
}
