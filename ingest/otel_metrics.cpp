#include "ingest/otel_metrics.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "ingest/otlp_json.hpp"

namespace clown::ingest {

namespace {

using nlohmann::json;
using otlp::AnyValue;
using otlp::Attributes;
using otlp::member;

// Attributes that say who or where, not what was measured: they are columns
// (session, run, profile) or left out, so a point's labels stay small.
bool identity_attribute(std::string_view key) {
  static constexpr std::array<std::string_view, 8> k_exact = {"session.id",        "user.id",         "user.email",
                                                              "user.account_uuid", "organization.id", "terminal.type",
                                                              "app.version",       "prompt.id"};
  if (std::find(k_exact.begin(), k_exact.end(), key) != k_exact.end()) return true;
  for (std::string_view prefix : {"clown.", "anthropic.", "service.", "os.", "host."})
    if (key.substr(0, prefix.size()) == prefix) return true;
  return false;
}

// An attribute value as label text: strings as they are, numbers and booleans
// in their JSON spelling.
std::string label_text(const json& value) {
  if (auto t = AnyValue{&value}.text()) return *t;
  if (!value.is_object() || value.empty()) return "";
  const json& inner = value.begin().value();
  return inner.is_string() ? inner.get<std::string>() : inner.dump();
}

std::string text_attribute(const Attributes& point, const Attributes& resource, std::string_view key) {
  std::string v = point.text(key);
  return v.empty() ? resource.text(key) : v;
}

// One data point of a sum or gauge; nullopt when it has no value or end time.
std::optional<store::MetricPoint> read_point(const json& dp, const Attributes& resource, const RemoteOrigin* remote) {
  store::MetricPoint p;
  const Attributes a(member(dp, "attributes"));
  const auto end = otlp::int64_field(dp, "timeUnixNano");
  if (!end || *end <= 0) return std::nullopt;
  p.time_ns = *end;
  p.start_ns = otlp::int64_field(dp, "startTimeUnixNano").value_or(0);
  if (auto it = dp.find("asDouble"); it != dp.end() && it->is_number()) {
    p.value = it->get<double>();
  } else if (auto i = otlp::int64_field(dp, "asInt")) {
    p.value = static_cast<double>(*i);
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(p.value)) return std::nullopt;
  p.session_id = text_attribute(a, resource, "session.id");
  p.run_id = text_attribute(a, resource, "clown.run_id");
  p.profile = text_attribute(a, resource, "clown.profile");
  p.type = a.text("type");
  if (remote) {
    auto id = otlp::identity_of(a, resource, remote->forwarded_by, remote->peer);
    p.machine = std::move(id.machine);
    p.user = std::move(id.user);
    p.run_id.clear();
    if (p.profile.empty()) p.profile = k_remote_profile;
  }
  json labels = json::object();  // nlohmann's object is a sorted map: one spelling per label set
  for (const auto& [key, value] : a.items())
    if (!identity_attribute(key)) labels[key] = label_text(*value);
  p.labels = labels.dump();
  return p;
}

void read_metric(const json& metric, const Attributes& resource, const RemoteOrigin* remote, OtelMetricBatch& batch) {
  std::string name, unit;
  if (auto it = metric.find("name"); it != metric.end() && it->is_string()) name = it->get<std::string>();
  if (auto it = metric.find("unit"); it != metric.end() && it->is_string()) unit = it->get<std::string>();
  store::MetricTemporality temporality = store::MetricTemporality::gauge;
  const json* data = nullptr;
  if (const json& sum = member(metric, "sum"); sum.is_object()) {
    data = &sum;
    const auto t = otlp::int64_field(sum, "aggregationTemporality").value_or(0);
    temporality = t == 2 ? store::MetricTemporality::cumulative : store::MetricTemporality::delta;
  } else if (const json& gauge = member(metric, "gauge"); gauge.is_object()) {
    data = &gauge;
  }
  const json& points = data ? member(*data, "dataPoints") : member(metric, "none");
  if (!data || name.empty() || !points.is_array()) {
    ++batch.skipped;  // a histogram, a summary or a metric without a name
    return;
  }
  for (const auto& dp : points) {
    auto p = dp.is_object() ? read_point(dp, resource, remote) : std::nullopt;
    if (!p) {
      ++batch.skipped;
      continue;
    }
    p->name = name;
    p->unit = unit;
    p->temporality = temporality;
    batch.points.push_back(std::move(*p));
  }
}

}  // namespace

Expected<OtelMetricBatch> parse_otlp_metrics(std::string_view text, const RemoteOrigin* remote) {
  OtelMetricBatch batch;
  TRY(otlp::for_each_item(text, "metrics", "resourceMetrics", "scopeMetrics", "metrics",
                          [&](const json& metric, const Attributes& resource) {
                            ++batch.metrics;
                            read_metric(metric, resource, remote, batch);
                          }));
  return batch;
}

json to_json(const store::MetricPoint& p) {
  return {{"name", p.name},
          {"unit", p.unit},
          {"type", p.type},
          {"labels", p.labels},
          {"session_id", p.session_id},
          {"run_id", p.run_id},
          {"profile", p.profile},
          {"temporality", static_cast<int>(p.temporality)},
          {"start_ns", p.start_ns},
          {"time_ns", p.time_ns},
          {"value", p.value},
          {"machine", p.machine},
          {"user", p.user}};
}

Expected<store::MetricPoint> metric_point_from_json(const json& j) {
  try {
    store::MetricPoint p;
    p.name = j.at("name").get<std::string>();
    p.unit = j.value("unit", "");
    p.type = j.value("type", "");
    p.labels = j.value("labels", "{}");
    p.session_id = j.value("session_id", "");
    p.run_id = j.value("run_id", "");
    p.profile = j.value("profile", "");
    const int t = j.at("temporality").get<int>();
    if (t < 0 || t > 2) return fail("unknown temporality " + std::to_string(t));
    p.temporality = static_cast<store::MetricTemporality>(t);
    p.start_ns = j.value("start_ns", int64_t{0});
    p.time_ns = j.at("time_ns").get<int64_t>();
    p.value = j.at("value").get<double>();
    p.machine = j.value("machine", "");
    p.user = j.value("user", "");
    return p;
  } catch (const json::exception& e) {
    return fail(std::string("malformed OTel metrics inbox line: ") + e.what());
  }
}

}  // namespace clown::ingest
