#include "common/hex.hpp"

namespace clown {

std::string to_hex(std::string_view bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(k_digits[c >> 4]);
    out.push_back(k_digits[c & 15]);
  }
  return out;
}

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
  return h;
}

std::string content_etag(std::string_view bytes) {
  const uint64_t h = fnv1a64(bytes);
  std::string be(8, '\0');
  for (int i = 0; i < 8; ++i) be[static_cast<size_t>(i)] = static_cast<char>(h >> (56 - 8 * i));
  return "\"" + to_hex(be) + "\"";
}

}  // namespace clown
