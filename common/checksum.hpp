#pragma once
// A fast 64-bit checksum of bytes (not cryptographic: common/sha256.hpp is).
#include <cstdint>
#include <string_view>

namespace clown {

// Four multiply-xor lanes over 8-byte words: it finds bytes changed on disk or
// by hand, so a cache with altered rows is rebuilt instead of served
// (docs/file-formats.md#report-cache). Not a defence against someone who can
// rewrite the file: they could rewrite the checksum too.
uint64_t fast_checksum(std::string_view data);

}  // namespace clown
