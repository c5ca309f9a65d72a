#include "ingest/otel.hpp"

#include <charconv>
#include <cmath>

#include "common/time.hpp"
#include "ingest/otlp_json.hpp"
#include "registry/price_rules.hpp"
#include "store/cost.hpp"

namespace clown::ingest {

namespace {

using nlohmann::json;
using otlp::AnyValue;
using otlp::Attributes;
using otlp::member;

// A count that must be present, whole, non-negative and plausible.
bool count(const Attributes& a, std::string_view key, int64_t& out) {
  const auto v = a.get(key).integer();
  if (!v || !store::token_count_in_range(*v)) return false;
  out = *v;
  return true;
}

std::optional<int64_t> event_time_ms(const json& record, const Attributes& a) {
  if (auto ts = a.get("event.timestamp").text())
    if (auto ms = parse_iso8601_ms(*ts)) return ms;
  if (const auto ns = otlp::int64_field(record, "timeUnixNano"); ns && *ns > 0) return *ns / 1'000'000;
  return std::nullopt;
}

// Another machine's request: never one of this machine's runs or profiles.
void mark_remote(OtelRequest& r, const Attributes& a, const Attributes& resource, const RemoteOrigin& remote) {
  auto id = otlp::identity_of(a, resource, remote.forwarded_by, remote.peer);
  r.machine = std::move(id.machine);
  r.user = std::move(id.user);
  r.run_id.clear();
  if (r.profile.empty()) r.profile = k_remote_profile;
}

// One api_request record, with the clown.* attributes of its resource (Claude
// Code also copies them onto each record).
std::optional<OtelRequest> read_api_request(const json& record, const Attributes& a, const Attributes& resource) {
  OtelRequest r;
  auto& u = r.usage;
  int64_t cache_creation = 0;
  if (!count(a, "input_tokens", u.tokens.input) || !count(a, "output_tokens", u.tokens.output) ||
      !count(a, "cache_read_tokens", u.tokens.cache_read) || !count(a, "cache_creation_tokens", cache_creation))
    return std::nullopt;
  int64_t w5 = 0, w1 = 0;
  if (count(a, "cache_creation_5m_tokens", w5) && count(a, "cache_creation_1h_tokens", w1) &&
      w5 + w1 == cache_creation) {
    u.tokens.cache_write_5m = w5;
    u.tokens.cache_write_1h = w1;
    r.split_known = true;
  } else {
    u.tokens.cache_write_5m = cache_creation;
  }
  const auto ts = event_time_ms(record, a);
  if (!ts) return std::nullopt;
  u.ts_ms = *ts;
  u.session_id = a.text("session.id");
  u.model = a.text("model");
  if (u.model.empty()) u.model = "unknown";
  u.query_source = a.text("query_source");
  r.cost_usd = a.get("cost_usd").number();
  r.run_id = a.text("clown.run_id");
  if (r.run_id.empty()) r.run_id = resource.text("clown.run_id");
  r.profile = a.text("clown.profile");
  if (r.profile.empty()) r.profile = resource.text("clown.profile");
  if (const auto request_id = a.text("request_id"); !request_id.empty()) {
    u.key = "req:" + request_id;
  } else {
    // No request id (the gateway sent none): the event's own identity; the
    // store pairs it with its transcript line by content.
    const auto sequence = a.get("event.sequence").integer();
    u.key = "otel:" + u.session_id + ":" + a.text("prompt.id") + ":" +
            (sequence ? std::to_string(*sequence) : std::to_string(u.ts_ms));
  }
  return r;
}

}  // namespace

Expected<OtelBatch> parse_otlp_logs(std::string_view text, const RemoteOrigin* remote) {
  OtelBatch batch;
  TRY(otlp::for_each_item(
      text, "logs", "resourceLogs", "scopeLogs", "logRecords", [&](const json& record, const Attributes& resource) {
        ++batch.records;
        const Attributes a(member(record, "attributes"));
        const auto body = record.find("body");
        const bool api_request = a.text("event.name") == "api_request" ||
                                 (body != record.end() && AnyValue{&*body}.text() == "claude_code.api_request");
        if (!api_request) return;
        auto r = read_api_request(record, a, resource);
        if (!r) return;
        if (remote) mark_remote(*r, a, resource, *remote);
        batch.requests.push_back(std::move(*r));
      }));
  return batch;
}

void infer_cache_split(OtelRequest& r, const registry::PricingTable& prices) {
  auto& t = r.usage.tokens;
  if (r.split_known || !r.cost_usd || t.cache_write_5m == 0) return;
  const auto match = prices.lookup(r.usage.model);
  if (!match || !match->price) return;
  const int64_t writes = t.cache_write_5m;
  const int64_t input_side = t.input + writes + t.cache_read;
  const auto p = registry::tier_prices(*match->price, registry::tier_for(*match->price, input_side));
  const double per_1h_extra = p.cache_write_1h.usd - p.cache_write_5m.usd;
  if (per_1h_extra <= 0) return;
  const double rest = static_cast<double>(t.input) * p.input.usd + static_cast<double>(t.output) * p.output.usd +
                      static_cast<double>(t.cache_read) * p.cache_read.usd +
                      static_cast<double>(writes) * p.cache_write_5m.usd;
  const double guess = std::round((*r.cost_usd - rest) / per_1h_extra);
  if (guess < 0 || guess > static_cast<double>(writes)) return;
  store::TokenCounts split = t;
  split.cache_write_1h = static_cast<int64_t>(guess);
  split.cache_write_5m = writes - split.cache_write_1h;
  split.web_search = 0;
  if (std::fabs(store::request_cost(split, *match->price).total() - *r.cost_usd) > 1e-9) return;
  t.cache_write_5m = split.cache_write_5m;
  t.cache_write_1h = split.cache_write_1h;
  r.split_known = true;
}

json to_json(const OtelRequest& r) {
  const auto& u = r.usage;
  json j = {{"key", u.key},
            {"ts_ms", u.ts_ms},
            {"session_id", u.session_id},
            {"model", u.model},
            {"query_source", u.query_source},
            {"input", u.tokens.input},
            {"output", u.tokens.output},
            {"cache_write_5m", u.tokens.cache_write_5m},
            {"cache_write_1h", u.tokens.cache_write_1h},
            {"cache_read", u.tokens.cache_read},
            {"split_known", r.split_known},
            {"run_id", r.run_id},
            {"profile", r.profile}};
  if (r.cost_usd) j["cost_usd"] = *r.cost_usd;
  if (!r.machine.empty()) j["machine"] = r.machine;
  if (!r.user.empty()) j["user"] = r.user;
  return j;
}

Expected<OtelRequest> otel_request_from_json(const json& j) {
  try {
    OtelRequest r;
    auto& u = r.usage;
    u.key = j.at("key").get<std::string>();
    u.ts_ms = j.at("ts_ms").get<int64_t>();
    u.session_id = j.value("session_id", "");
    u.model = j.value("model", "unknown");
    u.query_source = j.value("query_source", "");
    u.tokens.input = j.at("input").get<int64_t>();
    u.tokens.output = j.at("output").get<int64_t>();
    u.tokens.cache_write_5m = j.value("cache_write_5m", int64_t{0});
    u.tokens.cache_write_1h = j.value("cache_write_1h", int64_t{0});
    u.tokens.cache_read = j.value("cache_read", int64_t{0});
    r.split_known = j.value("split_known", false);
    r.run_id = j.value("run_id", "");
    r.profile = j.value("profile", "");
    r.machine = j.value("machine", "");
    r.user = j.value("user", "");
    if (j.contains("cost_usd") && j["cost_usd"].is_number()) r.cost_usd = j["cost_usd"].get<double>();
    for (int64_t v :
         {u.tokens.input, u.tokens.output, u.tokens.cache_write_5m, u.tokens.cache_write_1h, u.tokens.cache_read})
      if (!store::token_count_in_range(v)) return fail("token count out of range");
    return r;
  } catch (const json::exception& e) {
    return fail(std::string("malformed OTel spool line: ") + e.what());
  }
}

}  // namespace clown::ingest
