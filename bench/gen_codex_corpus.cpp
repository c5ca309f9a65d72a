// gen_codex_corpus DIR [--threads N] [--scale X] [--seed S]
// Writes a synthetic Codex CLI home and prints its known totals as JSON.
#include <cstdlib>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/codex_corpus.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: gen_codex_corpus DIR [--threads N] [--scale X] [--seed S]\n";
    return 2;
  }
  clown::bench::CodexCorpusSpec spec;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "gen_codex_corpus: " << a << " needs a value\n";
      return 2;
    }
    const std::string v = argv[++i];
    if (a == "--threads")
      spec.threads = std::stoi(v);
    else if (a == "--scale")
      spec.scale = std::stod(v);
    else if (a == "--seed")
      spec.seed = std::stoull(v);
    else {
      std::cerr << "gen_codex_corpus: unknown option " << a << "\n";
      return 2;
    }
  }
  const auto t = clown::bench::generate_codex_corpus(argv[1], spec);
  std::cout << nlohmann::json{{"files", t.files},
                              {"bytes", t.bytes},
                              {"requests", t.requests},
                              {"skipped_lines", t.skipped_lines},
                              {"tokens",
                               {{"input", t.tokens.input},
                                {"output", t.tokens.output},
                                {"cache_write_5m", 0},
                                {"cache_write_1h", 0},
                                {"cache_read", t.tokens.cache_read},
                                {"web_search", 0}}}}
                   .dump(2)
            << "\n";
  return 0;
}
