#include "ingest/log_text.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <memory>

#include <simdjson.h>

#include "common/fd.hpp"
#include "common/file_io.hpp"

namespace clown::ingest {

namespace {

Expected<std::string> read_zstd(const std::filesystem::path& path, size_t& stored) {
  TRY_ASSIGN(const std::string packed, read_file(path));
  stored = packed.size();
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!ctx) return fail("cannot decompress " + path.string() + ": out of memory");
  std::string out;
  std::string chunk(ZSTD_DStreamOutSize(), '\0');
  ZSTD_inBuffer in{packed.data(), packed.size(), 0};
  size_t last = 0;
  while (in.pos < in.size) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    last = ZSTD_decompressStream(ctx.get(), &o, &in);
    if (ZSTD_isError(last))
      return fail("cannot decompress " + path.string() + ": " + ZSTD_getErrorName(last) +
                  " (not a complete zstd file)");
    out.append(chunk.data(), o.pos);
  }
  // A frame cut short leaves the decoder waiting for more input.
  if (last != 0) return fail("cannot decompress " + path.string() + ": the zstd frame is truncated");
  return out;
}

}  // namespace

Expected<LogText> LogText::read(const std::filesystem::path& path) {
  LogText t;
  if (path.extension() == ".zst") {
    TRY_ASSIGN(t.m_buf, read_zstd(path, t.m_stored));
  } else {
    TRY_ASSIGN(t.m_buf, read_file(path));
    t.m_stored = t.m_buf.size();
  }
  t.pad();
  return t;
}

LogText LogText::copy_of(std::string_view text) {
  LogText t;
  t.m_buf.assign(text);
  t.m_stored = text.size();
  t.pad();
  return t;
}

void LogText::pad() {
  m_size = m_buf.size();
  m_buf.append(simdjson::SIMDJSON_PADDING, ' ');
}

}  // namespace clown::ingest
