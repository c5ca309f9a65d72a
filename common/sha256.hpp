#pragma once
// SHA-256 (FIPS 180-4), for the few hashes clown itself needs without linking
// a crypto library into `clown` (Codex CLI's hook trust hashes,
// docs/file-formats.md#agents-d).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace clown {

std::array<uint8_t, 32> sha256(std::string_view data);
// Lowercase hex of sha256(data).
std::string sha256_hex(std::string_view data);

}  // namespace clown
