#include "reports/rollup_builder.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/time.hpp"

namespace clown::reports {

namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct Key {
  int64_t bucket;
  int32_t f[8];  // session, profile, agent, provider, model, project, query_source, machine
  int32_t sidechain;
  bool operator==(const Key&) const = default;
};

struct KeyHash {
  size_t operator()(const Key& k) const {
    uint64_t h = static_cast<uint64_t>(k.bucket) * 0x9E3779B97F4A7C15ull;
    for (int32_t v : k.f) h = (h ^ static_cast<uint32_t>(v)) * 0x100000001B3ull;
    h = (h ^ static_cast<uint32_t>(k.sidechain)) * 0x100000001B3ull;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

}  // namespace

struct RollupBuilder::Impl {
  Rollup out;
  std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>> index;
  std::unordered_map<Key, size_t, KeyHash> row_of;
  std::vector<RollupRow> rows;
  size_t string_bytes = 0;
  // Consecutive requests mostly share session, profile, project...: compared
  // with the previous request's value before hashing.
  std::string last_text[8];
  int32_t last_id[8] = {-1, -1, -1, -1, -1, -1, -1, -1};

  int32_t intern(std::string_view s) {
    auto it = index.find(s);
    if (it != index.end()) return it->second;
    const auto id = static_cast<int32_t>(out.strings.size());
    out.strings.emplace_back(s);
    index.emplace(std::string(s), id);
    string_bytes += 2 * (sizeof(std::string) + s.size());  // the string and its index key
    return id;
  }

  int32_t column_id(int i, std::string_view v) {
    if (last_id[i] < 0 || v != last_text[i]) {
      last_id[i] = intern(v);
      last_text[i].assign(v);
    }
    return last_id[i];
  }

  RollupRow& row(const Key& key) {
    auto [it, inserted] = row_of.try_emplace(key, rows.size());
    if (inserted) {
      RollupRow r;
      r.bucket = key.bucket;
      r.session = key.f[0];
      r.profile = key.f[1];
      r.agent = key.f[2];
      r.provider = key.f[3];
      r.model = key.f[4];
      r.project = key.f[5];
      r.query_source = key.f[6];
      r.machine = key.f[7];
      r.sidechain = key.sidechain;
      r.no_session = out.strings[static_cast<size_t>(key.f[0])].empty() ? 1 : 0;
      r.first_ms = std::numeric_limits<int64_t>::max();
      r.last_ms = std::numeric_limits<int64_t>::min();
      rows.push_back(r);
    }
    return rows[it->second];
  }
};

RollupBuilder::RollupBuilder() : m_impl(std::make_unique<Impl>()) {}
RollupBuilder::~RollupBuilder() = default;

void RollupBuilder::add(const RollupInput& in) {
  Impl& m = *m_impl;
  const std::string_view keys[8] = {in.history ? std::string_view() : in.session_id,
                                    in.profile,
                                    in.agent,
                                    in.provider,
                                    in.model,
                                    in.project,
                                    in.query_source,
                                    in.machine};
  Key key{floor_div(in.ts_ms, k_bucket_ms), {}, in.sidechain ? 1 : 0};
  for (int i = 0; i < 8; ++i) key.f[i] = m.column_id(i, keys[i]);
  RollupRow& r = m.row(key);
  r.first_ms = std::min(r.first_ms, in.ts_ms);
  r.last_ms = std::max(r.last_ms, in.ts_ms);
  r.requests += 1;
  r.tokens += in.tokens;
  r.cost += in.cost;
  r.cost_total += in.cost_total;
  if (!in.priced) r.unpriced_requests += 1;
  if (in.sidechain || !in.subagent.empty()) {
    r.subagent_requests += 1;
    r.subagent_cost += in.cost_total;
  }
}

void RollupBuilder::add(const Rollup& part) {
  Impl& m = *m_impl;
  std::vector<int32_t> remap(part.strings.size());
  for (size_t i = 0; i < remap.size(); ++i) remap[i] = m.intern(part.strings[i]);
  for (const auto& src : part.rows) {
    auto id = [&](int32_t v) { return remap[static_cast<size_t>(v)]; };
    RollupRow& r = m.row(Key{src.bucket,
                             {id(src.session), id(src.profile), id(src.agent), id(src.provider), id(src.model),
                              id(src.project), id(src.query_source), id(src.machine)},
                             src.sidechain});
    r.first_ms = std::min(r.first_ms, src.first_ms);
    r.last_ms = std::max(r.last_ms, src.last_ms);
    r.requests += src.requests;
    r.unpriced_requests += src.unpriced_requests;
    r.tokens += src.tokens;
    r.cost += src.cost;
    r.cost_total += src.cost_total;
    r.subagent_requests += src.subagent_requests;
    r.subagent_cost += src.subagent_cost;
  }
}

size_t RollupBuilder::rows() const { return m_impl->rows.size(); }

size_t RollupBuilder::memory() const {
  const Impl& m = *m_impl;
  // A hash node holds its key and value, a next pointer and the cached hash.
  constexpr size_t k_node = sizeof(Key) + sizeof(size_t) + 2 * sizeof(void*);
  constexpr size_t k_string_node = sizeof(std::string) + sizeof(int32_t) + 2 * sizeof(void*);
  size_t bytes = m.rows.capacity() * sizeof(RollupRow) + m.row_of.size() * k_node +
                 m.row_of.bucket_count() * sizeof(void*) + m.index.bucket_count() * sizeof(void*);
  return bytes + m.string_bytes + m.out.strings.size() * k_string_node;
}

Rollup RollupBuilder::take() {
  Rollup out = std::move(m_impl->out);
  out.own(std::move(m_impl->rows));
  m_impl = std::make_unique<Impl>();
  return out;
}

}  // namespace clown::reports
