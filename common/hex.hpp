#pragma once
// Hex text and content ETags.
#include <cstdint>
#include <string>
#include <string_view>

namespace clown {

// Lowercase hex of the bytes.
std::string to_hex(std::string_view bytes);
// 64-bit FNV-1a of the bytes.
uint64_t fnv1a64(std::string_view bytes);
// A quoted strong HTTP ETag derived from the content: "\"<16 hex digits>\"".
std::string content_etag(std::string_view bytes);

}  // namespace clown
