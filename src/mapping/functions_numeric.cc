// JSONata's numeric functions. Exact decimals stay exact through $sum, $round, $abs, $floor,
// $ceil, $max, $min and $power with integer exponents; the rest compute in binary doubles, as
// JavaScript does.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "core/json.h"
#include "mapping/function.h"

namespace erphub::jsonata {
namespace {

using Args = std::span<const Value>;

const Value& Arg(Args args, size_t i) {
  static const Value& undefined = *new Value();
  return i < args.size() ? args[i] : undefined;
}

Error ErrorWithValue(CallContext& ctx, std::string code, std::string message, Value value) {
  Error error = ctx.MakeError(std::move(code), std::move(message));
  error.mutable_info().value = std::move(value);
  return error;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Decimal text as $number accepts it: -?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)? (leading zeros
// allowed, unlike JSON). Returns nullopt for other text and for values out of double range.
std::optional<Number> ParseDecimal(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    ++i;
  }
  size_t int_start = i;
  while (i < text.size() && IsDigit(text[i])) {
    ++i;
  }
  if (i == int_start) {
    return std::nullopt;
  }
  // Leading zeros would not be JSON; drop them, keeping one digit.
  size_t first_significant = int_start;
  while (first_significant + 1 < i && text[first_significant] == '0') {
    ++first_significant;
  }
  if (i < text.size() && text[i] == '.') {
    size_t fraction_start = ++i;
    while (i < text.size() && IsDigit(text[i])) {
      ++i;
    }
    if (i == fraction_start) {
      return std::nullopt;
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      ++i;
    }
    size_t exponent_start = i;
    while (i < text.size() && IsDigit(text[i])) {
      ++i;
    }
    if (i == exponent_start) {
      return std::nullopt;
    }
  }
  if (i != text.size()) {
    return std::nullopt;
  }
  if (first_significant == int_start) {
    return Number::Parse(text);  // already JSON number text
  }
  std::string normalized(text.substr(0, int_start));  // the sign, if any
  normalized.append(text.substr(first_significant));
  return Number::Parse(normalized);
}

// JavaScript's Number() of "0x1F", "0o17", "0b101" (no sign, the whole text).
std::optional<Number> ParseRadixLiteral(std::string_view text) {
  if (text.size() < 3 || text[0] != '0') {
    return std::nullopt;
  }
  int radix;
  switch (text[1]) {
    case 'x':
    case 'X':
      radix = 16;
      break;
    case 'o':
    case 'O':
      radix = 8;
      break;
    case 'b':
    case 'B':
      radix = 2;
      break;
    default:
      return std::nullopt;
  }
  uint64_t exact = 0;
  double approximate = 0;
  bool overflow = false;
  for (char c : text.substr(2)) {
    int digit;
    if (IsDigit(c)) {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    if (digit >= radix) {
      return std::nullopt;
    }
    approximate = approximate * radix + digit;
    if (exact > (UINT64_MAX - static_cast<uint64_t>(digit)) / static_cast<uint64_t>(radix)) {
      overflow = true;
    }
    exact = exact * static_cast<uint64_t>(radix) + static_cast<uint64_t>(digit);
  }
  if (!overflow && exact <= static_cast<uint64_t>(INT64_MAX)) {
    return Number::FromInt(static_cast<int64_t>(exact));
  }
  if (!std::isfinite(approximate)) {
    return std::nullopt;
  }
  return Number::FromDouble(approximate);
}

JResult<Value> FnNumber(CallContext& ctx, Args args) {
  const Value& arg = Arg(args, 0);
  if (arg.is_undefined() || arg.is_number()) {
    return arg;
  }
  if (arg.is_bool()) {
    return Value::Int(arg.as_bool() ? 1 : 0);
  }
  if (arg.is_string()) {
    std::optional<Number> number = ParseDecimal(arg.as_string());
    if (!number) {
      number = ParseRadixLiteral(arg.as_string());
    }
    if (number) {
      return Value::Num(*number);
    }
  }
  return ErrorWithValue(ctx, "D3030", "Unable to cast value to a number: " + ToJson(arg), arg);
}

JResult<Value> FnAbs(CallContext&, Args args) {
  const Value& arg = Arg(args, 0);
  return arg.is_number() ? Value::Num(arg.as_number().Abs()) : Value();
}

JResult<Value> FnFloor(CallContext&, Args args) {
  const Value& arg = Arg(args, 0);
  return arg.is_number() ? Value::Num(arg.as_number().Floor()) : Value();
}

JResult<Value> FnCeil(CallContext&, Args args) {
  const Value& arg = Arg(args, 0);
  return arg.is_number() ? Value::Num(arg.as_number().Ceil()) : Value();
}

JResult<Value> FnRound(CallContext&, Args args) {
  const Value& arg = Arg(args, 0);
  if (!arg.is_number()) {
    return Value();
  }
  int digits = 0;
  if (Arg(args, 1).is_number()) {
    // Beyond +-400 places every double rounds to itself or to zero.
    double precision = std::trunc(Arg(args, 1).as_number().ToDouble());
    digits = static_cast<int>(std::clamp(std::isnan(precision) ? 0.0 : precision, -400.0, 400.0));
  }
  Number rounded = arg.as_number().RoundHalfEven(digits);
  if (rounded.IsZero()) {
    rounded = Number();  // JSON has no negative zero
  }
  return Value::Num(rounded);
}

// base^exponent by repeated multiplication, exact while the coefficients fit.
Number ExactPower(const Number& base, int64_t exponent) {
  Number result = Number::FromInt(1);
  Number square = base;
  for (uint64_t e = static_cast<uint64_t>(exponent < 0 ? -exponent : exponent); e > 0; e >>= 1) {
    if (e & 1) {
      result = result * square;
    }
    if (e > 1) {
      square = square * square;
    }
  }
  return exponent < 0 ? Number::FromInt(1) / result : result;
}

JResult<Value> FnPower(CallContext& ctx, Args args) {
  const Value& base = Arg(args, 0);
  const Value& exponent = Arg(args, 1);
  if (!base.is_number() || !exponent.is_number()) {
    return Value();
  }
  Number b = base.as_number();
  Number e = exponent.as_number();
  std::optional<int64_t> integer_exponent = e.ToInt64();
  if (b.is_exact() && integer_exponent && *integer_exponent >= -64 && *integer_exponent <= 64 &&
      !(b.IsZero() && *integer_exponent < 0)) {
    Number exact = ExactPower(b, *integer_exponent);
    if (exact.is_exact()) {
      return Value::Num(exact);
    }
  }
  double result = std::pow(b.ToDouble(), e.ToDouble());
  if (!std::isfinite(result)) {
    return ErrorWithValue(ctx, "D3061",
                          "The power function has resulted in a value that cannot be represented "
                          "as a JSON number: base=" +
                              b.ToString() + ", exponent=" + e.ToString(),
                          base);
  }
  return Value::Double(result);
}

JResult<Value> FnSqrt(CallContext& ctx, Args args) {
  const Value& arg = Arg(args, 0);
  if (!arg.is_number()) {
    return Value();
  }
  if (arg.as_number().IsNegative()) {
    return ErrorWithValue(
        ctx, "D3060",
        "The sqrt function cannot be applied to a negative number: " + arg.as_number().ToString(),
        arg);
  }
  return Value::Double(std::sqrt(arg.as_number().ToDouble()));
}

JResult<Value> FnRandom(CallContext&, Args) {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return Value::Double(std::uniform_real_distribution<double>(0.0, 1.0)(engine));
}

// The numbers of an a<n> argument (a lone number counts as a one-element array).
std::span<const Value> Numbers(const Value& arg) {
  if (arg.is_array()) {
    return arg.as_array();
  }
  if (arg.is_number()) {
    return std::span<const Value>(&arg, 1);
  }
  return {};
}

JResult<Value> FnSum(CallContext&, Args args) {
  const Value& arg = Arg(args, 0);
  if (arg.is_undefined()) {
    return Value();
  }
  Number total;
  for (const Value& item : Numbers(arg)) {
    if (item.is_number()) {
      total = total + item.as_number();
    }
  }
  return Value::Num(total);
}

// The largest (sign 1) or smallest (sign -1) number; undefined for none.
Value Extreme(const Value& arg, int sign) {
  std::optional<Number> best;
  for (const Value& item : Numbers(arg)) {
    if (item.is_number() && (!best || Compare(item.as_number(), *best) * sign > 0)) {
      best = item.as_number();
    }
  }
  return best ? Value::Num(*best) : Value();
}

JResult<Value> FnMax(CallContext&, Args args) { return Extreme(Arg(args, 0), 1); }

JResult<Value> FnMin(CallContext&, Args args) { return Extreme(Arg(args, 0), -1); }

JResult<Value> FnAverage(CallContext&, Args args) {
  std::span<const Value> numbers = Numbers(Arg(args, 0));
  if (numbers.empty()) {
    return Value();
  }
  Number total;
  for (const Value& item : numbers) {
    if (item.is_number()) {
      total = total + item.as_number();
    }
  }
  return Value::Num(total / Number::FromInt(static_cast<int64_t>(numbers.size())));
}

constexpr BuiltinFunction kNumericFunctions[] = {
    {"number", "<(nsb)-:n>", FnNumber}, {"abs", "<n-:n>", FnAbs},
    {"floor", "<n-:n>", FnFloor},       {"ceil", "<n-:n>", FnCeil},
    {"round", "<n-n?:n>", FnRound},     {"power", "<n-n:n>", FnPower},
    {"sqrt", "<n-:n>", FnSqrt},         {"random", "<:n>", FnRandom},
    {"sum", "<a<n>:n>", FnSum},         {"max", "<a<n>:n>", FnMax},
    {"min", "<a<n>:n>", FnMin},         {"average", "<a<n>:n>", FnAverage},
};

}  // namespace

std::span<const BuiltinFunction> NumericFunctions() { return kNumericFunctions; }

}  // namespace erphub::jsonata
