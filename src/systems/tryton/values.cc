#include "systems/tryton/values.h"

#include <cstdio>
#include <string>

namespace erphub::tryton {
namespace {

bool IsPlainDecimal(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    ++i;
  }
  size_t digits = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digits > 0;
}

Value Tagged(std::string_view kind) {
  Value out = Value::MakeObject();
  out.Set("__class__", Value::Str(kind));
  return out;
}

// The integer field `name` of a tagged value, within [low, high].
Result<int64_t> IntPart(const Value& tagged, std::string_view name, int64_t low, int64_t high) {
  const Value& part = tagged.Get(name);
  if (part.is_number()) {
    std::optional<int64_t> number = part.as_number().ToInt64();
    if (number.has_value() && *number >= low && *number <= high) {
      return *number;
    }
  }
  return ParseError("Tryton value: \"" + std::string(name) + "\" is missing or out of range");
}

std::string Padded(int64_t value, int width) {
  char text[24];
  std::snprintf(text, sizeof(text), "%0*lld", width, static_cast<long long>(value));
  return text;
}

Result<std::string> DateText(const Value& tagged) {
  ERPHUB_ASSIGN_OR_RETURN(int64_t year, IntPart(tagged, "year", 1, 9999));
  ERPHUB_ASSIGN_OR_RETURN(int64_t month, IntPart(tagged, "month", 1, 12));
  ERPHUB_ASSIGN_OR_RETURN(int64_t day, IntPart(tagged, "day", 1, 31));
  return Padded(year, 4) + "-" + Padded(month, 2) + "-" + Padded(day, 2);
}

Result<std::string> TimeText(const Value& tagged) {
  ERPHUB_ASSIGN_OR_RETURN(int64_t hour, IntPart(tagged, "hour", 0, 23));
  ERPHUB_ASSIGN_OR_RETURN(int64_t minute, IntPart(tagged, "minute", 0, 59));
  ERPHUB_ASSIGN_OR_RETURN(int64_t second, IntPart(tagged, "second", 0, 60));
  std::string text = Padded(hour, 2) + ":" + Padded(minute, 2) + ":" + Padded(second, 2);
  if (!tagged.Get("microsecond").is_undefined()) {
    ERPHUB_ASSIGN_OR_RETURN(int64_t micro, IntPart(tagged, "microsecond", 0, 999999));
    if (micro != 0) {
      text += "." + Padded(micro, 6);
    }
  }
  return text;
}

Result<Value> DecodeTagged(const Value& tagged) {
  const Value& kind = tagged.Get("__class__");
  std::string_view name = kind.is_string() ? kind.as_string() : "";
  if (name == "Decimal") {
    const Value& text = tagged.Get("decimal");
    std::optional<Number> number;
    if (text.is_string()) {
      number = Number::Parse(text.as_string());
    }
    if (!number.has_value()) {
      return ParseError("Tryton value: a Decimal without decimal text");
    }
    return Value::Num(*number);
  }
  if (name == "date") {
    ERPHUB_ASSIGN_OR_RETURN(std::string date, DateText(tagged));
    return Value::Str(std::move(date));
  }
  if (name == "datetime") {
    ERPHUB_ASSIGN_OR_RETURN(std::string date, DateText(tagged));
    ERPHUB_ASSIGN_OR_RETURN(std::string time, TimeText(tagged));
    return Value::Str(date + "T" + time + "Z");
  }
  if (name == "time") {
    ERPHUB_ASSIGN_OR_RETURN(std::string time, TimeText(tagged));
    return Value::Str(std::move(time));
  }
  if (name == "timedelta") {
    const Value& seconds = tagged.Get("seconds");
    if (!seconds.is_number()) {
      return ParseError("Tryton value: a timedelta without seconds");
    }
    return seconds;
  }
  if (name == "bytes") {
    const Value& base64 = tagged.Get("base64");
    if (!base64.is_string()) {
      return ParseError("Tryton value: bytes without base64");
    }
    return base64;
  }
  return ParseError("Tryton value: unknown __class__ \"" + std::string(name) + "\"");
}

}  // namespace

Value DecimalValue(const Number& number) {
  Value out = Tagged("Decimal");
  out.Set("decimal", Value::Str(number.ToString()));
  return out;
}

Result<Value> DecimalFromText(std::string_view text) {
  if (!IsPlainDecimal(text)) {
    return InvalidArgumentError("\"" + std::string(text.substr(0, 40)) + "\" is not a decimal");
  }
  Value out = Tagged("Decimal");
  out.Set("decimal", Value::Str(text));
  return out;
}

Result<Value> DateFromIso(std::string_view text) {
  auto digits = [&](size_t from, size_t count) -> std::optional<int64_t> {
    int64_t value = 0;
    for (size_t i = from; i < from + count; ++i) {
      if (i >= text.size() || text[i] < '0' || text[i] > '9') {
        return std::nullopt;
      }
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  std::optional<int64_t> year = digits(0, 4);
  std::optional<int64_t> month = digits(5, 2);
  std::optional<int64_t> day = digits(8, 2);
  if (!year || !month || !day || text[4] != '-' || text[7] != '-' || *month < 1 || *month > 12 ||
      *day < 1 || *day > 31 || (text.size() > 10 && text[10] != 'T')) {
    return InvalidArgumentError("\"" + std::string(text.substr(0, 40)) +
                                "\" is not an ISO 8601 date");
  }
  Value out = Tagged("date");
  out.Set("year", Value::Int(*year));
  out.Set("month", Value::Int(*month));
  out.Set("day", Value::Int(*day));
  return out;
}

bool IsTagged(const Value& value) {
  return value.is_object() && value.as_object().Contains("__class__");
}

Result<Value> Decode(const Value& value) {
  if (value.is_array()) {
    Value out = Value::MakeArray();
    out.mutable_array().reserve(value.size());
    for (const Value& item : value.as_array()) {
      ERPHUB_ASSIGN_OR_RETURN(Value decoded, Decode(item));
      out.push_back(std::move(decoded));
    }
    return out;
  }
  if (!value.is_object()) {
    return value;
  }
  if (IsTagged(value)) {
    return DecodeTagged(value);
  }
  Value out = Value::MakeObject();
  for (const auto& [key, item] : value.as_object()) {
    ERPHUB_ASSIGN_OR_RETURN(Value decoded, Decode(item));
    out.mutable_object().Append(key, std::move(decoded));
  }
  return out;
}

}  // namespace erphub::tryton
