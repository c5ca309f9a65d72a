#include "ingest/otel_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <set>
#include <system_error>

#include "common/fd.hpp"
#include "common/file_io.hpp"
#include "common/file_stamp.hpp"
#include "common/format.hpp"
#include "ingest/import_cursors.hpp"
#include "ingest/session_claims.hpp"
#include "profiles/profile_store.hpp"
#include "store/otel_metrics_table.hpp"
#include "store/request_writer.hpp"
#include "store/store.hpp"

namespace clown::ingest {

namespace {

namespace fs = std::filesystem;

// Run ids are clown's own (common/format.hpp random_hex_id): hex only, so an
// attribute value can never name a path outside runs/.
bool valid_run_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string lines_of(const std::vector<const OtelRequest*>& requests) {
  std::string out;
  for (const auto* r : requests) out += to_json(*r).dump() + "\n";
  return out;
}

// Complete lines of `file` from `offset` on; `end` is just past the last one.
std::vector<std::string> complete_lines(const std::string& text, uint64_t& end) {
  std::vector<std::string> lines;
  size_t pos = 0;
  for (;;) {
    const size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;
    if (nl > pos) lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  end += pos;
  return lines;
}

Expected<std::string> read_from(const fs::path& file, uint64_t offset) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail(errno_message("cannot read " + file.string()));
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::pread(fd.get(), buf, sizeof buf, static_cast<off_t>(offset + out.size()));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno_message("cannot read " + file.string()));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::vector<OtelRequest> parse_lines(const std::vector<std::string>& lines) {
  std::vector<OtelRequest> out;
  for (const auto& l : lines) {
    const auto j = nlohmann::json::parse(l, nullptr, false);
    if (j.is_discarded()) continue;
    if (auto r = otel_request_from_json(j)) out.push_back(std::move(*r));
  }
  return out;
}

// Who an inbox event belongs to: the clown profile it names (with its agent
// and provider when the profile still exists), else imported history.
store::Attribution attribution_of(const Paths& paths, const OtelRequest& r,
                                  std::map<std::string, store::Attribution>& cache) {
  if (!r.machine.empty()) {
    // Another machine's request: its sender's profile name, never a local
    // profile's agent or provider, and never one of this machine's runs.
    store::Attribution a;
    a.profile = r.profile.empty() ? k_remote_profile : r.profile;
    a.machine = r.machine;
    a.user = r.user;
    a.source = store::RequestSource::otel;
    return a;
  }
  auto it = cache.find(r.profile);
  if (it == cache.end()) {
    store::Attribution a;
    if (!r.profile.empty()) {
      a.profile = r.profile;
      if (auto p = profiles::load_profile(paths, r.profile)) {
        a.agent = p->agent;
        a.provider = p->provider;
      }
    }
    it = cache.emplace(r.profile, a).first;
  }
  store::Attribution a = it->second;
  a.run_id = valid_run_id(r.run_id) ? r.run_id : std::string();
  a.source = store::RequestSource::otel;
  return a;
}

std::vector<store::MetricPoint> parse_metric_lines(const std::vector<std::string>& lines) {
  std::vector<store::MetricPoint> out;
  for (const auto& l : lines) {
    const auto j = nlohmann::json::parse(l, nullptr, false);
    if (j.is_discarded()) continue;
    if (auto p = metric_point_from_json(j)) out.push_back(std::move(*p));
  }
  return out;
}

}  // namespace

Expected<std::string> otel_token(const Paths& paths) {
  const auto file = paths.otel_token_file();
  if (auto text = read_file(file); text && text->size() >= 32) return text->substr(0, 32);
  TRY(ensure_dir(paths.root, 0700));
  // Of two processes creating it at once (two `clown run`s) one wins, and the
  // other uses the winner's.
  const std::string token = random_hex_id(16);
  TRY_ASSIGN(const bool created, create_file_once(file, token, 0600));
  if (created) return token;
  TRY_ASSIGN(const auto text, read_file(file));
  if (text.size() < 32) return fail(file.string() + " is damaged; remove it and try again");
  return text.substr(0, 32);
}

Expected<OtelReceipt> receive_otlp_logs(const Paths& paths, std::string_view body, const registry::PricingTable& prices,
                                        const RemoteOrigin* remote) {
  TRY_ASSIGN(auto batch, parse_otlp_logs(body, remote));
  OtelReceipt receipt;
  receipt.records = batch.records;
  receipt.requests = static_cast<int64_t>(batch.requests.size());
  std::map<std::string, std::vector<const OtelRequest*>> by_run;
  std::vector<const OtelRequest*> inbox;
  for (auto& r : batch.requests) {
    infer_cache_split(r, prices);
    std::error_code ec;
    if (valid_run_id(r.run_id) && fs::is_directory(paths.run_dir(r.run_id), ec))
      by_run[r.run_id].push_back(&r);
    else
      inbox.push_back(&r);
  }
  for (const auto& [run, requests] : by_run) {
    TRY(append_line_durable(paths.run_otel_spool(run), lines_of(requests), 0600));
    receipt.spooled += static_cast<int64_t>(requests.size());
  }
  if (!inbox.empty()) {
    TRY(ensure_dir(paths.telemetry_dir(), 0700));
    TRY(append_line_durable(paths.otel_inbox(), lines_of(inbox), 0600));
    receipt.inboxed = static_cast<int64_t>(inbox.size());
  }
  return receipt;
}

std::vector<OtelRequest> read_run_spool(const Paths& paths, const std::string& run_id) {
  auto text = read_file(paths.run_otel_spool(run_id));
  if (!text) return {};
  uint64_t end = 0;
  return parse_lines(complete_lines(*text, end));
}

Expected<InboxDrain> drain_otel_inbox(const Paths& paths) {
  InboxDrain drain;
  const auto file = paths.otel_inbox();
  const auto stamp = stat_file(file);
  if (!stamp) return drain;
  TRY_ASSIGN(auto store, store::Store::open(paths));
  auto& db = store->db();
  try {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    ImportCursors cursors(db);
    const auto offset = cursors.start_offset(file.string(), *stamp);
    if (!offset) return drain;  // nothing new
    TRY_ASSIGN(const auto text, read_from(file, *offset));
    uint64_t end = *offset;
    const auto requests = parse_lines(complete_lines(text, end));
    const auto pricing = registry::load_pricing(paths);
    if (!pricing.warning.empty()) drain.warnings.push_back(pricing.warning);
    store::PriceResolver resolver(pricing.pricing.table);
    store::RequestWriter writer(db, resolver);
    std::map<std::string, store::Attribution> attributions;
    std::set<std::string> sessions;
    for (const auto& r : requests) {
      if (writer.write(r.usage, attribution_of(paths, r, attributions)) != store::WriteOutcome::duplicate)
        ++drain.stored;
      sessions.insert(r.usage.session_id);
    }
    reconcile_sessions(db, writer, sessions, pricing.pricing.table);
    cursors.save(file.string(), *stamp, end, "");
    tx.commit();
  } catch (const std::exception& e) {
    return fail("cannot store OpenTelemetry events in " + paths.usage_db().string() + ": " + e.what() +
                "; they stay in " + file.string() + " and are stored by the next attempt");
  }
  return drain;
}

Expected<int64_t> receive_otlp_metrics(const Paths& paths, std::string_view body, const RemoteOrigin* remote) {
  TRY_ASSIGN(const auto batch, parse_otlp_metrics(body, remote));
  if (batch.points.empty()) return int64_t{0};
  std::string lines;
  for (const auto& p : batch.points) lines += to_json(p).dump() + "\n";
  TRY(ensure_dir(paths.telemetry_dir(), 0700));
  TRY(append_line_durable(paths.otel_metrics_inbox(), lines, 0600));
  return static_cast<int64_t>(batch.points.size());
}

Expected<int64_t> drain_otel_metrics_inbox(const Paths& paths) {
  const auto file = paths.otel_metrics_inbox();
  const auto stamp = stat_file(file);
  if (!stamp) return int64_t{0};
  TRY_ASSIGN(auto store, store::Store::open(paths));
  auto& db = store->db();
  int64_t stored = 0;
  try {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    ImportCursors cursors(db);
    const auto offset = cursors.start_offset(file.string(), *stamp);
    if (!offset) return stored;  // nothing new
    TRY_ASSIGN(const auto text, read_from(file, *offset));
    uint64_t end = *offset;
    for (auto& p : parse_metric_lines(complete_lines(text, end))) {
      if (p.profile.empty()) p.profile = store::k_native_profile;
      if (!valid_run_id(p.run_id)) p.run_id.clear();
      if (store::record_metric_point(db, p)) ++stored;
    }
    cursors.save(file.string(), *stamp, end, "");
    tx.commit();
  } catch (const std::exception& e) {
    return fail("cannot store OpenTelemetry metrics in " + paths.usage_db().string() + ": " + e.what() +
                "; they stay in " + file.string() + " and are stored by the next attempt");
  }
  return stored;
}

}  // namespace clown::ingest
