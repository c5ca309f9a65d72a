#include "common/checksum.hpp"

#include <cstring>

namespace clown {

uint64_t fast_checksum(std::string_view data) {
  constexpr uint64_t k_mul = 0x9E3779B97F4A7C15ull;
  uint64_t lane[4] = {0x243F6A8885A308D3ull, 0x13198A2E03707344ull, 0xA4093822299F31D0ull, 0x082EFA98EC4E6C89ull};
  size_t pos = 0;
  auto mix = [&](uint64_t& h, uint64_t w) {
    h = (h ^ w) * k_mul;
    h ^= h >> 32;
  };
  for (; pos + 32 <= data.size(); pos += 32)
    for (int i = 0; i < 4; ++i) {
      uint64_t w;
      std::memcpy(&w, data.data() + pos + 8 * static_cast<size_t>(i), 8);
      mix(lane[i], w);
    }
  uint64_t h = data.size();
  for (uint64_t l : lane) mix(h, l);
  for (; pos < data.size(); ++pos) mix(h, static_cast<unsigned char>(data[pos]));
  return h;
}

}  // namespace clown
