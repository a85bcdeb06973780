#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace erphub {

// A JSON number that stays exact where it can. A number parsed from text or built from an
// integer is an exact decimal, coefficient x 10^exponent with an int64 coefficient; +, -, *,
// comparisons and rounding of exact numbers are exact. Division, functions such as $sqrt, and any
// exact operation that would overflow the coefficient produce a binary double, as JavaScript
// would. Exact numbers are normalized (no trailing zeros in the coefficient; zero is 0 x 10^0),
// so equal values have equal representations: 18.90 and 18.9 are the same Number.
class Number {
 public:
  // Zero.
  constexpr Number() = default;

  static Number FromInt(int64_t value) { return Exact(value, 0); }
  // Normalizes; falls back to a double if the exponent is out of range.
  static Number Exact(int64_t coefficient, int32_t exponent);
  // Integral doubles of magnitude below 2^53 become exact (same value); others stay doubles.
  static Number FromDouble(double value);
  // Parses JSON number syntax (also accepts a leading '+', leading zeros, and 'e'/'E' exponents).
  // Text with more significant digits than an int64 holds becomes the nearest double. Returns
  // nullopt when the text is not a number or the value is not finite.
  static std::optional<Number> Parse(std::string_view text);

  bool is_exact() const { return exact_; }
  // Exact numbers only.
  int64_t coefficient() const { return coefficient_; }
  int32_t exponent() const { return exponent_; }

  // The nearest double (correctly rounded).
  double ToDouble() const;
  bool IsInteger() const;
  // The value when it is an integer that fits an int64.
  std::optional<int64_t> ToInt64() const;
  bool IsZero() const;
  bool IsNegative() const;

  // The JavaScript text of the number, as JSON.stringify writes it: shortest round-trip digits,
  // plain notation for 1e-7 <= |x| < 1e21, otherwise "1.5e+21"/"1e-7". Exact numbers print their
  // exact digits by the same notation rule.
  std::string ToString() const;
  void AppendTo(std::string& out) const;

  friend Number operator+(const Number& a, const Number& b);
  friend Number operator-(const Number& a, const Number& b);
  friend Number operator*(const Number& a, const Number& b);
  // Exact when the quotient is a decimal of at most 18 significant digits (1/4, 10/5), otherwise
  // the double quotient. Division by zero gives an infinite double: callers check IsFinite().
  friend Number operator/(const Number& a, const Number& b);
  // Modulo with the sign of the dividend, like JavaScript's %.
  friend Number operator%(const Number& a, const Number& b);
  Number operator-() const;

  bool IsFinite() const;
  // Total order by value (exact and double compared by value).
  friend int Compare(const Number& a, const Number& b);
  friend bool operator==(const Number& a, const Number& b) { return Compare(a, b) == 0; }
  friend bool operator<(const Number& a, const Number& b) { return Compare(a, b) < 0; }

  // Rounds half to even at `digits` decimal places (negative digits round to tens, hundreds...);
  // exact in, exact out.
  Number RoundHalfEven(int digits) const;
  Number Floor() const;
  Number Ceil() const;
  Number Abs() const;

 private:
  friend class Value;  // stores the fields inline

  static Number Inexact(double value) {
    Number n;
    n.double_ = value;
    n.exact_ = false;
    return n;
  }

  union {
    int64_t coefficient_ = 0;  // exact: the coefficient
    double double_;            // inexact: the value
  };
  int32_t exponent_ = 0;
  bool exact_ = true;
};

}  // namespace erphub
