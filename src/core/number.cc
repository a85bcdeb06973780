#include "core/number.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

namespace erphub {
namespace {

constexpr uint64_t kPow10[20] = {1ULL,
                                 10ULL,
                                 100ULL,
                                 1000ULL,
                                 10000ULL,
                                 100000ULL,
                                 1000000ULL,
                                 10000000ULL,
                                 100000000ULL,
                                 1000000000ULL,
                                 10000000000ULL,
                                 100000000000ULL,
                                 1000000000000ULL,
                                 10000000000000ULL,
                                 100000000000000ULL,
                                 1000000000000000ULL,
                                 10000000000000000ULL,
                                 100000000000000000ULL,
                                 1000000000000000000ULL,
                                 10000000000000000000ULL};

// Powers of ten that doubles hold exactly.
constexpr double kPow10Double[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

constexpr int64_t kMaxSafeInteger = int64_t{1} << 53;

// Exact numbers stay within the normal double range, so they print as JavaScript would print
// the same value: with `adjusted` = digits + exponent, 10^(adjusted-1) <= |x| < 10^adjusted.
constexpr int64_t kMinAdjusted = -306;
constexpr int64_t kMaxAdjusted = 308;

int CountDigits(uint64_t v) {
  int n = 1;
  while (n < 20 && v >= kPow10[n]) {
    ++n;
  }
  return n;
}

uint64_t Magnitude(int64_t c) {
  return c < 0 ? uint64_t{0} - static_cast<uint64_t>(c) : static_cast<uint64_t>(c);
}

// The double nearest to c x 10^e, correctly rounded.
double DecimalToDouble(int64_t c, int64_t e) {
  if (c == 0) {
    return 0;
  }
  if (c > -kMaxSafeInteger && c < kMaxSafeInteger && e >= -22 && e <= 22) {
    // Both operands are exact doubles, so one IEEE operation rounds correctly.
    double d = static_cast<double>(c);
    return e >= 0 ? d * kPow10Double[e] : d / kPow10Double[-e];
  }
  double sign = c < 0 ? -1.0 : 1.0;
  int64_t adjusted = CountDigits(Magnitude(c)) + e;
  if (adjusted > 400) {
    return sign * std::numeric_limits<double>::infinity();
  }
  if (adjusted < -400) {
    return sign * 0.0;
  }
  char buf[48];
  auto r = std::to_chars(buf, buf + 24, c);
  *r.ptr++ = 'e';
  r = std::to_chars(r.ptr, buf + sizeof(buf), e);
  double d = 0;
  auto parsed = std::from_chars(buf, r.ptr, d);
  if (parsed.ec == std::errc::result_out_of_range) {
    return adjusted > 0 ? sign * std::numeric_limits<double>::infinity() : sign * 0.0;
  }
  return d;
}

// Writes sign, digits and decimal-point position n (value = 0.digits x 10^n) by the notation rule
// of ECMAScript Number::toString.
void AppendJsNotation(std::string& out, bool negative, std::string_view digits, int64_t n) {
  int64_t k = static_cast<int64_t>(digits.size());
  if (negative) {
    out.push_back('-');
  }
  if (k <= n && n <= 21) {
    out.append(digits);
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits.substr(0, static_cast<size_t>(n)));
    out.push_back('.');
    out.append(digits.substr(static_cast<size_t>(n)));
  } else if (-6 < n && n <= 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-n), '0');
    out.append(digits);
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits.substr(1));
    }
    out.push_back('e');
    int64_t exp = n - 1;
    out.push_back(exp < 0 ? '-' : '+');
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), exp < 0 ? -exp : exp);
    out.append(buf, r.ptr);
  }
}

// Shortest round-trip digits of a finite nonzero |d|, and the power of ten of its first digit.
struct ShortestDigits {
  char digits[24];
  int length = 0;
  int exponent = 0;  // value = d.ddd x 10^exponent
  std::string_view view() const { return std::string_view(digits, static_cast<size_t>(length)); }
};

ShortestDigits Shortest(double magnitude) {
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof(buf), magnitude, std::chars_format::scientific);
  ShortestDigits s;
  const char* p = buf;
  while (p < r.ptr && *p != 'e') {
    if (*p != '.') {
      s.digits[s.length++] = *p;
    }
    ++p;
  }
  if (p < r.ptr) {
    ++p;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+') {
      ++p;
    }
    int e = 0;
    std::from_chars(p, r.ptr, e);
    s.exponent = neg ? -e : e;
  }
  return s;
}

// Parses digits x 10^exponent (digits nonempty, without sign) to the nearest double.
double ParseScaled(std::string_view digits, int64_t exponent) {
  char buf[64];
  std::memcpy(buf, digits.data(), digits.size());
  char* p = buf + digits.size();
  *p++ = 'e';
  auto r = std::to_chars(p, buf + sizeof(buf), exponent);
  double d = 0;
  auto parsed = std::from_chars(buf, r.ptr, d);
  if (parsed.ec == std::errc::result_out_of_range) {
    return exponent + static_cast<int64_t>(digits.size()) > 0
               ? std::numeric_limits<double>::infinity()
               : 0.0;
  }
  return d;
}

// Math.round: the nearest integer, ties toward +infinity.
double JsMathRound(double x) {
  if (!std::isfinite(x) || std::floor(x) == x) {
    return x;
  }
  double r = std::floor(x);
  if (x - r >= 0.5) {
    r += 1;
  }
  return r;
}

// The double nearest to c x 10^e for a coefficient wider than 64 bits.
double WideToDouble(__int128 c, int64_t e) {
  bool negative = c < 0;
  unsigned __int128 m = negative ? -static_cast<unsigned __int128>(c) : c;
  char reversed[48];
  int length = 0;
  do {
    reversed[length++] = static_cast<char>('0' + static_cast<int>(m % 10));
    m /= 10;
  } while (m != 0);
  char digits[48];
  for (int i = 0; i < length; ++i) {
    digits[i] = reversed[length - 1 - i];
  }
  double d = ParseScaled(std::string_view(digits, static_cast<size_t>(length)), e);
  return negative ? -d : d;
}

bool MulPow10(int64_t c, int64_t digits, int64_t* out) {
  if (digits < 0 || digits > 18) {
    return false;
  }
  return !__builtin_mul_overflow(c, static_cast<int64_t>(kPow10[digits]), out);
}

}  // namespace

// Normalizes a wide coefficient; any value that does not fit becomes a double.
static Number MakeExactWide(__int128 c, int64_t e) {
  if (c == 0) {
    return Number();
  }
  while (c % 10 == 0) {
    c /= 10;
    ++e;
  }
  if (c > std::numeric_limits<int64_t>::max() || c <= std::numeric_limits<int64_t>::min()) {
    return Number::FromDouble(WideToDouble(c, e));
  }
  return Number::Exact(static_cast<int64_t>(c),
                       static_cast<int32_t>(std::clamp<int64_t>(e, -1000000, 1000000)));
}

Number Number::Exact(int64_t coefficient, int32_t exponent) {
  if (coefficient == 0) {
    return Number();
  }
  int64_t e = exponent;
  if (coefficient == std::numeric_limits<int64_t>::min()) {
    return Inexact(DecimalToDouble(coefficient, e));
  }
  while (coefficient % 10 == 0) {
    coefficient /= 10;
    ++e;
  }
  // With at most 19 digits, exponents in this band always keep the value in range.
  if (e < kMinAdjusted || e > kMaxAdjusted - 19) {
    int64_t adjusted = CountDigits(Magnitude(coefficient)) + e;
    if (adjusted < kMinAdjusted || adjusted > kMaxAdjusted) {
      return Inexact(DecimalToDouble(coefficient, e));
    }
  }
  Number n;
  n.coefficient_ = coefficient;
  n.exponent_ = static_cast<int32_t>(e);
  return n;
}

Number Number::FromDouble(double value) {
  if (value > -static_cast<double>(kMaxSafeInteger) &&
      value < static_cast<double>(kMaxSafeInteger) && std::trunc(value) == value &&
      !(value == 0 && std::signbit(value))) {
    return Exact(static_cast<int64_t>(value), 0);
  }
  return Inexact(value);
}

std::optional<Number> Number::Parse(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  bool negative = false;
  if (p < end && (*p == '-' || *p == '+')) {
    negative = *p == '-';
    ++p;
  }
  const char* digits_begin = p;
  uint64_t coefficient = 0;
  int64_t pending_zeros = 0;  // zeros after the last nonzero digit
  int64_t fraction_digits = 0;
  int64_t integer_digits = 0;    // significant integer digits (after leading zeros)
  int64_t leading_fraction = 0;  // zeros after the point before the first nonzero digit
  bool seen_nonzero = false;
  bool overflow = false;
  auto take_digit = [&](int d, bool in_fraction) {
    if (in_fraction) {
      ++fraction_digits;
    }
    if (seen_nonzero && !in_fraction) {
      ++integer_digits;
    }
    if (d == 0) {
      if (seen_nonzero) {
        ++pending_zeros;
      } else if (in_fraction) {
        ++leading_fraction;
      }
      return;
    }
    if (!seen_nonzero) {
      seen_nonzero = true;
      if (!in_fraction) {
        integer_digits = 1;
      }
    }
    if (overflow) {
      return;
    }
    if (pending_zeros > 0) {
      if (pending_zeros > 19 ||
          __builtin_mul_overflow(coefficient, kPow10[pending_zeros], &coefficient)) {
        overflow = true;
        return;
      }
      pending_zeros = 0;
    }
    if (__builtin_mul_overflow(coefficient, uint64_t{10}, &coefficient) ||
        __builtin_add_overflow(coefficient, static_cast<uint64_t>(d), &coefficient)) {
      overflow = true;
    }
  };
  while (p < end && *p >= '0' && *p <= '9') {
    take_digit(*p - '0', false);
    ++p;
  }
  if (p == digits_begin) {
    return std::nullopt;
  }
  if (p < end && *p == '.') {
    ++p;
    const char* fraction_begin = p;
    while (p < end && *p >= '0' && *p <= '9') {
      take_digit(*p - '0', true);
      ++p;
    }
    if (p == fraction_begin) {
      return std::nullopt;
    }
  }
  int64_t exponent = 0;
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool exponent_negative = false;
    if (p < end && (*p == '-' || *p == '+')) {
      exponent_negative = *p == '-';
      ++p;
    }
    const char* exponent_begin = p;
    while (p < end && *p >= '0' && *p <= '9') {
      if (exponent < 100000000) {  // saturates far outside the double range
        exponent = exponent * 10 + (*p - '0');
      }
      ++p;
    }
    if (p == exponent_begin) {
      return std::nullopt;
    }
    if (exponent_negative) {
      exponent = -exponent;
    }
  }
  if (p != end) {
    return std::nullopt;
  }
  if (!seen_nonzero) {
    return Number();
  }
  if (!overflow && coefficient <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    int64_t e = exponent - fraction_digits + pending_zeros;
    int64_t c = negative ? -static_cast<int64_t>(coefficient) : static_cast<int64_t>(coefficient);
    Number n = MakeExactWide(c, e);
    if (!n.IsFinite()) {
      return std::nullopt;
    }
    return n;
  }
  // Too many digits for an int64: the nearest double, as JavaScript reads it.
  double d = 0;
  auto parsed = std::from_chars(digits_begin, end, d);
  if (parsed.ec == std::errc::result_out_of_range) {
    int64_t adjusted = seen_nonzero && integer_digits > 0 ? integer_digits : -leading_fraction;
    if (adjusted + exponent > 0) {
      return std::nullopt;
    }
    d = 0;
  } else if (parsed.ec != std::errc() || parsed.ptr != end) {
    return std::nullopt;
  }
  if (!std::isfinite(d)) {
    return std::nullopt;
  }
  return FromDouble(negative ? -d : d);
}

double Number::ToDouble() const {
  return exact_ ? DecimalToDouble(coefficient_, exponent_) : double_;
}

bool Number::IsInteger() const {
  if (exact_) {
    return exponent_ >= 0;
  }
  return std::isfinite(double_) && std::floor(double_) == double_;
}

std::optional<int64_t> Number::ToInt64() const {
  if (exact_) {
    int64_t out = 0;
    if (exponent_ >= 0 && MulPow10(coefficient_, exponent_, &out)) {
      return out;
    }
    return std::nullopt;
  }
  // 2^63 is exact as a double; the range check also rejects NaN.
  if (double_ >= -9223372036854775808.0 && double_ < 9223372036854775808.0 &&
      std::floor(double_) == double_) {
    return static_cast<int64_t>(double_);
  }
  return std::nullopt;
}

bool Number::IsZero() const { return exact_ ? coefficient_ == 0 : double_ == 0; }

bool Number::IsNegative() const { return exact_ ? coefficient_ < 0 : double_ < 0; }

bool Number::IsFinite() const { return exact_ || std::isfinite(double_); }

std::string Number::ToString() const {
  std::string out;
  AppendTo(out);
  return out;
}

void Number::AppendTo(std::string& out) const {
  if (exact_) {
    if (coefficient_ == 0) {
      out.push_back('0');
      return;
    }
    if (exponent_ == 0) {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof(buf), coefficient_);
      out.append(buf, r.ptr);
      return;
    }
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), Magnitude(coefficient_));
    std::string_view digits(buf, static_cast<size_t>(r.ptr - buf));
    AppendJsNotation(out, coefficient_ < 0, digits,
                     static_cast<int64_t>(digits.size()) + exponent_);
    return;
  }
  double d = double_;
  if (std::isnan(d)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(d)) {
    out.append(d < 0 ? "-Infinity" : "Infinity");
    return;
  }
  if (d == 0) {
    out.push_back('0');
    return;
  }
  ShortestDigits s = Shortest(std::fabs(d));
  AppendJsNotation(out, d < 0, s.view(), s.exponent + 1);
}

Number operator+(const Number& a, const Number& b) {
  if (a.exact_ && b.exact_) {
    if (a.coefficient_ == 0) {
      return b;
    }
    if (b.coefficient_ == 0) {
      return a;
    }
    int64_t sum = 0;
    if (a.exponent_ == b.exponent_) {
      if (!__builtin_add_overflow(a.coefficient_, b.coefficient_, &sum)) {
        return Number::Exact(sum, a.exponent_);
      }
      return MakeExactWide(static_cast<__int128>(a.coefficient_) + b.coefficient_, a.exponent_);
    }
    const Number& hi = a.exponent_ > b.exponent_ ? a : b;
    const Number& lo = a.exponent_ > b.exponent_ ? b : a;
    int64_t diff = static_cast<int64_t>(hi.exponent_) - lo.exponent_;
    int64_t scaled = 0;
    if (MulPow10(hi.coefficient_, diff, &scaled)) {
      if (!__builtin_add_overflow(scaled, lo.coefficient_, &sum)) {
        return Number::Exact(sum, lo.exponent_);
      }
      return MakeExactWide(static_cast<__int128>(scaled) + lo.coefficient_, lo.exponent_);
    }
  }
  return Number::FromDouble(a.ToDouble() + b.ToDouble());
}

Number Number::operator-() const {
  if (exact_) {
    Number n = *this;
    n.coefficient_ = -coefficient_;  // never INT64_MIN
    return n;
  }
  return Inexact(-double_);
}

Number operator-(const Number& a, const Number& b) { return a + (-b); }

Number operator*(const Number& a, const Number& b) {
  if (a.exact_ && b.exact_) {
    int64_t product = 0;
    int64_t e = static_cast<int64_t>(a.exponent_) + b.exponent_;
    if (!__builtin_mul_overflow(a.coefficient_, b.coefficient_, &product)) {
      if (product == 0) {
        return Number();
      }
      // The common case needs no 128-bit arithmetic (whose division is a library call).
      return Number::Exact(product,
                           static_cast<int32_t>(std::clamp<int64_t>(e, -1000000, 1000000)));
    }
    return MakeExactWide(static_cast<__int128>(a.coefficient_) * b.coefficient_, e);
  }
  return Number::FromDouble(a.ToDouble() * b.ToDouble());
}

Number operator/(const Number& a, const Number& b) {
  if (a.exact_ && b.exact_ && b.coefficient_ != 0) {
    if (a.coefficient_ == 0) {
      return Number();
    }
    uint64_t num = Magnitude(a.coefficient_);
    uint64_t den = Magnitude(b.coefficient_);
    uint64_t g = std::gcd(num, den);
    num /= g;
    den /= g;
    // The quotient terminates when the reduced denominator is 2^twos x 5^fives; then
    // num / den = num x 2^(m-twos) x 5^(m-fives) / 10^m with m = max(twos, fives).
    int twos = __builtin_ctzll(den);
    den >>= twos;
    int fives = 0;
    while (den % 5 == 0) {
      den /= 5;
      ++fives;
    }
    if (den == 1) {
      int m = std::max(twos, fives);
      bool ok = true;
      for (int i = twos; i < m && ok; ++i) {
        ok = !__builtin_mul_overflow(num, uint64_t{2}, &num);
      }
      for (int i = fives; i < m && ok; ++i) {
        ok = !__builtin_mul_overflow(num, uint64_t{5}, &num);
      }
      if (ok && num <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        int64_t q = static_cast<int64_t>(num);
        bool negative = (a.coefficient_ < 0) != (b.coefficient_ < 0);
        return MakeExactWide(negative ? -q : q,
                             static_cast<int64_t>(a.exponent_) - b.exponent_ - m);
      }
    }
  }
  return Number::FromDouble(a.ToDouble() / b.ToDouble());
}

Number operator%(const Number& a, const Number& b) {
  if (a.exact_ && b.exact_ && b.coefficient_ != 0) {
    int32_t e = std::min(a.exponent_, b.exponent_);
    int64_t x = 0;
    int64_t y = 0;
    if (MulPow10(a.coefficient_, static_cast<int64_t>(a.exponent_) - e, &x) &&
        MulPow10(b.coefficient_, static_cast<int64_t>(b.exponent_) - e, &y)) {
      return Number::Exact(y == -1 ? 0 : x % y, e);
    }
  }
  return Number::FromDouble(std::fmod(a.ToDouble(), b.ToDouble()));
}

// Exact numbers compare exactly. A double against anything compares as doubles: an exact number
// meets a double only where JavaScript would hold both as doubles, so `$sqrt(0.01) = 0.1` holds.
int Compare(const Number& a, const Number& b) {
  if (a.exact_ && b.exact_) {
    int sa = (a.coefficient_ > 0) - (a.coefficient_ < 0);
    int sb = (b.coefficient_ > 0) - (b.coefficient_ < 0);
    if (sa != sb) {
      return sa < sb ? -1 : 1;
    }
    if (sa == 0) {
      return 0;
    }
    if (a.exponent_ == b.exponent_) {
      return a.coefficient_ < b.coefficient_ ? -1 : (a.coefficient_ > b.coefficient_ ? 1 : 0);
    }
    int64_t adjusted_a = CountDigits(Magnitude(a.coefficient_)) + a.exponent_;
    int64_t adjusted_b = CountDigits(Magnitude(b.coefficient_)) + b.exponent_;
    if (adjusted_a != adjusted_b) {
      bool a_smaller_magnitude = adjusted_a < adjusted_b;
      return (a_smaller_magnitude == (sa > 0)) ? -1 : 1;
    }
    // Same magnitude class, so the exponents differ by at most 18.
    __int128 x = a.coefficient_;
    __int128 y = b.coefficient_;
    if (a.exponent_ > b.exponent_) {
      x *= kPow10[a.exponent_ - b.exponent_];
    } else {
      y *= kPow10[b.exponent_ - a.exponent_];
    }
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  double x = a.ToDouble();
  double y = b.ToDouble();
  if (std::isnan(x) || std::isnan(y)) {
    // NaN sorts after every number and equals itself, keeping the order total.
    return std::isnan(x) == std::isnan(y) ? 0 : (std::isnan(x) ? 1 : -1);
  }
  return x < y ? -1 : (x > y ? 1 : 0);
}

Number Number::RoundHalfEven(int digits) const {
  if (exact_) {
    int64_t target = -static_cast<int64_t>(digits);
    if (exponent_ >= target || coefficient_ == 0) {
      return *this;
    }
    int64_t drop = target - exponent_;
    if (drop > 19) {
      return Number();  // |coefficient| < 10^19 / 2
    }
    uint64_t magnitude = Magnitude(coefficient_);
    uint64_t unit = kPow10[drop];
    uint64_t q = magnitude / unit;
    uint64_t r = magnitude % unit;
    // Compare 2r with unit without overflowing: r >= unit - r.
    uint64_t rest = unit - r;
    if (r > rest || (r == rest && (q & 1) != 0)) {
      ++q;
    }
    int64_t rounded = static_cast<int64_t>(q);
    return MakeExactWide(coefficient_ < 0 ? -rounded : rounded, target);
  }
  if (!std::isfinite(double_) || double_ == 0) {
    return *this;
  }
  // As the reference does: shift the decimal point in the shortest decimal text, round half up,
  // correct ties to even, then shift back in text.
  double arg = double_;
  if (digits != 0) {
    ShortestDigits s = Shortest(std::fabs(arg));
    double shifted = ParseScaled(s.view(), s.exponent - (s.length - 1) + int64_t{digits});
    if (!std::isfinite(shifted)) {
      return *this;
    }
    arg = arg < 0 ? -shifted : shifted;
  }
  double result = JsMathRound(arg);
  if (std::fabs(result - arg) == 0.5 && std::fabs(std::fmod(result, 2.0)) == 1.0) {
    result -= 1;
  }
  if (result == 0) {
    return Number();
  }
  if (digits == 0) {
    return FromDouble(result);
  }
  if (std::fabs(result) < static_cast<double>(kPow10[15])) {
    // The shifted-back text is result x 10^-digits exactly; keep it as that decimal.
    return MakeExactWide(static_cast<int64_t>(result), -int64_t{digits});
  }
  ShortestDigits s = Shortest(std::fabs(result));
  double back = ParseScaled(s.view(), s.exponent - (s.length - 1) - int64_t{digits});
  return FromDouble(result < 0 ? -back : back);
}

Number Number::Floor() const {
  if (!exact_) {
    return FromDouble(std::floor(double_));
  }
  if (exponent_ >= 0) {
    return *this;
  }
  if (-exponent_ > 18) {
    return FromInt(coefficient_ < 0 ? -1 : 0);
  }
  int64_t unit = static_cast<int64_t>(kPow10[-exponent_]);
  int64_t q = coefficient_ / unit;
  if (coefficient_ % unit < 0) {
    --q;
  }
  return FromInt(q);
}

Number Number::Ceil() const {
  if (!exact_) {
    return FromDouble(std::ceil(double_));
  }
  if (exponent_ >= 0) {
    return *this;
  }
  if (-exponent_ > 18) {
    return FromInt(coefficient_ > 0 ? 1 : 0);
  }
  int64_t unit = static_cast<int64_t>(kPow10[-exponent_]);
  int64_t q = coefficient_ / unit;
  if (coefficient_ % unit > 0) {
    ++q;
  }
  return FromInt(q);
}

Number Number::Abs() const {
  if (exact_) {
    return coefficient_ < 0 ? -*this : *this;
  }
  return Inexact(std::fabs(double_));
}

}  // namespace erphub
