// libFuzzer target: $CLOWN_HOME/config.toml (config/config parse_config,
// what load_config reads).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = clown::config::parse_config(text, "config.toml");
  if (!config && config.error().message.empty()) __builtin_trap();
  return 0;
}
