// gen_corpus DIR [--files N] [--scale X] [--seed S] [--no-huge] [--no-edge-cases]
// gen_corpus DIR --single-file-requests N [--seed S]
// Writes a synthetic Claude config dir and prints its known totals as JSON.
// --single-file-requests writes one transcript of N requests instead
// (bench/big_transcript.hpp, for bench/memory_bench.sh).
#include <cstdlib>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/big_transcript.hpp"
#include "bench/corpus.hpp"

namespace {

nlohmann::json big_tokens_json(const clown::store::TokenCounts& t) {
  return {{"input", t.input},
          {"output", t.output},
          {"cache_write_5m", t.cache_write_5m},
          {"cache_write_1h", t.cache_write_1h},
          {"cache_read", t.cache_read},
          {"web_search", t.web_search}};
}

int print_big_transcript(const std::string& dir, int64_t requests, uint64_t seed) {
  const auto t = clown::bench::write_big_transcript(dir, requests, seed);
  std::cout << nlohmann::json{{"files", 1},
                              {"bytes", t.bytes},
                              {"requests", t.requests},
                              {"usage_lines", t.usage_lines},
                              {"skipped_lines", t.skipped_lines},
                              {"synthetic_lines", 0},
                              {"tokens", big_tokens_json(t.tokens)}}
                   .dump(2)
            << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: gen_corpus DIR [--files N] [--scale X] [--seed S] [--no-huge] [--no-edge-cases]\n"
                 "       gen_corpus DIR --single-file-requests N [--seed S]\n";
    return 2;
  }
  clown::bench::CorpusSpec spec;
  int64_t single_file_requests = 0;
  std::string dir = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "gen_corpus: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--files")
      spec.files = std::stoi(next());
    else if (a == "--scale")
      spec.scale = std::stod(next());
    else if (a == "--seed")
      spec.seed = std::stoull(next());
    else if (a == "--single-file-requests")
      single_file_requests = std::stoll(next());
    else if (a == "--no-huge")
      spec.one_huge_file = false;
    else if (a == "--no-edge-cases")
      spec.edge_cases = false;
    else {
      std::cerr << "gen_corpus: unknown option " << a << "\n";
      return 2;
    }
  }
  if (single_file_requests > 0) return print_big_transcript(dir, single_file_requests, spec.seed);
  auto t = clown::bench::generate_corpus(dir, spec);
  nlohmann::json by_model = nlohmann::json::object();
  for (const auto& [m, tok] : t.by_model)
    by_model[m] = {{"requests", t.requests_by_model[m]},
                   {"input", tok.input},
                   {"output", tok.output},
                   {"cache_write_5m", tok.cache_write_5m},
                   {"cache_write_1h", tok.cache_write_1h},
                   {"cache_read", tok.cache_read},
                   {"web_search", tok.web_search}};
  std::cout << nlohmann::json{{"files", t.files},
                              {"bytes", t.bytes},
                              {"requests", t.requests},
                              {"usage_lines", t.usage_lines},
                              {"skipped_lines", t.skipped_lines},
                              {"synthetic_lines", t.synthetic_lines},
                              {"tokens",
                               {{"input", t.tokens.input},
                                {"output", t.tokens.output},
                                {"cache_write_5m", t.tokens.cache_write_5m},
                                {"cache_write_1h", t.tokens.cache_write_1h},
                                {"cache_read", t.tokens.cache_read},
                                {"web_search", t.tokens.web_search}}},
                              {"by_model", by_model}}
                   .dump(2)
            << "\n";
  return 0;
}
