#pragma once

#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/status.h"

namespace erphub {

// A value or an error, shaped like std::expected<T, E> (which g++ 12 lacks). E defaults to
// Status; the JSONata engine uses its own error type with the same interface.
template <typename T, typename E = Status>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : data_(std::in_place_index<0>, value) {}  // NOLINT: implicit by design
  Result(T&& value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Result(E error) : data_(std::in_place_index<1>, std::move(error)) {}    // NOLINT
  template <typename U, typename = std::enable_if_t<std::is_convertible_v<U&&, T> &&
                                                    !std::is_same_v<std::decay_t<U>, T> &&
                                                    !std::is_same_v<std::decay_t<U>, E>>>
  Result(U&& value) : data_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const& { return std::get<1>(data_); }
  E&& error() && { return std::get<1>(std::move(data_)); }

  // The Status of this result; only meaningful when E is Status.
  Status status() const {
    if (ok()) {
      return Status();
    }
    return error();
  }

 private:
  std::variant<T, E> data_;
};

}  // namespace erphub

#define ERPHUB_CONCAT_INNER_(a, b) a##b
#define ERPHUB_CONCAT_(a, b) ERPHUB_CONCAT_INNER_(a, b)

// Returns the error of `expr` (a Status or a Result) from the enclosing function.
#define ERPHUB_TRY(expr)                            \
  do {                                              \
    auto&& erphub_try_result_ = (expr);             \
    if (!erphub_try_result_.ok()) [[unlikely]] {    \
      return std::move(erphub_try_result_).error(); \
    }                                               \
  } while (false)

// Declares or assigns `lhs` from the value of the Result `expr`, or returns its error.
#define ERPHUB_ASSIGN_OR_RETURN(lhs, expr) \
  ERPHUB_ASSIGN_OR_RETURN_IMPL_(ERPHUB_CONCAT_(erphub_result_, __LINE__), lhs, expr)
#define ERPHUB_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) [[unlikely]] {                       \
    return std::move(tmp).error();                    \
  }                                                   \
  lhs = std::move(tmp).value()

// For bugs, never for input: aborts with the failed condition.
#define ERPHUB_CHECK(cond)                                        \
  do {                                                            \
    if (!(cond)) [[unlikely]] {                                   \
      ::erphub::internal::CheckFailed(#cond, __FILE__, __LINE__); \
    }                                                             \
  } while (false)

namespace erphub::internal {
[[noreturn]] void CheckFailed(const char* condition, const char* file, int line);
}  // namespace erphub::internal
