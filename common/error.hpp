#pragma once
// Expected failures are values (docs/design.md#errors): functions return
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

// Propagation without the noise (ccache's TRY): `TRY(expr);` returns expr's
// error from the enclosing function, which must return an Expected.
#define TRY(expr_)                                                                              \
  do {                                                                                          \
    auto&& clown_try_result_ = (expr_);                                                         \
    if (!clown_try_result_) return ::tl::unexpected<::clown::Error>(clown_try_result_.error()); \
  } while (false)

#define CLOWN_TRY_CONCAT_(a_, b_) a_##b_
#define CLOWN_TRY_NAME_(line_) CLOWN_TRY_CONCAT_(clown_try_value_, line_)
// `TRY_ASSIGN(auto x, expr);` declares x as expr's value, or returns its error.
#define TRY_ASSIGN(decl_, expr_) TRY_ASSIGN_IMPL_(CLOWN_TRY_NAME_(__LINE__), decl_, expr_)
#define TRY_ASSIGN_IMPL_(tmp_, decl_, expr_)                                   \
  auto tmp_ = (expr_);                                                         \
  if (!tmp_) return ::tl::unexpected<::clown::Error>(std::move(tmp_.error())); \
  decl_ = std::move(*tmp_)

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
