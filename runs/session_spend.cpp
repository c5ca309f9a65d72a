#include "runs/session_spend.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "ingest/transcript_parser.hpp"
#include "registry/pricing_table.hpp"
#include "store/cost.hpp"

namespace clown::runs {

namespace {

using nlohmann::json;

struct SeenRequest {
  std::string key;
  int64_t ts_ms = 0;
  int64_t tokens = 0;  // the copy with the most tokens is kept (ingest/transcript_parser.hpp)
  double cost = 0;
};

// Copies of a request are written next to each other (one line per content
// block, streaming partials), so only the last requests are kept one by one
// for dedup; older ones are summed per UTC quarter hour. The state stays a
// few KiB however long the session, and SessionSpend::since stays exact for
// quarter-hour-aligned times (the local day, a block's start).
constexpr size_t k_recent = 256;
constexpr int64_t k_bucket_ms = 15 * 60 * 1000;

struct Bucket {
  double cost = 0;
  int64_t last_ms = 0;  // its newest request
};

// What the last update read: where it stopped and what it found.
struct TailState {
  std::string path;
  uint64_t ino = 0, offset = 0;
  double total = 0;
  std::vector<SeenRequest> recent;                                    // oldest first
  std::map<int64_t, Bucket> older;                                    // by quarter hour
  std::map<std::string, std::optional<registry::ModelPrice>> prices;  // by model; nullopt: unpriced
};

json optional_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::optional<double> optional_from(const json& j) {
  return j.is_number() ? std::optional<double>(j.get<double>()) : std::nullopt;
}

json price_json(const registry::ModelPrice& p) {
  return json::array({p.input, p.output, optional_json(p.cache_write_5m), optional_json(p.cache_write_1h),
                      optional_json(p.cache_read), optional_json(p.input_above_200k),
                      optional_json(p.output_above_200k), optional_json(p.cache_write_5m_above_200k),
                      optional_json(p.cache_write_1h_above_200k), optional_json(p.cache_read_above_200k)});
}

registry::ModelPrice price_from(const json& j) {
  registry::ModelPrice p;
  p.input = j.at(0).get<double>();
  p.output = j.at(1).get<double>();
  p.cache_write_5m = optional_from(j.at(2));
  p.cache_write_1h = optional_from(j.at(3));
  p.cache_read = optional_from(j.at(4));
  p.input_above_200k = optional_from(j.at(5));
  p.output_above_200k = optional_from(j.at(6));
  p.cache_write_5m_above_200k = optional_from(j.at(7));
  p.cache_write_1h_above_200k = optional_from(j.at(8));
  p.cache_read_above_200k = optional_from(j.at(9));
  return p;
}

fs::path state_file(const Paths& paths, const std::string& session_id) {
  std::string name;
  for (char c : session_id) name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return paths.telemetry_dir() / "statusline" / "sessions" / (name + ".json");
}

// A missing, unreadable or foreign state is an empty one (the file is read
// from its start).
TailState read_state(const fs::path& file, const std::string& transcript, uint64_t ino) {
  TailState s;
  s.path = transcript;
  s.ino = ino;
  auto text = read_file(file);
  if (!text) return s;
  const json j = json::parse(*text, nullptr, false);
  try {
    if (!j.is_object() || j.at("path") != transcript || j.at("ino").get<uint64_t>() != ino) return s;
    TailState out = s;
    out.offset = j.at("offset").get<uint64_t>();
    out.total = j.at("total").get<double>();
    for (const auto& r : j.at("recent"))
      out.recent.push_back(
          {r.at(0).get<std::string>(), r.at(1).get<int64_t>(), r.at(2).get<int64_t>(), r.at(3).get<double>()});
    for (const auto& b : j.at("older"))
      out.older[b.at(0).get<int64_t>()] = {b.at(1).get<double>(), b.at(2).get<int64_t>()};
    for (const auto& [model, p] : j.at("prices").items())
      out.prices[model] = p.is_null() ? std::nullopt : std::optional(price_from(p));
    return out;
  } catch (const json::exception&) {
    return s;
  }
}

void write_state(const fs::path& file, const TailState& s) {
  json j = {{"path", s.path},          {"ino", s.ino},           {"offset", s.offset},      {"total", s.total},
            {"recent", json::array()}, {"older", json::array()}, {"prices", json::object()}};
  for (const auto& r : s.recent) j["recent"].push_back(json::array({r.key, r.ts_ms, r.tokens, r.cost}));
  for (const auto& [b, sum] : s.older) j["older"].push_back(json::array({b, sum.cost, sum.last_ms}));
  for (const auto& [model, p] : s.prices) j["prices"][model] = p ? price_json(*p) : json(nullptr);
  // A cache: losing it costs one read of the transcript, so no fsync.
  if (ensure_dir(file.parent_path(), 0700)) (void)write_file_atomic(file, j.dump(), 0600, Durability::atomic_only);
}

// Prices new requests; the price table is loaded only for a model the
// session has not used before.
void add_requests(const Paths& paths, std::vector<store::RequestUsage> found, TailState& s) {
  std::optional<registry::PricingLoadResult> pricing;
  std::optional<store::PriceResolver> resolver;
  for (const auto& r : found) {
    auto held = std::find_if(s.recent.begin(), s.recent.end(), [&](const SeenRequest& x) { return x.key == r.key; });
    if (held != s.recent.end() && held->tokens >= r.tokens.total()) continue;
    if (!s.prices.count(r.model)) {
      if (!pricing) {
        pricing = registry::load_pricing(paths);
        resolver.emplace(pricing->pricing.table);
      }
      const auto& resolved = resolver->resolve(r.model);
      s.prices[r.model] = resolved.price ? std::optional(*resolved.price) : std::nullopt;
    }
    const auto& price = s.prices[r.model];
    const double cost = price ? store::request_cost(r.tokens, *price).total() : 0;
    if (held != s.recent.end()) {
      s.total += cost - held->cost;
      *held = {r.key, r.ts_ms, r.tokens.total(), cost};
      continue;
    }
    s.total += cost;
    s.recent.push_back({r.key, r.ts_ms, r.tokens.total(), cost});
    if (s.recent.size() > k_recent) {
      const auto& old = s.recent.front();
      auto& b = s.older[old.ts_ms - ((old.ts_ms % k_bucket_ms) + k_bucket_ms) % k_bucket_ms];
      b.cost += old.cost;
      b.last_ms = std::max(b.last_ms, old.ts_ms);
      s.recent.erase(s.recent.begin());
    }
  }
}

}  // namespace

Expected<reports::SessionSpend> read_session_spend(const Paths& paths, const std::string& session_id,
                                                   const std::string& transcript_path) {
  struct stat st {};
  if (::stat(transcript_path.c_str(), &st) != 0) return fail("cannot read " + transcript_path);
  const auto file = state_file(paths, session_id);
  TailState s = read_state(file, transcript_path, static_cast<uint64_t>(st.st_ino));
  // A file that shrank was rewritten: read it again from the start.
  if (s.offset > static_cast<uint64_t>(st.st_size)) s = read_state({}, transcript_path, s.ino);
  if (s.offset < static_cast<uint64_t>(st.st_size)) {
    ingest::LineParser parser;
    ingest::ScanOptions options;
    options.offset = s.offset;
    TRY_ASSIGN(auto scan, ingest::scan_transcript(transcript_path, options, parser));
    add_requests(paths, scan.requests.take(), s);
    s.offset = scan.end_offset;
    write_state(file, s);
  }
  reports::SessionSpend spend;
  spend.total = s.total;
  // A quarter hour's sum stands at its newest request (exact for aligned times).
  for (const auto& [b, sum] : s.older) spend.requests.push_back({sum.last_ms, sum.cost});
  for (const auto& r : s.recent) spend.requests.push_back({r.ts_ms, r.cost});
  return spend;
}

reports::SessionSpendReader session_spend_reader(const Paths& paths) {
  return [paths](const reports::StatuslineInput& in) -> std::optional<reports::SessionSpend> {
    if (in.transcript_path.empty() || in.session_id.empty()) return std::nullopt;
    auto spend = read_session_spend(paths, in.session_id, in.transcript_path);
    if (!spend) return std::nullopt;
    return *spend;
  };
}

}  // namespace clown::runs
