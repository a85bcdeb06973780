#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace erphub {

// What went wrong, coarse enough for the engine to route on: unavailable, deadline exceeded and
// resource exhausted are retried; everything else is permanent.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kParse,
  kNotFound,
  kAlreadyExists,
  kConflict,
  kPermissionDenied,
  kUnauthenticated,
  kFailedPrecondition,
  kOutOfRange,
  kUnavailable,
  kDeadlineExceeded,
  kResourceExhausted,
  kCancelled,
  kDataLoss,
  kUnimplemented,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

// Result of an operation: ok, or a code with a message and the place it refers to (a file:line:col,
// a JSON pointer, an EDI segment position). An ok Status holds no allocation.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string context = {});
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status Ok() { return Status(); }

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  std::string_view message() const { return rep_ ? std::string_view(rep_->message) : ""; }
  std::string_view context() const { return rep_ ? std::string_view(rep_->context) : ""; }

  // Transient failures may succeed when retried.
  bool IsTransient() const;

  // Returns a copy whose context is prefixed by `outer` ("erphub.yaml:3:1: flows.x").
  Status WithContext(std::string_view outer) const;

  // "context: message" or "message"; "ok" when ok.
  std::string ToString() const;

  // Lets ERPHUB_TRY treat Status and Result alike.
  Status&& error() && { return std::move(*this); }

 private:
  struct Rep {
    StatusCode code;
    std::string message;
    std::string context;
  };
  std::unique_ptr<Rep> rep_;
};

inline Status InvalidArgumentError(std::string message, std::string context = {}) {
  return Status(StatusCode::kInvalidArgument, std::move(message), std::move(context));
}
inline Status ParseError(std::string message, std::string context = {}) {
  return Status(StatusCode::kParse, std::move(message), std::move(context));
}
inline Status NotFoundError(std::string message, std::string context = {}) {
  return Status(StatusCode::kNotFound, std::move(message), std::move(context));
}
inline Status UnavailableError(std::string message, std::string context = {}) {
  return Status(StatusCode::kUnavailable, std::move(message), std::move(context));
}
inline Status InternalError(std::string message, std::string context = {}) {
  return Status(StatusCode::kInternal, std::move(message), std::move(context));
}
inline Status DeadlineExceededError(std::string message, std::string context = {}) {
  return Status(StatusCode::kDeadlineExceeded, std::move(message), std::move(context));
}
inline Status ResourceExhaustedError(std::string message, std::string context = {}) {
  return Status(StatusCode::kResourceExhausted, std::move(message), std::move(context));
}

}  // namespace erphub
