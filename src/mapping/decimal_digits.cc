#include "mapping/decimal_digits.h"

#include <charconv>
#include <cstdlib>

namespace erphub::jsonata {

DecimalDigits DecimalDigits::FromNumber(const Number& n) {
  if (!n.is_exact()) {
    return FromDouble(n.ToDouble());
  }
  DecimalDigits d;
  int64_t c = n.coefficient();
  d.negative_ = c < 0;
  uint64_t magnitude = c < 0 ? 0 - static_cast<uint64_t>(c) : static_cast<uint64_t>(c);
  d.digits_ = magnitude == 0 ? "" : std::to_string(magnitude);
  d.exponent_ = n.exponent();
  d.Normalize();
  return d;
}

DecimalDigits DecimalDigits::FromDouble(double value) {
  DecimalDigits d;
  char buffer[64];
  // Shortest round-trip digits in scientific form: "d.ddde[+-]x".
  auto result =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  std::string text(buffer, result.ptr);
  size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    d.negative_ = true;
    ++i;
  }
  int64_t fraction_digits = 0;
  bool in_fraction = false;
  for (; i < text.size() && text[i] != 'e'; ++i) {
    if (text[i] == '.') {
      in_fraction = true;
      continue;
    }
    d.digits_.push_back(text[i]);
    if (in_fraction) {
      ++fraction_digits;
    }
  }
  int64_t exponent = 0;
  if (i < text.size()) {
    exponent = std::strtoll(text.c_str() + i + 1, nullptr, 10);
  }
  d.exponent_ = exponent - fraction_digits;
  d.Normalize();
  return d;
}

void DecimalDigits::Normalize() {
  size_t first = digits_.find_first_not_of('0');
  if (first == std::string::npos) {
    digits_.clear();
    exponent_ = 0;
    negative_ = false;
    return;
  }
  digits_.erase(0, first);
  size_t last = digits_.find_last_not_of('0');
  exponent_ += static_cast<int64_t>(digits_.size() - 1 - last);
  digits_.resize(last + 1);
}

int DecimalDigits::CompareMagnitudeWithPowerOfTen(int64_t k) const {
  if (IsZero()) {
    return -1;
  }
  int64_t leading = static_cast<int64_t>(digits_.size()) - 1 + exponent_;
  if (leading != k) {
    return leading < k ? -1 : 1;
  }
  return digits_ == "1" ? 0 : 1;
}

void DecimalDigits::RoundHalfEven(int64_t places) {
  if (IsZero() || exponent_ >= -places) {
    return;
  }
  int64_t drop = -places - exponent_;  // digits below the last kept place
  if (drop > static_cast<int64_t>(digits_.size()) + 1) {
    // Less than a tenth of the last kept place: rounds to zero.
    digits_.clear();
    Normalize();
    return;
  }
  if (drop > static_cast<int64_t>(digits_.size())) {
    digits_.insert(0, static_cast<size_t>(drop) - digits_.size(), '0');
  }
  size_t keep = digits_.size() - static_cast<size_t>(drop);
  char first_dropped = digits_[keep];
  bool rest_nonzero = digits_.find_first_not_of('0', keep + 1) != std::string::npos;
  char last_kept = keep > 0 ? digits_[keep - 1] : '0';
  bool up =
      first_dropped > '5' || (first_dropped == '5' && (rest_nonzero || (last_kept - '0') % 2 == 1));
  digits_.resize(keep);
  if (up) {
    size_t i = digits_.size();
    while (i > 0 && digits_[i - 1] == '9') {
      digits_[i - 1] = '0';
      --i;
    }
    if (i == 0) {
      digits_.insert(0, "1");
    } else {
      ++digits_[i - 1];
    }
  }
  exponent_ = -places;
  Normalize();
}

std::string DecimalDigits::FixedMagnitude(int64_t places) const {
  std::string integer_part;
  std::string fraction_part;
  if (!IsZero()) {
    if (exponent_ >= 0) {
      integer_part = digits_ + std::string(static_cast<size_t>(exponent_), '0');
    } else {
      size_t fraction_digits = static_cast<size_t>(-exponent_);
      if (fraction_digits >= digits_.size()) {
        fraction_part = std::string(fraction_digits - digits_.size(), '0') + digits_;
      } else {
        integer_part = digits_.substr(0, digits_.size() - fraction_digits);
        fraction_part = digits_.substr(digits_.size() - fraction_digits);
      }
    }
  }
  if (integer_part.empty()) {
    integer_part = "0";
  }
  if (places <= 0) {
    return integer_part;
  }
  if (static_cast<int64_t>(fraction_part.size()) < places) {
    fraction_part.append(static_cast<size_t>(places) - fraction_part.size(), '0');
  }
  return integer_part + "." + fraction_part;
}

}  // namespace erphub::jsonata
