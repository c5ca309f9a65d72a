#pragma once
// Files compiled into the binary at build time (cmake/Embed.cmake), sorted by
// name. A handful per binary: lookups scan them.
#include <cstddef>
#include <string_view>

namespace clown {

struct EmbeddedFile {
  std::string_view name;  // path relative to the embedding root, e.g. "usage.html"
  std::string_view data;
  std::string_view etag;  // quoted strong ETag derived from the content (common/hex.hpp content_etag)
};

struct EmbeddedFiles {
  const EmbeddedFile* files;
  size_t count;
  const EmbeddedFile* find(std::string_view name) const {
    for (size_t i = 0; i < count; ++i)
      if (files[i].name == name) return &files[i];
    return nullptr;
  }
};

}  // namespace clown
