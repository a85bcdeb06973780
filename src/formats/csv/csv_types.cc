#include "formats/csv/csv_types.h"

#include <array>
#include <cstdint>
#include <optional>

namespace erphub::formats::csv {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Quoted(std::string_view text) {
  constexpr size_t kShown = 40;
  std::string out = "'";
  out.append(text.substr(0, kShown));
  if (text.size() > kShown) {
    out += "...";
  }
  out += "'";
  return out;
}

Status NotA(std::string_view text, std::string_view what) {
  return ParseError(Quoted(text) + " is not " + std::string(what));
}

// Sign, digits, optionally '.' and digits: what a decimal column accepts.
bool IsPlainDecimal(std::string_view text, bool allow_fraction) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    ++i;
  }
  size_t digits = 0;
  while (i < text.size() && IsDigit(text[i])) {
    ++i;
    ++digits;
  }
  if (allow_fraction && i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && IsDigit(text[i])) {
      ++i;
      ++digits;
    }
  }
  return digits > 0 && i == text.size();
}

struct DateTime {
  int year = 0;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  bool has_time = false;
};

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<size_t>(month - 1)];
}

// Reads 1..max_digits digits (exactly max_digits when `exact`).
std::optional<int> ReadNumber(std::string_view text, size_t& i, size_t max_digits, bool exact) {
  size_t begin = i;
  int value = 0;
  while (i < text.size() && i - begin < max_digits && IsDigit(text[i])) {
    value = value * 10 + (text[i] - '0');
    ++i;
  }
  if (i == begin || (exact && i - begin != max_digits)) {
    return std::nullopt;
  }
  return value;
}

std::optional<DateTime> ParseDate(std::string_view text, std::string_view format) {
  DateTime date;
  size_t i = 0;
  for (size_t f = 0; f < format.size(); ++f) {
    if (format[f] != '%' || f + 1 == format.size()) {
      if (i >= text.size() || text[i] != format[f]) {
        return std::nullopt;
      }
      ++i;
      continue;
    }
    char spec = format[++f];
    std::optional<int> number;
    switch (spec) {
      case 'Y':
        number = ReadNumber(text, i, 4, true);
        date.year = number.value_or(0);
        break;
      case 'y':
        number = ReadNumber(text, i, 2, true);
        date.year = 2000 + number.value_or(0);
        break;
      case 'm':
        number = ReadNumber(text, i, 2, false);
        date.month = number.value_or(0);
        break;
      case 'd':
        number = ReadNumber(text, i, 2, false);
        date.day = number.value_or(0);
        break;
      case 'H':
        number = ReadNumber(text, i, 2, false);
        date.hour = number.value_or(0);
        date.has_time = true;
        break;
      case 'M':
        number = ReadNumber(text, i, 2, false);
        date.minute = number.value_or(0);
        date.has_time = true;
        break;
      case 'S':
        number = ReadNumber(text, i, 2, false);
        date.second = number.value_or(0);
        date.has_time = true;
        break;
      case '%':
        if (i >= text.size() || text[i] != '%') {
          return std::nullopt;
        }
        ++i;
        continue;
      default:
        return std::nullopt;
    }
    if (!number) {
      return std::nullopt;
    }
  }
  if (i != text.size() || date.month < 1 || date.month > 12 || date.day < 1 ||
      date.day > DaysInMonth(date.year, date.month) || date.hour > 23 || date.minute > 59 ||
      date.second > 59) {
    return std::nullopt;
  }
  return date;
}

void AppendDigits(std::string& out, int value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) {
    out.append(static_cast<size_t>(width) - digits.size(), '0');
  }
  out += digits;
}

std::string IsoDate(const DateTime& date) {
  std::string out;
  AppendDigits(out, date.year, 4);
  out += '-';
  AppendDigits(out, date.month, 2);
  out += '-';
  AppendDigits(out, date.day, 2);
  if (date.has_time) {
    out += 'T';
    AppendDigits(out, date.hour, 2);
    out += ':';
    AppendDigits(out, date.minute, 2);
    out += ':';
    AppendDigits(out, date.second, 2);
  }
  return out;
}

std::string FormatDate(const DateTime& date, std::string_view format) {
  std::string out;
  for (size_t f = 0; f < format.size(); ++f) {
    if (format[f] != '%' || f + 1 == format.size()) {
      out += format[f];
      continue;
    }
    switch (format[++f]) {
      case 'Y':
        AppendDigits(out, date.year, 4);
        break;
      case 'y':
        AppendDigits(out, date.year % 100, 2);
        break;
      case 'm':
        AppendDigits(out, date.month, 2);
        break;
      case 'd':
        AppendDigits(out, date.day, 2);
        break;
      case 'H':
        AppendDigits(out, date.hour, 2);
        break;
      case 'M':
        AppendDigits(out, date.minute, 2);
        break;
      case 'S':
        AppendDigits(out, date.second, 2);
        break;
      default:
        out += format[f];
        break;
    }
  }
  return out;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (c != b[i]) {
      return false;
    }
  }
  return true;
}

std::optional<bool> ParseBoolean(std::string_view text) {
  for (std::string_view yes : {"true", "yes", "y", "t", "1"}) {
    if (EqualsIgnoringCase(text, yes)) {
      return true;
    }
  }
  for (std::string_view no : {"false", "no", "n", "f", "0"}) {
    if (EqualsIgnoringCase(text, no)) {
      return false;
    }
  }
  return std::nullopt;
}

// Exact numbers in plain notation (1000000000000000000000, not 1e+21), which decimal columns
// read back.
std::string PlainNumber(const Number& number) {
  if (!number.is_exact()) {
    return number.ToString();
  }
  int64_t coefficient = number.coefficient();
  std::string digits = std::to_string(coefficient);
  std::string sign;
  if (coefficient < 0) {
    sign = "-";
    digits.erase(0, 1);
  }
  int32_t exponent = number.exponent();
  if (exponent >= 0) {
    return sign + digits + std::string(static_cast<size_t>(exponent), '0');
  }
  auto fraction = static_cast<size_t>(-static_cast<int64_t>(exponent));
  if (digits.size() <= fraction) {
    digits.insert(0, fraction - digits.size() + 1, '0');
  }
  digits.insert(digits.size() - fraction, ".");
  return sign + digits;
}

}  // namespace

Result<Value> ReadTypedField(std::string_view text, const Column& column) {
  if (column.type == ColumnType::kString) {
    return Value::Str(text);
  }
  if (text.empty()) {
    return Value::Null();
  }
  switch (column.type) {
    case ColumnType::kString:
      break;
    case ColumnType::kDecimal: {
      std::optional<Number> number;
      if (IsPlainDecimal(text, true)) {
        number = Number::Parse(text);
      }
      if (!number) {
        return NotA(text, "a decimal");
      }
      if (!number->is_exact()) {
        return NotA(text, "an exact decimal (too many digits)");
      }
      return Value::Num(*number);
    }
    case ColumnType::kInteger: {
      std::optional<Number> number;
      if (IsPlainDecimal(text, false)) {
        number = Number::Parse(text);
      }
      if (!number || !number->ToInt64()) {
        return NotA(text, "an integer (64-bit)");
      }
      return Value::Num(*number);
    }
    case ColumnType::kDate: {
      auto date = ParseDate(text, column.date_format);
      if (!date) {
        return NotA(text, "a date in the format '" + column.date_format + "'");
      }
      return Value::Str(IsoDate(*date));
    }
    case ColumnType::kBoolean: {
      auto flag = ParseBoolean(text);
      if (!flag) {
        return NotA(text, "a boolean");
      }
      return Value::Bool(*flag);
    }
  }
  return Value::Str(text);
}

Result<std::string> WriteTypedField(const Value& value, const Column& column) {
  switch (value.kind()) {
    case ValueKind::kUndefined:
    case ValueKind::kNull:
      return std::string();
    case ValueKind::kBool:
      return std::string(value.as_bool() ? "true" : "false");
    case ValueKind::kNumber:
      return PlainNumber(value.as_number());
    case ValueKind::kString:
      if (column.type == ColumnType::kDate) {
        auto date = ParseDate(value.as_string(), "%Y-%m-%dT%H:%M:%S");
        if (!date) {
          date = ParseDate(value.as_string(), "%Y-%m-%d");
        }
        if (!date) {
          return InvalidArgumentError(Quoted(value.as_string()) +
                                      " is not an ISO date (YYYY-MM-DD)");
        }
        return FormatDate(*date, column.date_format);
      }
      return std::string(value.as_string());
    case ValueKind::kArray:
    case ValueKind::kObject:
    case ValueKind::kFunction:
      break;
  }
  return InvalidArgumentError("a CSV field holds a string, number, boolean or null");
}

}  // namespace erphub::formats::csv
