#pragma once
// Expected failures are values (STYLE.md "Errors"): functions return
// clown::Expected<T>; library exceptions are caught at the module edge and
// turned into clown::Error with a message the user can act on.
#include <stdexcept>
#include <string>

#include <tl/expected.hpp>

namespace clown {

// Process exit codes, documented in `clown --help` and the README.
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_error = 1;        // runtime failure (I/O, network, bad data)
inline constexpr int k_exit_usage = 2;        // bad command line, unknown profile
inline constexpr int k_exit_not_found = 127;  // agent binary not found

struct Error {
  std::string message;
  int exit_code = k_exit_error;
};

template <class T>
using Expected = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(std::string message, int exit_code = k_exit_error) {
  return tl::unexpected<Error>(Error{std::move(message), exit_code});
}

// Thrown only from cli/ callbacks so main's single catch prints it and picks
// the exit code (CLI11 callbacks cannot return a value).
class Failure : public std::runtime_error {
 public:
  explicit Failure(Error error) : std::runtime_error(error.message), m_error(std::move(error)) {}
  const Error& error() const { return m_error; }

 private:
  Error m_error;
};

// Unwraps an Expected inside a CLI callback, throwing Failure on error.
template <class T>
T unwrap(Expected<T> value) {
  if (!value) throw Failure(std::move(value.error()));
  if constexpr (!std::is_void_v<T>) return std::move(*value);
}

}  // namespace clown
