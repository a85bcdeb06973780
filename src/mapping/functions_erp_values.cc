// The ERP function library's value functions: exact decimals, money with ISO 4217 minor units,
// units of measure, value maps and cross-references (the last two answered by the Host).

#include <array>
#include <cctype>
#include <string>

#include "mapping/function.h"
#include "mapping/value_ops.h"

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

// A number argument, or a string holding a decimal number ("18.90"), as an exact Number where
// possible.
JResult<Number> DecimalArgument(CallContext& ctx, const Value& v, std::string_view function) {
  if (v.is_number()) {
    Number n = v.as_number();
    if (n.is_exact()) {
      return n;
    }
    // A binary double stands for the decimal it prints as (0.1 means 0.1).
    return *Number::Parse(n.ToString());
  }
  std::optional<Number> parsed = Number::Parse(v.as_string());
  if (!parsed) {
    return ctx.MakeError("D3901", std::string(function) + "(): \"" + std::string(v.as_string()) +
                                      "\" is not a decimal number");
  }
  return *parsed;
}

// The exact decimal text of `n` with exactly `scale` fraction digits (n already rounded).
std::string FixedScale(const Number& n, int scale) {
  uint64_t magnitude = n.coefficient() < 0 ? 0 - static_cast<uint64_t>(n.coefficient())
                                           : static_cast<uint64_t>(n.coefficient());
  std::string digits = std::to_string(magnitude);
  int exponent = n.exponent();
  if (n.IsZero()) {
    digits = "0";
    exponent = 0;
  }
  // Scale the digit string to exactly `scale` fraction digits.
  if (exponent > -scale) {
    digits.append(static_cast<size_t>(exponent + scale), '0');
  }
  if (static_cast<int>(digits.size()) <= scale) {
    digits.insert(0, static_cast<size_t>(scale + 1) - digits.size(), '0');
  }
  if (scale > 0) {
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  if (n.IsNegative()) {
    digits.insert(0, "-");
  }
  return digits;
}

JResult<Value> DecimalFn(CallContext& ctx, std::span<const Value> args) {
  if (args[0].is_undefined()) {
    return Value();
  }
  ERPHUB_ASSIGN_OR_RETURN(Number n, DecimalArgument(ctx, args[0], "$decimal"));
  int scale = 2;
  if (!args[1].is_undefined()) {
    std::optional<int64_t> s = args[1].as_number().ToInt64();
    if (!s || *s < 0 || *s > 18) {
      return ctx.MakeError("D3902", "$decimal(): the scale must be an integer from 0 to 18");
    }
    scale = static_cast<int>(*s);
  }
  Number rounded = n.RoundHalfEven(scale);
  if (!rounded.is_exact()) {
    return ctx.MakeError("D3901", "$decimal(): the value does not fit an exact decimal");
  }
  return Value::Str(FixedScale(rounded, scale));
}

struct Currency {
  std::string_view code;
  int minor_units;
};

// ISO 4217 currencies whose minor unit is not 2, and the common 2-digit ones.
constexpr std::array kCurrencies = {
    Currency{"BHD", 3}, Currency{"BIF", 0}, Currency{"CLF", 4}, Currency{"CLP", 0},
    Currency{"DJF", 0}, Currency{"GNF", 0}, Currency{"IQD", 3}, Currency{"ISK", 0},
    Currency{"JOD", 3}, Currency{"JPY", 0}, Currency{"KMF", 0}, Currency{"KRW", 0},
    Currency{"KWD", 3}, Currency{"LYD", 3}, Currency{"OMR", 3}, Currency{"PYG", 0},
    Currency{"RWF", 0}, Currency{"TND", 3}, Currency{"UGX", 0}, Currency{"UYI", 0},
    Currency{"UYW", 4}, Currency{"VND", 0}, Currency{"VUV", 0}, Currency{"XAF", 0},
    Currency{"XOF", 0}, Currency{"XPF", 0}, Currency{"AED", 2}, Currency{"ARS", 2},
    Currency{"AUD", 2}, Currency{"BGN", 2}, Currency{"BRL", 2}, Currency{"CAD", 2},
    Currency{"CHF", 2}, Currency{"CNY", 2}, Currency{"COP", 2}, Currency{"CZK", 2},
    Currency{"DKK", 2}, Currency{"EGP", 2}, Currency{"EUR", 2}, Currency{"GBP", 2},
    Currency{"HKD", 2}, Currency{"HUF", 2}, Currency{"IDR", 2}, Currency{"ILS", 2},
    Currency{"INR", 2}, Currency{"MAD", 2}, Currency{"MXN", 2}, Currency{"MYR", 2},
    Currency{"NGN", 2}, Currency{"NOK", 2}, Currency{"NZD", 2}, Currency{"PEN", 2},
    Currency{"PHP", 2}, Currency{"PKR", 2}, Currency{"PLN", 2}, Currency{"RON", 2},
    Currency{"RSD", 2}, Currency{"RUB", 2}, Currency{"SAR", 2}, Currency{"SEK", 2},
    Currency{"SGD", 2}, Currency{"THB", 2}, Currency{"TRY", 2}, Currency{"TWD", 2},
    Currency{"UAH", 2}, Currency{"USD", 2}, Currency{"ZAR", 2},
};

JResult<Value> MoneyFn(CallContext& ctx, std::span<const Value> args) {
  if (args[0].is_undefined()) {
    return Value();
  }
  ERPHUB_ASSIGN_OR_RETURN(Number n, DecimalArgument(ctx, args[0], "$money"));
  if (args[1].is_undefined()) {
    return MissingArgument(ctx, 2, "money", "a currency code");
  }
  std::string code(args[1].as_string());
  for (char& c : code) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const Currency* currency = nullptr;
  for (const Currency& c : kCurrencies) {
    if (c.code == code) {
      currency = &c;
    }
  }
  if (currency == nullptr) {
    return ctx.MakeError("D3903", "$money(): \"" + std::string(args[1].as_string()) +
                                      "\" is not a known ISO 4217 currency code");
  }
  Value money = Value::MakeObject();
  money.Set("amount",
            Value::Str(FixedScale(n.RoundHalfEven(currency->minor_units), currency->minor_units)));
  money.Set("currency", Value::Str(code));
  return money;
}

enum class Dimension { kMass, kLength, kVolume, kArea, kCount, kTime };

struct Unit {
  std::string_view name;  // lower-case symbol or UN/ECE Recommendation 20 code
  Dimension dimension;
  std::string_view factor;  // exact size in the dimension's base unit (kg, m, l, m2, each, s)
};

constexpr std::array kUnits = {
    Unit{"kg", Dimension::kMass, "1"},
    Unit{"kgm", Dimension::kMass, "1"},
    Unit{"g", Dimension::kMass, "0.001"},
    Unit{"grm", Dimension::kMass, "0.001"},
    Unit{"mg", Dimension::kMass, "0.000001"},
    Unit{"mgm", Dimension::kMass, "0.000001"},
    Unit{"t", Dimension::kMass, "1000"},
    Unit{"tne", Dimension::kMass, "1000"},
    Unit{"lb", Dimension::kMass, "0.45359237"},
    Unit{"lbr", Dimension::kMass, "0.45359237"},
    Unit{"oz", Dimension::kMass, "0.028349523125"},
    Unit{"onz", Dimension::kMass, "0.028349523125"},
    Unit{"m", Dimension::kLength, "1"},
    Unit{"mtr", Dimension::kLength, "1"},
    Unit{"cm", Dimension::kLength, "0.01"},
    Unit{"cmt", Dimension::kLength, "0.01"},
    Unit{"mm", Dimension::kLength, "0.001"},
    Unit{"mmt", Dimension::kLength, "0.001"},
    Unit{"km", Dimension::kLength, "1000"},
    Unit{"ktm", Dimension::kLength, "1000"},
    Unit{"in", Dimension::kLength, "0.0254"},
    Unit{"inh", Dimension::kLength, "0.0254"},
    Unit{"ft", Dimension::kLength, "0.3048"},
    Unit{"fot", Dimension::kLength, "0.3048"},
    Unit{"yd", Dimension::kLength, "0.9144"},
    Unit{"yrd", Dimension::kLength, "0.9144"},
    Unit{"mi", Dimension::kLength, "1609.344"},
    Unit{"smi", Dimension::kLength, "1609.344"},
    Unit{"l", Dimension::kVolume, "1"},
    Unit{"ltr", Dimension::kVolume, "1"},
    Unit{"ml", Dimension::kVolume, "0.001"},
    Unit{"mlt", Dimension::kVolume, "0.001"},
    Unit{"m3", Dimension::kVolume, "1000"},
    Unit{"mtq", Dimension::kVolume, "1000"},
    Unit{"gal", Dimension::kVolume, "3.785411784"},
    Unit{"gll", Dimension::kVolume, "3.785411784"},
    Unit{"floz", Dimension::kVolume, "0.0295735295625"},
    Unit{"m2", Dimension::kArea, "1"},
    Unit{"mtk", Dimension::kArea, "1"},
    Unit{"ft2", Dimension::kArea, "0.09290304"},
    Unit{"ftk", Dimension::kArea, "0.09290304"},
    Unit{"ea", Dimension::kCount, "1"},
    Unit{"c62", Dimension::kCount, "1"},
    Unit{"pce", Dimension::kCount, "1"},
    Unit{"pc", Dimension::kCount, "1"},
    Unit{"pr", Dimension::kCount, "2"},
    Unit{"pair", Dimension::kCount, "2"},
    Unit{"dz", Dimension::kCount, "12"},
    Unit{"dzn", Dimension::kCount, "12"},
    Unit{"s", Dimension::kTime, "1"},
    Unit{"sec", Dimension::kTime, "1"},
    Unit{"min", Dimension::kTime, "60"},
    Unit{"h", Dimension::kTime, "3600"},
    Unit{"hur", Dimension::kTime, "3600"},
    Unit{"day", Dimension::kTime, "86400"},
};

const Unit* FindUnit(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (const Unit& unit : kUnits) {
    if (unit.name == lower) {
      return &unit;
    }
  }
  return nullptr;
}

JResult<Value> ConvertUnitFn(CallContext& ctx, std::span<const Value> args) {
  if (args[0].is_undefined()) {
    return Value();
  }
  ERPHUB_ASSIGN_OR_RETURN(Number quantity, DecimalArgument(ctx, args[0], "$convertUnit"));
  for (int i = 1; i <= 2; ++i) {
    if (args[static_cast<size_t>(i)].is_undefined()) {
      return MissingArgument(ctx, i + 1, "convertUnit", "a unit of measure");
    }
  }
  const Unit* from = FindUnit(args[1].as_string());
  const Unit* to = FindUnit(args[2].as_string());
  for (const auto& [unit, arg] : {std::pair{from, &args[1]}, std::pair{to, &args[2]}}) {
    if (unit == nullptr) {
      return ctx.MakeError("D3904", "$convertUnit(): unknown unit of measure \"" +
                                        std::string(arg->as_string()) + "\"");
    }
  }
  if (from->dimension != to->dimension) {
    return ctx.MakeError("D3905", "$convertUnit(): cannot convert \"" +
                                      std::string(args[1].as_string()) + "\" to \"" +
                                      std::string(args[2].as_string()) + "\"");
  }
  Number result = quantity * *Number::Parse(from->factor) / *Number::Parse(to->factor);
  return Value::Num(result);
}

JResult<Value> ValueMapFn(CallContext& ctx, std::span<const Value> args) {
  if (args[1].is_undefined()) {
    return Value();
  }
  if (args[0].is_undefined()) {
    return MissingArgument(ctx, 1, "valueMap", "a value map name");
  }
  auto result = ctx.host().ValueMap(args[0].as_string(), args[1]);
  if (!result.ok()) {
    return std::move(result).error().AtPosition(ctx.position());
  }
  return result;
}

JResult<Value> XrefFn(CallContext& ctx, std::span<const Value> args) {
  if (args[2].is_undefined()) {
    return Value();
  }
  for (int i = 0; i <= 1; ++i) {
    if (args[static_cast<size_t>(i)].is_undefined()) {
      return MissingArgument(ctx, i + 1, "xref", i == 0 ? "a system name" : "an entity name");
    }
  }
  auto result = ctx.host().Xref(args[0].as_string(), args[1].as_string(), args[2]);
  if (!result.ok()) {
    return std::move(result).error().AtPosition(ctx.position());
  }
  return result;
}

constexpr BuiltinFunction kErpValueFunctions[] = {
    {"decimal", "<(ns)n?:s>", DecimalFn},
    {"money", "<(ns)s:o>", MoneyFn},
    {"convertUnit", "<(ns)ss:n>", ConvertUnitFn},
    {"valueMap", "<sx:x>", ValueMapFn},
    {"xref", "<ssx:x>", XrefFn},
};

}  // namespace

std::span<const BuiltinFunction> ErpValueFunctions() { return kErpValueFunctions; }

}  // namespace erphub::jsonata
