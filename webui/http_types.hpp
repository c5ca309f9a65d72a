#pragma once
// The daemon's own request/response types: cpp-httplib stays behind
// webui/server.cpp, so handlers and routing are testable without sockets
// (the llama.cpp server-http.h pattern).
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace clown::webui {

struct HttpRequest {
  std::string method;                              // "GET", "POST", ...
  std::string path;                                // without the query string
  std::multimap<std::string, std::string> params;  // decoded query parameters
  std::map<std::string, std::string> headers;      // names lower-cased
  std::string body;

  // Header value by case-insensitive name; empty when absent.
  std::string header(const std::string& name) const;
  std::optional<std::string> param(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// {"success":true,"data":...}
HttpResponse json_ok(const nlohmann::json& data);
// {"success":false,"error":{"code":...,"message":...}} with the given status.
HttpResponse json_error(int status, const std::string& code, const std::string& message);
// Constant-time comparison so a secret cannot be guessed byte by byte.
bool same_secret(const std::string& a, const std::string& b);
// The error code string for an HTTP status ("bad_request", "forbidden", ...).
std::string error_code_for(int status);

}  // namespace clown::webui
