#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

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
