#pragma once

#include <cstdint>
#include <string>

#include "core/number.h"

namespace erphub::jsonata {

// An arbitrary-precision decimal, digits x 10^exponent, for formatting numbers exactly: picture
// formatting shifts, rounds and prints, and must not pass money through binary doubles.
class DecimalDigits {
 public:
  DecimalDigits() = default;
  // Exact numbers by their coefficient and exponent; doubles by their shortest round-trip
  // decimal (what JavaScript prints for them), which is the decimal the reference rounds.
  static DecimalDigits FromNumber(const Number& n);
  static DecimalDigits FromDouble(double d);

  bool IsZero() const { return digits_.empty(); }
  bool negative() const { return negative_; }

  // Multiplies by 10^k.
  void Shift(int64_t k) {
    if (!IsZero()) {
      exponent_ += k;
    }
  }
  // Compares |this| with 10^k: <0, 0, >0.
  int CompareMagnitudeWithPowerOfTen(int64_t k) const;
  // Rounds half to even at `places` fraction digits (the reference's $round).
  void RoundHalfEven(int64_t places);
  // |this| with exactly `places` fraction digits ("0.50", "12"); assumes no more fraction digits
  // than that remain (round first).
  std::string FixedMagnitude(int64_t places) const;

 private:
  void Normalize();

  bool negative_ = false;
  std::string digits_;  // no leading or trailing zeros; empty for zero
  int64_t exponent_ = 0;
};

}  // namespace erphub::jsonata
