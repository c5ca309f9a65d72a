// Prices, the daemon and its port, the store's integrity, the shims dir on PATH.
#include <SQLiteCpp/SQLiteCpp.h>

#include "common/time.hpp"
#include "config/config.hpp"
#include "doctor/checks.hpp"
#include "doctor/probes.hpp"
#include "launcher/shims.hpp"
#include "registry/status.hpp"
#include "store/db_errors.hpp"
#include "store/store.hpp"

namespace clown::doctor {

void check_prices(const Paths& paths, std::vector<Check>& out) {
  const auto st = registry::registry_status(paths, now_ms());
  if (!st.warning.empty()) {
    out.push_back(bad(Status::warn, "prices", "price file", st.warning, "clown registry sync --force"));
    return;
  }
  if (st.source.kind == registry::PriceFile::bundled) {
    out.push_back(ok("prices", "price file",
                     "bundled snapshot, " + std::to_string(st.bundled_model_count) +
                         " models, as old as this clown (clown registry sync fetches current prices)"));
    return;
  }
  const int64_t age = st.age_seconds.value_or(0);
  const std::string detail = "synced " + registry::format_age(age) + " ago, " + std::to_string(st.source.model_count) +
                             " models (" + st.source.path + ")";
  // LiteLLM's file changes every few days; a month without a sync misses new models.
  if (age > 30 * 86400)
    out.push_back(bad(Status::warn, "prices", "price file", detail, "clown registry sync"));
  else
    out.push_back(ok("prices", "price file", detail));
}

void check_daemon(const Paths& paths, const Options& options, std::vector<Check>& out) {
  // The daemon's state is clownd's to read (webui/daemon_control): ask it.
  const auto clownd = options.clown_exe.parent_path() / "clownd";
  auto status = run_captured({clownd.string(), "daemon", "status", "--json"}, options.env, options.timeout_ms);
  auto j = status ? nlohmann::json::parse(status->output, nullptr, false) : nlohmann::json();
  if (!status || !j.is_object()) {
    out.push_back(bad(Status::fail, "daemon", "clownd",
                      status ? clownd.string() + " daemon status printed no JSON" : status.error().message,
                      "reinstall clown: clownd must sit next to clown"));
    return;
  }
  if (j.value("running", false)) {
    out.push_back(ok("daemon", "daemon",
                     "running, pid " + std::to_string(j.value("pid", 0)) + ", " + j.value("url", std::string())));
    return;
  }
  const auto config = config::load_config(paths);
  const int port = config ? config->daemon_port : 8765;
  if (port_free(port))
    out.push_back(ok("daemon", "daemon", "not running; port " + std::to_string(port) + " is free for it"));
  else
    out.push_back(
        bad(Status::fail, "daemon", "daemon",
            "not running, and another program listens on 127.0.0.1:" + std::to_string(port),
            "stop that program, or give clown another port: [daemon] port = N in " + paths.config_file().string()));
}

namespace {

// A doctor answers quickly: a lock held longer than this is reported as busy.
constexpr int k_store_busy_ms = 1000;

// quick_check: page and record structure, without the index cross-check
// integrity_check adds (minutes on a multi-GB store). Read-only, never migrating.
std::string quick_check(const std::filesystem::path& file) {
  SQLite::Database db(file.string(), SQLite::OPEN_READONLY, k_store_busy_ms);
  SQLite::Statement q(db, "PRAGMA quick_check");
  return q.executeStep() ? q.getColumn(0).getString() : "no answer";
}

// Moving the file aside only when it is damaged (or the cause is unknown): a
// busy or locked database is healthy (store/db_errors.hpp, docs/accuracy.md#db-errors).
Check store_failure(const Paths& paths, const std::exception& e, const std::string& move_aside) {
  const store::DbFailure failure = store::classify(e);
  std::string advice = store::db_failure_advice(paths, e);
  if (advice.rfind("; ", 0) == 0) advice.erase(0, 2);
  if (failure == store::DbFailure::busy) return bad(Status::warn, "store", "usage.db", e.what(), advice);
  if (failure == store::DbFailure::damaged || failure == store::DbFailure::other)
    return bad(Status::fail, "store", "usage.db", e.what(), move_aside);
  return bad(Status::fail, "store", "usage.db", e.what(), advice);
}

}  // namespace

void check_store(const Paths& paths, std::vector<Check>& out) {
  const auto file = paths.usage_db();
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    out.push_back(ok("store", "usage.db", "not created yet (the first run or import creates it)"));
    return;
  }
  const std::string fix = "move " + file.string() +
                          " aside (clown starts a fresh one; clown usage import-claude reads Claude Code's history "
                          "again)";
  try {
    const std::string result = quick_check(file);
    if (result != "ok") {
      out.push_back(bad(Status::fail, "store", "usage.db", "quick_check: " + result, fix));
      return;
    }
  } catch (const std::exception& e) {
    out.push_back(store_failure(paths, e, fix));
    return;
  }
  // The schema (a store from a newer clown is refused); the error says what to do.
  auto store = store::Store::open_readonly(paths);
  if (!store) {
    out.push_back(bad(Status::fail, "store", "usage.db", store.error().message, ""));
    return;
  }
  out.push_back(ok("store", "usage.db", "quick_check ok (" + file.string() + ")"));
}

void check_shims(const Paths& paths, const Options& options, std::vector<Check>& out) {
  const auto shims = launcher::list_shims(paths, options.shims_dir);
  const auto path_var = options.env.count("PATH") ? options.env.at("PATH") : "";
  const std::string dir = options.shims_dir.string();
  if (shims.empty()) {
    out.push_back(ok("shims", "shims", "none in " + dir + " (clown shims install writes them)"));
    return;
  }
  if (!launcher::dir_on_path(options.shims_dir, path_var)) {
    out.push_back(bad(Status::fail, "shims", "PATH",
                      std::to_string(shims.size()) + " shims in " + dir + ", which is not on PATH",
                      "add it to PATH in your shell's profile: export PATH=\"" + dir + ":$PATH\""));
    return;
  }
  std::string stale;
  for (const auto& s : shims)
    if (!s.profile_exists) stale += (stale.empty() ? "" : ", ") + s.alias;
  if (!stale.empty())
    out.push_back(bad(Status::warn, "shims", "shims", "shims for missing profiles: " + stale,
                      "clown shims remove " + stale.substr(0, stale.find(',')) + " (or recreate the profile)"));
  else
    out.push_back(ok("shims", "PATH", std::to_string(shims.size()) + " shims in " + dir + ", on PATH"));
}

}  // namespace clown::doctor
