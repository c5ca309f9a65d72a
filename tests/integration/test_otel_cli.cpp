// clown otel setup / remove with temporary Claude config dirs: the env block
// points Claude Code at clownd, an exporter found there becomes clownd's
// upstream, and remove restores the file byte for byte.
#include <catch2/catch.hpp>

#include "tests/support/clown_home.hpp"

using namespace clown::test;
using nlohmann::json;

TEST_CASE("clown otel setup points a Claude config dir at clownd and moves its exporter upstream; remove undoes it") {
  ClownHome h;
  const auto dir = h.work() / "claude-dir";
  fs::create_directories(dir);
  const std::string original =
      R"({"theme": "dark", "env": {"FOO": "bar", "OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector.example.com",)"
      R"( "OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Bearer%20x"}})";
  write_text(dir / "settings.json", original);

  // ClownHome's config.toml asks for any free port: nothing fixed to export to.
  auto r = h.clown({"otel", "setup", "--claude-dir", dir.string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err ==
        "clown: error: config.toml sets [daemon] port = 0 (any free port): sessions clown does not launch need a "
        "fixed port to export to; set [daemon] port (e.g. 8765) first\n");
  CHECK(read_text(dir / "settings.json") == original);

  write_text(h.root() / "config.toml", "[daemon]\nport = 18765\n");
  r = h.clown({"otel", "setup", "--claude-dir", dir.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto settings_file = dir / "settings.json";
  const auto backup = dir / "settings.json.clown-backup";
  CHECK(r.out == "Claude Code sessions using " + settings_file.string() +
                     " now export to clownd at http://127.0.0.1:18765 (backup: " + backup.string() +
                     "; undo with: clown otel remove).\n"
                     "Your exporter https://collector.example.com is now clownd's upstream: it still gets everything "
                     "(clown otel upstream shows it).\n"
                     "Keep the daemon running for them: clown daemon start --stay-alive\n");
  const json settings = json::parse(read_text(settings_file));
  const std::string header = "x-clown-otel-token=" + read_text(h.root() / "otel.token");
  CHECK(settings["theme"] == "dark");
  CHECK(settings["env"] == json{{"FOO", "bar"},
                                {"CLAUDE_CODE_ENABLE_TELEMETRY", "1"},
                                {"OTEL_LOGS_EXPORTER", "otlp"},
                                {"OTEL_METRICS_EXPORTER", "otlp"},
                                {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
                                {"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/json"},
                                {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:18765"},
                                {"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://127.0.0.1:18765/v1/logs"},
                                {"OTEL_EXPORTER_OTLP_HEADERS", header},
                                {"OTEL_EXPORTER_OTLP_LOGS_HEADERS", header},
                                {"OTEL_LOGS_EXPORT_INTERVAL", "1000"}});
  const auto stored = h.root() / "credentials" / "@otel-upstream";
  CHECK(json::parse(read_text(stored)) ==
        json{{"url", "https://collector.example.com"}, {"headers", {{"Authorization", "Bearer x"}}}});
  CHECK(h.clown({"otel", "upstream"}).out ==
        "OTLP upstream: https://collector.example.com (from " + stored.string() + "), headers: Authorization\n");

  // Again (the port changed): the env is rewritten, the first backup kept.
  write_text(h.root() / "config.toml", "[daemon]\nport = 18766\n");
  REQUIRE(h.clown({"otel", "setup", "--claude-dir", dir.string()}).exit_code == 0);
  CHECK(json::parse(read_text(settings_file))["env"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:18766");

  r = h.clown({"otel", "remove", "--claude-dir", dir.string()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "Restored " + settings_file.string() +
                     " from its backup and removed the upstream setup had moved into clownd.\n");
  CHECK(read_text(settings_file) == original);
  CHECK_FALSE(fs::exists(backup));
  CHECK_FALSE(fs::exists(stored));
  r = h.clown({"otel", "remove", "--claude-dir", dir.string()});
  CHECK(r.out == "Nothing to undo: " + settings_file.string() + " was not set up by clown otel setup.\n");

  // A dir without settings.json gets one, and remove takes it away again.
  const auto empty = h.work() / "fresh";
  REQUIRE(h.clown({"otel", "setup", "--claude-dir", empty.string()}).exit_code == 0);
  CHECK(json::parse(read_text(empty / "settings.json"))["env"]["OTEL_LOGS_EXPORTER"] == "otlp");
  REQUIRE(h.clown({"otel", "remove", "--claude-dir", empty.string()}).exit_code == 0);
  CHECK_FALSE(fs::exists(empty / "settings.json"));

  // A settings.json that is not a JSON object is refused, untouched.
  write_text(empty / "settings.json", "[1, 2]");
  r = h.clown({"otel", "setup", "--claude-dir", empty.string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "clown: error: " + (empty / "settings.json").string() +
                     " is not a JSON object; fix it (or move it away) and run clown otel setup again\n");
  CHECK(read_text(empty / "settings.json") == "[1, 2]");
}
