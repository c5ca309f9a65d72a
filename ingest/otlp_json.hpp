#pragma once
// Reading OTLP/JSON (the OpenTelemetry protocol's JSON encoding): attribute
// lists and AnyValues, shared by the logs (ingest/otel.hpp) and metrics
// (ingest/otel_metrics.hpp) payload parsers.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace clown::ingest::otlp {

using nlohmann::json;

// An OTLP AnyValue as the types clown reads.
struct AnyValue {
  const json* v = nullptr;

  std::optional<std::string> text() const {
    if (!v || !v->is_object()) return std::nullopt;
    if (auto it = v->find("stringValue"); it != v->end() && it->is_string()) return it->get<std::string>();
    return std::nullopt;
  }
  std::optional<int64_t> integer() const {
    if (!v || !v->is_object()) return std::nullopt;
    auto it = v->find("intValue");
    if (it == v->end()) it = v->find("doubleValue");
    if (it == v->end()) return std::nullopt;
    if (it->is_number_integer()) return it->get<int64_t>();
    if (it->is_number_float()) {
      const double d = it->get<double>();
      if (d == std::floor(d) && std::fabs(d) < 9e15) return static_cast<int64_t>(d);
      return std::nullopt;
    }
    if (it->is_string()) {  // OTLP/JSON encodes 64-bit integers as decimal strings
      const auto& s = it->get_ref<const std::string&>();
      int64_t n = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      if (ec == std::errc() && p == s.data() + s.size()) return n;
    }
    return std::nullopt;
  }
  std::optional<double> number() const {
    if (!v || !v->is_object()) return std::nullopt;
    if (auto it = v->find("doubleValue"); it != v->end() && it->is_number()) return it->get<double>();
    if (auto n = integer()) return static_cast<double>(*n);
    return std::nullopt;
  }
};

// key -> value of an OTLP attribute list.
class Attributes {
 public:
  explicit Attributes(const json& list) {
    if (!list.is_array()) return;
    for (const auto& kv : list)
      if (kv.is_object() && kv.contains("key") && kv["key"].is_string() && kv.contains("value"))
        m_items.emplace_back(kv["key"].get<std::string>(), &kv["value"]);
  }
  AnyValue get(std::string_view key) const {
    for (const auto& [k, v] : m_items)
      if (k == key) return AnyValue{v};
    return {};
  }
  std::string text(std::string_view key) const { return get(key).text().value_or(""); }
  const std::vector<std::pair<std::string, const json*>>& items() const { return m_items; }

 private:
  std::vector<std::pair<std::string, const json*>> m_items;
};

// Who sent a record to a central clownd's team listener (docs/api.md#team):
// machine = clown.machine_id, else the forwarding clownd's machine id (its
// X-Clown-Machine-Id header), else host.name, else the peer address; user =
// user.email, else clown.user, else Claude Code's user.account_uuid, else its
// user.id (a hash every 2.1.328 event carries, tests/data/claude-otel). Each
// is looked up on the record first, then its resource; at most 200 bytes.
struct Identity {
  std::string machine;
  std::string user;
};
inline Identity identity_of(const Attributes& item, const Attributes& resource, const std::string& forwarded_by,
                            const std::string& peer) {
  auto first = [&](std::initializer_list<std::string_view> keys) {
    for (auto key : keys)
      for (const Attributes* a : {&item, &resource})
        if (auto v = a->text(key); !v.empty()) return v.substr(0, 200);
    return std::string();
  };
  Identity out{first({"clown.machine_id"}), first({"user.email", "clown.user", "user.account_uuid", "user.id"})};
  if (out.machine.empty()) out.machine = forwarded_by.substr(0, 200);
  if (out.machine.empty()) out.machine = first({"host.name"});
  if (out.machine.empty()) out.machine = peer;
  return out;
}

// object[key], or an empty array when the object or the key is missing: the
// payload's structure is checked at each step, never assumed.
inline const json& member(const json& object, const char* key) {
  static const json k_empty = json::array();
  if (!object.is_object()) return k_empty;
  auto it = object.find(key);
  return it == object.end() ? k_empty : *it;
}

// A 64-bit integer field (OTLP/JSON writes them as decimal strings; numbers
// are accepted too), e.g. timeUnixNano.
inline std::optional<int64_t> int64_field(const json& object, const char* key) {
  const json& v = member(object, key);
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    int64_t n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && p == s.data() + s.size()) return n;
  }
  return std::nullopt;
}

// Walks an OTLP/JSON export request (`resources_key`: resourceLogs,
// resourceMetrics): every object in `items_key` (logRecords, metrics) of every
// `scopes_key` entry of every resource, with that resource's attributes. Not a
// JSON object, or a resource list that is not an array, is an error naming
// `kind`; other malformed parts are skipped. The attributes point into the
// parsed document, which lives for the walk.
template <class Visit>
Expected<void> for_each_item(std::string_view text, const char* kind, const char* resources_key, const char* scopes_key,
                             const char* items_key, Visit&& visit) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return fail(std::string("not an OTLP/JSON ") + kind + " payload (expected a JSON object with " + resources_key +
                ")");
  const auto resources = doc.find(resources_key);
  if (resources == doc.end()) return {};
  if (!resources->is_array()) return fail(std::string(resources_key) + " must be an array");
  for (const auto& resource_entry : *resources) {
    const Attributes resource(member(member(resource_entry, "resource"), "attributes"));
    const json& scopes = member(resource_entry, scopes_key);
    if (!scopes.is_array()) continue;
    for (const auto& scope : scopes) {
      const json& items = member(scope, items_key);
      if (!items.is_array()) continue;
      for (const auto& item : items)
        if (item.is_object()) visit(item, resource);
    }
  }
  return {};
}

}  // namespace clown::ingest::otlp
