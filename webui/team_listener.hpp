#pragma once
// A central clownd's team listener ([team] role = "central", docs/api.md#team):
// a second cpp-httplib server bound to [team] listen, the one socket clownd
// opens beyond loopback (docs/security.md#team). It serves only POST /v1/logs
// and /v1/metrics, to other machines' OTLP/HTTP JSON exporters that send
// `Authorization: Bearer <team token>` (ingest/team_token.hpp, read for every
// request so a rotation takes effect at once). Payloads go through the daemon's
// OtlpReceiver as another machine's (ingest/otel.hpp RemoteOrigin), with the
// local receiver's limits.
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "webui/http_types.hpp"
#include "webui/otlp_receiver.hpp"
#include "webui/request_deadline.hpp"

namespace clown::webui {

class TeamListener {
 public:
  TeamListener(Paths paths, OtlpReceiver& receiver);
  ~TeamListener();
  TeamListener(const TeamListener&) = delete;
  TeamListener& operator=(const TeamListener&) = delete;

  // Binds host:port and serves in a thread; the bound port. A connection
  // whose request has not arrived whole by the request deadline is cut off
  // (webui/request_deadline.hpp) and `on_cut` told.
  Expected<int> start(const std::string& host, int port, std::function<void(const std::string&)> on_cut);
  // Closes the socket; requests in flight finish.
  void stop();

  // One request from `peer` (its address), without sockets.
  HttpResponse handle(const HttpRequest& request, const std::string& peer);

 private:
  bool authorized(const HttpRequest& request) const;
  struct Server;
  Paths m_paths;
  OtlpReceiver& m_receiver;
  std::unique_ptr<Server> m_server;
  std::unique_ptr<ConnectionWatchdog> m_watchdog;
  std::thread m_thread;
};

}  // namespace clown::webui
