// libFuzzer target: a profile's TOML file (profiles/profile_store
// parse_profile, what load_profile reads from profiles/<alias>.toml).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "profiles/profile_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto profile = clown::profiles::parse_profile(text, "fuzz.toml", "fuzz");
  // A loaded profile always names its provider; an error always says why.
  if (profile && profile->provider.empty()) __builtin_trap();
  if (!profile && profile.error().message.empty()) __builtin_trap();
  return 0;
}
