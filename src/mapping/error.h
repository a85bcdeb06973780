#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/result.h"
#include "core/value.h"

namespace erphub::jsonata {

// A JSONata error, with the reference implementation's code ("S0201", "T2001", "D3001", "U1001"
// for the depth and time guards), the character position in the expression (-1 if unknown), and
// where the reference has them the offending token, value and function name.
class Error {
 public:
  struct Info {
    std::string code;
    std::string message;
    int64_t position = -1;
    std::string token;
    Value value;
    std::string function_name;
    bool compile_time = false;
  };

  Error(std::string code, std::string message, int64_t position = -1);
  explicit Error(Info info) : info_(std::make_unique<Info>(std::move(info))) {}
  Error(const Error& other) : info_(std::make_unique<Info>(*other.info_)) {}
  Error& operator=(const Error& other);
  Error(Error&&) noexcept = default;
  Error& operator=(Error&&) noexcept = default;

  const Info& info() const { return *info_; }
  Info& mutable_info() { return *info_; }
  std::string_view code() const { return info_->code; }
  std::string_view message() const { return info_->message; }
  int64_t position() const { return info_->position; }

  // Fills the position if it is still unknown.
  Error&& AtPosition(int64_t position) &&;

  // "T2001: message" (the code first, so callers and scripts can match on it).
  std::string ToString() const;
  // kInvalidArgument (kParse for compile errors) with ToString() as the message and
  // "position N" as the context.
  Status ToStatus() const;

  bool ok() const { return false; }
  Error&& error() && { return std::move(*this); }

 private:
  std::unique_ptr<Info> info_;
};

template <typename T>
using JResult = Result<T, Error>;

}  // namespace erphub::jsonata

namespace erphub {

// The evaluator returns a JResult from every node it evaluates. This form of Result keeps the
// value or the error in a plain union, so that creating, moving and destroying one is a few
// inline instructions (std::variant's destructor is an out-of-line visit). Same interface as
// Result<T, E>.
template <typename T>
class [[nodiscard]] Result<T, jsonata::Error> {
  using E = jsonata::Error;

 public:
  Result(const T& value) : ok_(true) { new (&value_) T(value); }        // NOLINT: implicit
  Result(T&& value) : ok_(true) { new (&value_) T(std::move(value)); }  // NOLINT
  Result(E error) : ok_(false) { new (&error_) E(std::move(error)); }   // NOLINT
  template <typename U, typename = std::enable_if_t<std::is_convertible_v<U&&, T> &&
                                                    !std::is_same_v<std::decay_t<U>, T> &&
                                                    !std::is_same_v<std::decay_t<U>, E>>>
  Result(U&& value) : ok_(true) {  // NOLINT
    new (&value_) T(std::forward<U>(value));
  }
  Result(const Result& other) : ok_(other.ok_) {
    if (ok_) {
      new (&value_) T(other.value_);
    } else {
      new (&error_) E(other.error_);
    }
  }
  Result(Result&& other) noexcept : ok_(other.ok_) {
    if (ok_) {
      new (&value_) T(std::move(other.value_));
    } else {
      new (&error_) E(std::move(other.error_));
    }
  }
  Result& operator=(const Result& other) {
    if (this != &other) {
      Result copy(other);
      *this = std::move(copy);
    }
    return *this;
  }
  Result& operator=(Result&& other) noexcept {
    if (this != &other) {
      Destroy();
      ok_ = other.ok_;
      if (ok_) {
        new (&value_) T(std::move(other.value_));
      } else {
        new (&error_) E(std::move(other.error_));
      }
    }
    return *this;
  }
  ~Result() { Destroy(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }

  T& value() & { return value_; }
  const T& value() const& { return value_; }
  T&& value() && { return std::move(value_); }
  T& operator*() & { return value_; }
  const T& operator*() const& { return value_; }
  T&& operator*() && { return std::move(value_); }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }

  const E& error() const& { return error_; }
  E&& error() && { return std::move(error_); }

 private:
  [[gnu::always_inline]] void Destroy() {
    if (ok_) [[likely]] {
      value_.~T();
    } else {
      DestroyError();
    }
  }
  [[gnu::noinline]] void DestroyError() { error_.~E(); }

  union {
    T value_;
    E error_;
  };
  bool ok_;
};

}  // namespace erphub
