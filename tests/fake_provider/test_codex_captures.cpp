// The committed Codex CLI 0.169.0 captures (tests/data/codex, see its README)
// agree with what fake_openai returned: every billed response is in exactly one
// token_usage_record with the same numbers (cached ⊂ input, reasoning ⊂
// output), the token_count total-delta rule gives the same sums per file, and
// the only response missing from the rollouts is the TUI's title request.
// This is the reference for clown's Codex importer.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.hpp"

using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

fs::path capture_dir() { return clown::test::source_dir() / "tests" / "data" / "codex" / "0.169.0"; }

std::vector<json> json_lines(const fs::path& file) {
  std::vector<json> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

// input, cached input, output, reasoning output, total.
using Tokens = std::array<int64_t, 5>;

Tokens rollout_tokens(const json& u) {
  return {u.at("input_tokens").get<int64_t>(), u.at("cached_input_tokens").get<int64_t>(),
          u.at("output_tokens").get<int64_t>(), u.at("reasoning_output_tokens").get<int64_t>(),
          u.at("total_tokens").get<int64_t>()};
}

// The Responses API usage object as fake_openai returned it.
Tokens api_tokens(const json& u) {
  return {u.at("input_tokens").get<int64_t>(), u.at("input_tokens_details").at("cached_tokens").get<int64_t>(),
          u.at("output_tokens").get<int64_t>(), u.at("output_tokens_details").at("reasoning_tokens").get<int64_t>(),
          u.at("total_tokens").get<int64_t>()};
}

Tokens plus(Tokens a, const Tokens& b) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
  return a;
}
Tokens minus(Tokens a, const Tokens& b) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] -= b[i];
  return a;
}

// The plain rollouts (the .jsonl.zst needs zstd; its records are checked by id only).
std::vector<fs::path> plain_rollouts() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(capture_dir()))
    if (e.is_regular_file() && e.path().filename().string().rfind("rollout-", 0) == 0 &&
        e.path().extension() == ".jsonl")
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Fallback rule: per file, the deltas of token_count totals; info null and
// totals equal to the previous one are skipped; the first baseline is
// total - last (0 for a new thread, the parent's total for a fork).
Tokens token_count_sum(const std::vector<json>& lines, int& nulls, int& repeats) {
  Tokens sum{};
  std::optional<Tokens> previous;
  for (const auto& l : lines) {
    if (l.at("type") != "event_msg" || l.at("payload").value("type", "") != "token_count") continue;
    const json& info = l.at("payload").at("info");
    if (info.is_null()) {
      ++nulls;
      continue;
    }
    Tokens total = rollout_tokens(info.at("total_token_usage"));
    if (previous && *previous == total) {
      ++repeats;
      continue;
    }
    Tokens base = previous ? *previous : minus(total, rollout_tokens(info.at("last_token_usage")));
    sum = plus(sum, minus(total, base));
    previous = total;
  }
  return sum;
}

}  // namespace

TEST_CASE("Codex 0.169.0 captures: rollout usage equals what the provider returned") {
  // Preferred rule: token_usage_record.usage, each response_id once.
  std::map<std::string, Tokens> by_response;
  std::map<std::string, std::string> model_of_response;
  Tokens records_total{}, token_count_total{};
  int nulls = 0, repeats = 0;
  std::set<std::string> thread_ids;
  for (const auto& file : plain_rollouts()) {
    auto lines = json_lines(file);
    REQUIRE(lines.at(0).at("type") == "session_meta");
    thread_ids.insert(lines.at(0).at("payload").at("id"));
    Tokens file_records{};
    std::string model;
    for (const auto& l : lines) {
      if (l.at("type") == "turn_context") model = l.at("payload").at("model");
      if (l.at("type") != "token_usage_record") continue;
      const json& p = l.at("payload");
      Tokens usage = rollout_tokens(p.at("usage"));
      CHECK(usage[1] <= usage[0]);  // cached ⊂ input
      CHECK(usage[3] <= usage[2]);  // reasoning ⊂ output
      CHECK(usage[4] == usage[0] + usage[2]);
      CHECK(p.at("usage").at("cache_write_input_tokens") == 0);
      CHECK(p.at("thread_id") == lines.at(0).at("payload").at("id"));
      auto [it, fresh] = by_response.emplace(p.at("response_id"), usage);
      CHECK(fresh);  // no response is recorded twice, not even by a fork
      model_of_response[p.at("response_id")] = model;
      file_records = plus(file_records, usage);
    }
    Tokens file_counts = token_count_sum(lines, nulls, repeats);
    CHECK(file_counts == file_records);  // both rules agree per file
    records_total = plus(records_total, file_records);
    token_count_total = plus(token_count_total, file_counts);
  }
  CHECK(nulls == 1);  // sigint: a turn interrupted before any usage
  // Unchanged totals re-emitted: once in sigint-resume (same last_token_usage
  // too), four times in compact (twice with last_token_usage {0,0,0,0,6062},
  // the context estimate after a compaction).
  CHECK(repeats == 5);
  CHECK(records_total == token_count_total);
  CHECK(records_total == Tokens{168710, 93312, 10935, 4614, 179645});

  Tokens provider_total{}, missing{};
  int billed = 0, in_zst = 0, title_requests = 0;
  for (const auto& e : fs::directory_iterator(capture_dir())) {
    std::string name = e.path().filename().string();
    if (name.rfind("provider-record-", 0) != 0) continue;
    bool zst_old = name == "provider-record-zst-old.jsonl";
    for (const auto& r : json_lines(e.path())) {
      if (r.value("status", 0) != 200 || !r.contains("usage")) continue;
      ++billed;
      Tokens returned = api_tokens(r.at("usage"));
      provider_total = plus(provider_total, returned);
      auto it = by_response.find(r.at("response_id"));
      if (zst_old) {
        ++in_zst;  // recorded inside the compressed rollout only
        CHECK(it == by_response.end());
        continue;
      }
      if (it == by_response.end()) {
        // The TUI's title request: no tools, its own temporary thread.
        CHECK(name == "provider-record-tui.jsonl");
        CHECK(r.at("tools") == 0);
        CHECK(thread_ids.count(r.at("prompt_cache_key")) == 0);
        ++title_requests;
        missing = plus(missing, returned);
        continue;
      }
      CHECK(it->second == returned);
      CHECK(model_of_response.at(r.at("response_id")) == r.at("model"));
    }
  }
  CHECK(billed == 29);
  CHECK(in_zst == 2);
  CHECK(title_requests == 1);
  CHECK(provider_total == Tokens{182567, 100992, 11507, 4927, 194074});
  CHECK(missing == Tokens{3588, 1408, 88, 76, 3676});
  CHECK(plus(plus(records_total, missing), Tokens{10269, 6272, 484, 237, 10753}) == provider_total);
}

TEST_CASE("Codex 0.169.0 captures: forks and subagents") {
  std::map<std::string, json> meta;
  for (const auto& file : plain_rollouts()) {
    auto lines = json_lines(file);
    const json& m = lines.at(0).at("payload");
    meta[m.at("id")] = m;
    // The file name ends with the thread id.
    CHECK(file.stem().string().size() > 36);
    CHECK(file.stem().string().substr(file.stem().string().size() - 36) == m.at("id"));
    if (m.contains("forked_from_id")) {
      // A fork continues its parent's ordinals and does not replay its lines.
      CHECK(lines.at(0).at("ordinal") == m.at("forked_from_ordinal_exclusive"));
      CHECK(m.at("history_base").at("thread_id") == m.at("forked_from_id"));
      CHECK(file.parent_path().filename() == "archived_sessions");
    }
  }
  int subagents = 0;
  for (const auto& [id, m] : meta) {
    if (!m.at("source").is_object()) continue;
    ++subagents;
    const json& spawn = m.at("source").at("subagent").at("thread_spawn");
    CHECK(spawn.at("parent_thread_id") == m.at("parent_thread_id"));
    CHECK(m.at("session_id") == m.at("parent_thread_id"));  // the root session
    CHECK(meta.count(m.at("parent_thread_id")) == 1);
  }
  CHECK(subagents == 1);
  CHECK(fs::exists(capture_dir() / "zst" / "sessions" / "2026" / "11" / "29" /
                   "rollout-2026-11-29T05-11-35-01a225b7-3c67-7d03-843c-806d643725fd.jsonl.zst"));
}
