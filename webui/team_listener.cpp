#include "webui/team_listener.hpp"

#include <httplib.h>

#include "ingest/team_token.hpp"
#include "webui/server.hpp"

namespace clown::webui {

namespace {

// Few workers: exporters send a batch every few seconds, and a slow or idle
// client holds one only up to the read timeout.
constexpr size_t k_team_workers = 8;

// OTLP/HTTP answers failures with a google.rpc.Status (16 = UNAUTHENTICATED,
// 5 = NOT_FOUND, 12 = UNIMPLEMENTED).
HttpResponse rpc_status(int http_status, int code, const std::string& message) {
  HttpResponse res;
  res.status = http_status;
  res.body = nlohmann::json{{"code", code}, {"message", message}}.dump();
  return res;
}

}  // namespace

struct TeamListener::Server : httplib::Server {};

TeamListener::TeamListener(Paths paths, OtlpReceiver& receiver)
    : m_paths(std::move(paths)), m_receiver(receiver), m_server(std::make_unique<Server>()) {}

TeamListener::~TeamListener() { stop(); }

bool TeamListener::authorized(const HttpRequest& req) const {
  const std::string token = ingest::stored_team_token(m_paths).value_or("");
  const std::string auth = req.header("authorization");
  constexpr std::string_view k_bearer = "Bearer ";
  if (token.empty() || auth.size() <= k_bearer.size() || auth.compare(0, k_bearer.size(), k_bearer) != 0) return false;
  return same_secret(auth.substr(k_bearer.size()), token);
}

HttpResponse TeamListener::handle(const HttpRequest& req, const std::string& peer) {
  const bool logs = req.path == "/v1/logs", metrics = req.path == "/v1/metrics";
  if (!logs && !metrics)
    return rpc_status(404, 5, "the team listener serves only POST /v1/logs and /v1/metrics (OTLP/HTTP JSON)");
  if (req.method != "POST") {
    auto res = rpc_status(405, 12, "use POST");
    res.headers.emplace_back("Allow", "POST");
    return res;
  }
  if (!authorized(req)) {
    auto res = rpc_status(401, 16, "send the team token as Authorization: Bearer <token> (clown team token prints it)");
    res.headers.emplace_back("WWW-Authenticate", "Bearer");
    return res;
  }
  const ingest::RemoteOrigin origin{req.header(ingest::k_machine_id_header), peer};
  return logs ? m_receiver.logs(req, &origin) : m_receiver.metrics(req, &origin);
}

Expected<int> TeamListener::start(const std::string& host, int port, std::function<void(const std::string&)> on_cut) {
  auto& server = *m_server;
  server.set_payload_max_length(k_max_body_bytes);
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_keep_alive_timeout(5);
  server.set_socket_options([](socket_t sock) { set_socket_options(sock); });
  auto handler = [this](const httplib::Request& in, httplib::Response& out) {
    m_watchdog->request_received();
    send(handle(to_request(in), in.remote_addr), out);
  };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Delete(".*", handler);
  if (!server.bind_to_port(host, port))
    return fail("cannot listen on " + host + ":" + std::to_string(port) + " for the team ([team] listen in " +
                m_paths.config_file().string() + "): the port is in use or the address is not this machine's");
  // The one socket other machines reach: a client dripping a request must
  // not hold a worker (docs/security.md#limits).
  m_watchdog = std::make_unique<ConnectionWatchdog>(port, request_deadline(), std::move(on_cut));
  server.new_task_queue = [this] { return m_watchdog->new_task_queue(k_team_workers); };
  server.set_logger([this](const httplib::Request&, const httplib::Response&) { m_watchdog->response_sent(); });
  m_thread = std::thread([this] { m_server->listen_after_bind(); });
  return port;
}

void TeamListener::stop() {
  if (!m_thread.joinable()) return;
  m_server->stop();
  m_thread.join();
}

}  // namespace clown::webui
