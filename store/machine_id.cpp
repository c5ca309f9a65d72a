#include "store/machine_id.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>

#include "common/fd.hpp"
#include "common/file_io.hpp"

namespace clown::store {

namespace {

// A version-4 (random) UUID (RFC 4122 section 4.4).
Expected<std::string> random_uuid() {
  uint8_t b[16];
  size_t got = 0;
  while (got < sizeof b) {
    const ssize_t n = ::getrandom(b + got, sizeof b - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno_message("cannot read random bytes for the machine id"));
    got += static_cast<size_t>(n);
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  char text[37];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return std::string(text);
}

Expected<std::string> read_id(const fs::path& file) {
  TRY_ASSIGN(auto text, read_file(file));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  if (!is_machine_id(text))
    return fail(file.string() + " does not hold a machine id (a UUID such as 0f8e…-…); remove it to get a new one");
  return text;
}

// Writes a new id to a private temporary file, then links it into place:
// link() never replaces an existing file, so a concurrent creator's id wins.
Expected<void> create_id(const fs::path& file) {
  TRY_ASSIGN(const auto id, random_uuid());
  const fs::path tmp = file.string() + ".tmp." + std::to_string(::getpid());
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd) return fail(errno_message("cannot create " + tmp.string()));
    ::fchmod(fd.get(), 0644);  // whatever the umask
    const std::string line = id + "\n";
    if (::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()) || ::fsync(fd.get()) != 0) {
      ::unlink(tmp.c_str());
      return fail(errno_message("cannot write " + tmp.string()));
    }
  }
  const int rc = ::link(tmp.c_str(), file.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (rc != 0 && link_errno != EEXIST) {
    errno = link_errno;
    return fail(errno_message("cannot create " + file.string()));
  }
  return {};
}

}  // namespace

fs::path machine_id_file(const Paths& paths) { return paths.root / "machine-id"; }

bool is_machine_id(std::string_view t) {
  if (t.size() != 36) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = t[i];
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_machine_name(std::string_view t) {
  if (is_machine_id(t)) return true;
  if (t.empty() || t.size() > 200) return false;
  return std::none_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

std::string known_machine_id(const Paths& paths) {
  std::error_code ec;
  if (!fs::exists(machine_id_file(paths), ec)) return "";
  return read_id(machine_id_file(paths)).value_or("");
}

Expected<std::string> machine_id(const Paths& paths) {
  const fs::path file = machine_id_file(paths);
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    TRY(ensure_dir(paths.root));
    TRY(create_id(file));
  }
  return read_id(file);
}

}  // namespace clown::store
