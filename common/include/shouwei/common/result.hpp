// Errors as values. Anything that can fail on the OS or on input returns Result<T>: either a
// value or an Error naming what went wrong (the file, the field, the call) in one line.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace shouwei {

enum class Errc {
  invalid_argument,   // the caller passed something unusable
  not_found,          // a file, key, row or device does not exist
  permission_denied,  // the OS refused access, or a key file is too permissive
  io,                 // read/write/fsync failed (disk full included)
  parse,              // malformed input (JSON, TOML, base64, PEM, a file format)
  crypto,             // signature invalid, key unusable, OpenSSL failure
  unsupported,        // an algorithm, schema or platform feature we do not handle
  conflict,           // replay, duplicate, version not newer
  corrupt,            // stored state is damaged (database, cache file)
  limit_exceeded,     // input larger than allowed
  unavailable,        // a peer or service is not reachable right now
  internal,           // a broken invariant of ours
};

std::string_view to_string(Errc code) noexcept;

struct Error {
  Errc code;
  std::string message;

  // "message" already names the subject; this prefixes nothing so it reads as one line.
  const std::string& what() const noexcept { return message; }
};

// The failing side of a Result, constructed with fail(...).
struct Failure {
  Error error;
};

inline Failure fail(Errc code, std::string message) { return Failure{Error{code, std::move(message)}}; }
inline Failure fail(Error error) { return Failure{std::move(error)}; }

// REQUIRES: value() is only called when ok(); error() only when !ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Failure f) : state_(std::in_place_index<1>, std::move(f.error)) {}  // NOLINT

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure f) : error_(std::move(f.error)), ok_(false) {}  // NOLINT

  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_{Errc::internal, {}};
  bool ok_ = true;
};

// Propagates the error of a Result-returning expression, binding its value otherwise.
#define SHOUWEI_TRY_CONCAT_INNER(a, b) a##b
#define SHOUWEI_TRY_CONCAT(a, b) SHOUWEI_TRY_CONCAT_INNER(a, b)
#define SHOUWEI_TRY(decl, expr) SHOUWEI_TRY_IMPL(SHOUWEI_TRY_CONCAT(shouwei_try_, __LINE__), decl, expr)
#define SHOUWEI_TRY_IMPL(tmp, decl, expr)         \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return ::shouwei::fail(std::move(tmp).error()); \
  decl = std::move(tmp).value()
#define SHOUWEI_TRY_VOID(expr)                                                   \
  do {                                                                           \
    auto shouwei_try_void_ = (expr);                                             \
    if (!shouwei_try_void_.ok()) return ::shouwei::fail(std::move(shouwei_try_void_).error()); \
  } while (0)

}  // namespace shouwei
