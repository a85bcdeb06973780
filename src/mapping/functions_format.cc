// $formatNumber, $formatBase, $formatInteger and $parseInteger.

#include <cmath>
#include <string>

#include "mapping/code_points.h"
#include "mapping/function.h"
#include "mapping/picture_integer.h"
#include "mapping/picture_number.h"

namespace erphub::jsonata {
namespace {

// A required argument that evaluated to nothing: the signature lets undefined through (JSONata
// treats it as missing), but these functions cannot do without it.
Error MissingArgument(const CallContext& ctx, int number, std::string_view function,
                      std::string_view expected) {
  return ctx.MakeError(
      "T0410", "Argument " + std::to_string(number) + " of function $" + std::string(function) +
                   " does not match function signature: " + std::string(expected) + " is required");
}

constexpr double kTwoTo53 = 9007199254740992.0;

Error AtCall(const CallContext& ctx, Error error) {
  return std::move(error).AtPosition(ctx.position());
}

// A double result of a parse as a JSONata number: integers stay exact.
Value NumberValue(double d) {
  if (d == std::floor(d) && std::fabs(d) <= kTwoTo53) {
    return Value::Int(static_cast<int64_t>(d));
  }
  return Value::Double(d);
}

JResult<Value> FormatNumber(CallContext& ctx, std::span<const Value> args) {
  if (args[0].is_undefined()) {
    return Value();
  }
  if (args[1].is_undefined()) {
    return MissingArgument(ctx, 2, "formatNumber", "a picture string");
  }
  auto formatted = FormatNumberWithPicture(args[0].as_number(), args[1].as_string(),
                                           args.size() > 2 ? args[2] : Value());
  if (!formatted.ok()) {
    return AtCall(ctx, std::move(formatted).error());
  }
  return Value::Str(std::move(formatted).value());
}

// Digits of a non-negative integer-valued double in `radix`, as V8 writes them: digits beyond a
// double's precision are written as zeros.
std::string DoubleInRadix(double integer, int radix) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  while (integer / radix >= kTwoTo53) {
    integer /= radix;
    out.push_back('0');
  }
  integer = std::floor(integer);
  do {
    double remainder = std::fmod(integer, radix);
    out.push_back(kDigits[static_cast<int>(remainder)]);
    integer = (integer - remainder) / radix;
  } while (integer > 0);
  return std::string(out.rbegin(), out.rend());
}

std::string IntegerInRadix(uint64_t magnitude, int radix) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  do {
    out.push_back(kDigits[magnitude % static_cast<uint64_t>(radix)]);
    magnitude /= static_cast<uint64_t>(radix);
  } while (magnitude > 0);
  return std::string(out.rbegin(), out.rend());
}

JResult<Value> FormatBase(CallContext& ctx, std::span<const Value> args) {
  if (args[0].is_undefined()) {
    return Value();
  }
  Number value = args[0].as_number().RoundHalfEven(0);
  int64_t radix = 10;
  if (args.size() > 1 && !args[1].is_undefined()) {
    Number r = args[1].as_number().RoundHalfEven(0);
    std::optional<int64_t> as_int = r.ToInt64();
    if (!as_int || *as_int < 2 || *as_int > 36) {
      Error::Info info;
      info.code = "D3100";
      info.message =
          "The radix of the formatBase function must be between 2 and 36.  It was given " +
          r.ToString();
      info.value = Value::Num(r);
      info.position = ctx.position();
      return Error(std::move(info));
    }
    radix = *as_int;
  }
  if (!value.IsFinite()) {
    return ctx.MakeError("D1001", "Number out of range: " + value.ToString());
  }
  if (value.IsZero()) {
    return Value::Str("0");
  }
  std::string digits;
  std::optional<int64_t> exact = value.is_exact() ? value.ToInt64() : std::nullopt;
  if (exact) {
    uint64_t magnitude =
        *exact < 0 ? 0 - static_cast<uint64_t>(*exact) : static_cast<uint64_t>(*exact);
    digits = IntegerInRadix(magnitude, static_cast<int>(radix));
  } else if (radix == 10) {
    // JavaScript's toString(10) is its usual number text ("1e+21").
    digits = value.Abs().ToString();
  } else {
    digits = DoubleInRadix(std::fabs(value.ToDouble()), static_cast<int>(radix));
  }
  return Value::Str((value.IsNegative() ? "-" : "") + digits);
}

JResult<Value> FormatInteger(CallContext& ctx, std::span<const Value> args) {
  if (args[0].is_undefined()) {
    return Value();
  }
  Number value = args[0].as_number().Floor();
  if (!value.IsFinite()) {
    return ctx.MakeError("D1001", "Number out of range: " + value.ToString());
  }
  if (args[1].is_undefined()) {
    return MissingArgument(ctx, 2, "formatInteger", "a picture string");
  }
  auto picture = AnalyseIntegerPicture(ToCodePoints(args[1].as_string()));
  if (!picture.ok()) {
    return AtCall(ctx, std::move(picture).error());
  }
  auto formatted = FormatIntegerWith(value, *picture);
  if (!formatted.ok()) {
    return AtCall(ctx, std::move(formatted).error());
  }
  return Value::Str(std::move(formatted).value());
}

JResult<Value> ParseInteger(CallContext& ctx, std::span<const Value> args) {
  if (args[0].is_undefined()) {
    return Value();
  }
  if (args[1].is_undefined()) {
    return MissingArgument(ctx, 2, "parseInteger", "a picture string");
  }
  auto picture = AnalyseIntegerPicture(ToCodePoints(args[1].as_string()));
  if (!picture.ok()) {
    return AtCall(ctx, std::move(picture).error());
  }
  auto parsed = ParseIntegerWith(ToCodePoints(args[0].as_string()), *picture);
  if (!parsed.ok()) {
    return AtCall(ctx, std::move(parsed).error());
  }
  if (std::isnan(*parsed)) {
    // The reference answers NaN, which JSON cannot carry; an error keeps the bad value visible.
    Error::Info info;
    info.code = "D3030";
    info.message = "Unable to cast value to a number: \"" + std::string(args[0].as_string()) +
                   "\" does not match the picture \"" + std::string(args[1].as_string()) + "\"";
    info.value = args[0];
    info.position = ctx.position();
    return Error(std::move(info));
  }
  return NumberValue(*parsed == 0 ? 0 : *parsed);
}

constexpr BuiltinFunction kFormatFunctions[] = {
    {"formatNumber", "<n-so?:s>", FormatNumber},
    {"formatBase", "<n-n?:s>", FormatBase},
    {"formatInteger", "<n-s:s>", FormatInteger},
    {"parseInteger", "<s-s:n>", ParseInteger},
};

}  // namespace

std::span<const BuiltinFunction> FormatFunctions() { return kFormatFunctions; }

}  // namespace erphub::jsonata
