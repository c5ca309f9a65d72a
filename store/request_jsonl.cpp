#include "store/request_jsonl.hpp"

namespace clown::store {

namespace {

using C = RequestColumn;
using nlohmann::json;

std::string name(C c) { return std::string(column_name(c)); }

Expected<void> read_text(const json& line, C c, std::string& out) {
  const auto it = line.find(column_name(c));
  if (it == line.end() || !it->is_string()) return fail("field \"" + name(c) + "\" is missing or not a string");
  out = it->get<std::string>();
  return {};
}

Expected<int64_t> read_int(const json& line, C c) {
  const auto it = line.find(column_name(c));
  if (it == line.end() || !it->is_number_integer() || (it->is_number_unsigned() && it->get<uint64_t>() > INT64_MAX))
    return fail("field \"" + name(c) + "\" is missing or not an integer");
  return it->get<int64_t>();
}

Expected<double> read_real(const json& line, C c) {
  const auto it = line.find(column_name(c));
  if (it == line.end() || !it->is_number()) return fail("field \"" + name(c) + "\" is missing or not a number");
  return it->get<double>();
}

Expected<bool> read_bool(const json& line, C c) {
  const auto it = line.find(column_name(c));
  if (it == line.end() || !it->is_boolean()) return fail("field \"" + name(c) + "\" is missing or not true/false");
  return it->get<bool>();
}

Expected<void> read_counts(const json& line, RequestRecord& r) {
  TRY_ASSIGN(r.tokens.input, read_int(line, C::input));
  TRY_ASSIGN(r.tokens.output, read_int(line, C::output));
  TRY_ASSIGN(r.tokens.cache_write_5m, read_int(line, C::cache_write_5m));
  TRY_ASSIGN(r.tokens.cache_write_1h, read_int(line, C::cache_write_1h));
  TRY_ASSIGN(r.tokens.cache_read, read_int(line, C::cache_read));
  TRY_ASSIGN(r.tokens.web_search, read_int(line, C::web_search));
  TRY_ASSIGN(r.cost.input, read_real(line, C::cost_input));
  TRY_ASSIGN(r.cost.output, read_real(line, C::cost_output));
  TRY_ASSIGN(r.cost.cache_write, read_real(line, C::cost_cache_write));
  TRY_ASSIGN(r.cost.cache_read, read_real(line, C::cost_cache_read));
  TRY_ASSIGN(r.cost.web_search, read_real(line, C::cost_web_search));
  return {};
}

}  // namespace

json request_line(const RequestRecord& r, std::string_view machine) {
  json j = json::object();
  j[name(C::dedup_key)] = r.dedup_key;
  j[name(C::ts_ms)] = r.ts_ms;
  j[name(C::session_id)] = r.session_id;
  j[name(C::run_id)] = r.run_id;
  j[name(C::profile)] = r.profile;
  j[name(C::agent)] = r.agent;
  j[name(C::provider)] = r.provider;
  j[name(C::model)] = r.model;
  j[name(C::project)] = r.project;
  j[name(C::sidechain)] = r.sidechain;
  j[name(C::input)] = r.tokens.input;
  j[name(C::output)] = r.tokens.output;
  j[name(C::cache_write_5m)] = r.tokens.cache_write_5m;
  j[name(C::cache_write_1h)] = r.tokens.cache_write_1h;
  j[name(C::cache_read)] = r.tokens.cache_read;
  j[name(C::web_search)] = r.tokens.web_search;
  j[name(C::cost_input)] = r.cost.input;
  j[name(C::cost_output)] = r.cost.output;
  j[name(C::cost_cache_write)] = r.cost.cache_write;
  j[name(C::cost_cache_read)] = r.cost.cache_read;
  j[name(C::cost_web_search)] = r.cost.web_search;
  j[name(C::cost_total)] = r.cost.total();
  j[name(C::priced)] = r.priced;
  j[name(C::price_key)] = r.price_key;
  j[name(C::source)] = to_string(r.source);
  j[name(C::config_dir)] = r.config_dir;
  j[name(C::query_source)] = r.query_source;
  j[name(C::subagent)] = r.subagent;
  j[name(C::machine)] = r.machine.empty() ? machine : r.machine;
  // Who sent it to a central clownd (schema 10); absent for this machine's own.
  if (!r.user.empty()) j[name(C::user)] = r.user;
  return j;
}

Expected<void> parse_request_line(const json& line, ParsedRequest& out) {
  if (!line.is_object()) return fail("not a JSON object");
  RequestRecord& r = out.record;
  const std::pair<C, std::string*> texts[] = {{C::dedup_key, &out.dedup_key},
                                              {C::session_id, &out.session_id},
                                              {C::run_id, &out.run_id},
                                              {C::profile, &out.profile},
                                              {C::agent, &out.agent},
                                              {C::provider, &out.provider},
                                              {C::model, &out.model},
                                              {C::project, &out.project},
                                              {C::price_key, &out.price_key},
                                              {C::config_dir, &out.config_dir},
                                              {C::query_source, &out.query_source},
                                              {C::subagent, &out.subagent},
                                              {C::machine, &out.machine}};
  for (const auto& [column, field] : texts) TRY(read_text(line, column, *field));
  if (line.contains(name(C::user))) {  // optional: files written before schema 10 have none
    TRY(read_text(line, C::user, out.user));
  }
  if (out.dedup_key.empty()) return fail("field \"dedup_key\" is empty");
  TRY_ASSIGN(r.ts_ms, read_int(line, C::ts_ms));
  TRY_ASSIGN(r.sidechain, read_bool(line, C::sidechain));
  TRY_ASSIGN(r.priced, read_bool(line, C::priced));
  TRY(read_counts(line, r));
  std::string source;
  TRY(read_text(line, C::source, source));
  const auto parsed_source = request_source_from(source);
  if (!parsed_source) return fail("field \"source\" has an unknown value '" + source + "'");
  r.source = *parsed_source;
  r.dedup_key = out.dedup_key;
  r.session_id = out.session_id;
  r.run_id = out.run_id;
  r.profile = out.profile;
  r.agent = out.agent;
  r.provider = out.provider;
  r.model = out.model;
  r.project = out.project;
  r.price_key = out.price_key;
  r.config_dir = out.config_dir;
  r.query_source = out.query_source;
  r.subagent = out.subagent;
  r.machine = out.machine;
  r.user = out.user;
  return {};
}

}  // namespace clown::store
