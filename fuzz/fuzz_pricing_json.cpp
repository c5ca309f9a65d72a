// libFuzzer target: LiteLLM's pricing JSON (registry/pricing_table): the
// table any file is read into, the checks a downloaded file must pass, and
// model-name matching against what was read.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "registry/pricing_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using clown::registry::PricingTable;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = PricingTable::from_json(text);
  if (table) {
    for (std::string_view model : {"claude-sonnet-4-5-20250929", "anthropic/claude-opus-4-1", "gpt-5", ""})
      (void)table->lookup(model);
    // Every key resolves to itself.
    for (const auto& [key, price] : table->entries()) {
      auto match = table->lookup(key);
      if (!match || match->key != key) __builtin_trap();
    }
  }
  (void)clown::registry::validate_pricing_download(text);
  return 0;
}
