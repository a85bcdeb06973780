#include "mapping/error.h"

namespace erphub::jsonata {

Error::Error(std::string code, std::string message, int64_t position)
    : info_(std::make_unique<Info>()) {
  info_->code = std::move(code);
  info_->message = std::move(message);
  info_->position = position;
}

Error& Error::operator=(const Error& other) {
  if (this != &other) {
    info_ = std::make_unique<Info>(*other.info_);
  }
  return *this;
}

Error&& Error::AtPosition(int64_t position) && {
  if (info_->position < 0) {
    info_->position = position;
  }
  return std::move(*this);
}

std::string Error::ToString() const { return info_->code + ": " + info_->message; }

Status Error::ToStatus() const {
  std::string context;
  if (info_->position >= 0) {
    context = "position " + std::to_string(info_->position);
  }
  return Status(info_->compile_time ? StatusCode::kParse : StatusCode::kInvalidArgument, ToString(),
                std::move(context));
}

}  // namespace erphub::jsonata
