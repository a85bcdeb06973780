#include "mapping/erp_dates.h"

#include <cmath>

#include "mapping/civil_time.h"

namespace erphub::jsonata {
namespace {

using Field = ErpDateFormat::Field;

Error FormatError(std::string message) { return Error("D3910", std::move(message)); }
Error ValueError(std::string message) { return Error("D3911", std::move(message)); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Pad(int64_t value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) {
    digits.insert(0, static_cast<size_t>(width) - digits.size(), '0');
  }
  return digits;
}

std::string OffsetText(int offset_minutes) {
  if (offset_minutes == 0) {
    return "Z";
  }
  int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  return (offset_minutes < 0 ? "-" : "+") + Pad(magnitude / 60, 2) + ":" + Pad(magnitude % 60, 2);
}

// "Z", "+hh:mm", "+hhmm" or "+hh" at the start of `text`; the characters read go to `length`.
std::optional<int> ReadOffset(std::string_view text, size_t& length) {
  if (!text.empty() && text[0] == 'Z') {
    length = 1;
    return 0;
  }
  if (text.size() < 3 || (text[0] != '+' && text[0] != '-') || !IsDigit(text[1]) ||
      !IsDigit(text[2])) {
    return std::nullopt;
  }
  int hours = (text[1] - '0') * 10 + (text[2] - '0');
  int minutes = 0;
  size_t i = 3;
  size_t digits_at = text.size() > 3 && text[3] == ':' ? 4 : 3;
  if (text.size() >= digits_at + 2 && IsDigit(text[digits_at]) && IsDigit(text[digits_at + 1])) {
    minutes = (text[digits_at] - '0') * 10 + (text[digits_at + 1] - '0');
    i = digits_at + 2;
  }
  if (hours > 23 || minutes > 59) {
    return std::nullopt;
  }
  length = i;
  int total = hours * 60 + minutes;
  return text[0] == '-' ? -total : total;
}

bool ValidDate(int64_t year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

}  // namespace

JResult<ErpDateFormat> ParseErpDateFormat(std::string_view format) {
  ErpDateFormat result;
  bool after_hour = false;  // MM is minutes right after HH
  size_t i = 0;
  auto starts = [&](std::string_view token) { return format.substr(i, token.size()) == token; };
  auto add = [&](Field field, size_t length) {
    result.elements.push_back({field, ""});
    i += length;
  };
  while (i < format.size()) {
    if (starts("YYYY") || starts("CCYY")) {
      add(Field::kYear4, 4);
      after_hour = false;
    } else if (starts("YY")) {
      add(Field::kYear2, 2);
      after_hour = false;
    } else if (starts("MM")) {
      add(after_hour ? Field::kMinute : Field::kMonth, 2);
    } else if (starts("DD")) {
      add(Field::kDay, 2);
      after_hour = false;
    } else if (starts("HH")) {
      add(Field::kHour, 2);
      after_hour = true;
    } else if (starts("SS")) {
      add(Field::kSecond, 2);
    } else if (starts("Z")) {
      add(Field::kZone, 1);
    } else if ((format[i] >= 'A' && format[i] <= 'Z' && format[i] != 'T') ||
               (format[i] >= 'a' && format[i] <= 'z') || IsDigit(format[i])) {
      return FormatError("Unknown date format \"" + std::string(format) +
                         "\": use YYYY/CCYY, YY, MM, DD, HH, MM, SS, Z and punctuation");
    } else {
      if (result.elements.empty() || result.elements.back().field != Field::kLiteral) {
        result.elements.push_back({Field::kLiteral, ""});
      }
      result.elements.back().literal.push_back(format[i]);
      ++i;
    }
  }
  for (const auto& e : result.elements) {
    result.has_date |= e.field == Field::kYear4 || e.field == Field::kYear2 ||
                       e.field == Field::kMonth || e.field == Field::kDay;
    result.has_time |=
        e.field == Field::kHour || e.field == Field::kMinute || e.field == Field::kSecond;
  }
  return result;
}

JResult<std::string> FormatErpDate(const LocalDateTime& value, const ErpDateFormat& format) {
  std::string out;
  auto need = [&](const auto& field, const char* name) -> JResult<int64_t> {
    if (!field) {
      return ValueError(std::string("The value has no ") + name + " for the date format");
    }
    return static_cast<int64_t>(*field);
  };
  for (const auto& e : format.elements) {
    switch (e.field) {
      case Field::kYear4: {
        ERPHUB_ASSIGN_OR_RETURN(int64_t year, need(value.year, "year"));
        if (year < 0 || year > 9999) {
          return ValueError("The year " + std::to_string(year) + " does not fit four digits");
        }
        out += Pad(year, 4);
        break;
      }
      case Field::kYear2: {
        ERPHUB_ASSIGN_OR_RETURN(int64_t year, need(value.year, "year"));
        out += Pad(((year % 100) + 100) % 100, 2);
        break;
      }
      case Field::kMonth: {
        ERPHUB_ASSIGN_OR_RETURN(int64_t month, need(value.month, "month"));
        out += Pad(month, 2);
        break;
      }
      case Field::kDay: {
        ERPHUB_ASSIGN_OR_RETURN(int64_t day, need(value.day, "day"));
        out += Pad(day, 2);
        break;
      }
      case Field::kHour: {
        ERPHUB_ASSIGN_OR_RETURN(int64_t hour, need(value.hour, "time"));
        out += Pad(hour, 2);
        break;
      }
      case Field::kMinute:
        out += Pad(value.minute.value_or(0), 2);
        break;
      case Field::kSecond:
        out += Pad(value.second.value_or(0), 2);
        break;
      case Field::kZone:
        out += OffsetText(value.offset_minutes.value_or(0));
        break;
      case Field::kLiteral:
        out += e.literal;
        break;
    }
  }
  return out;
}

JResult<LocalDateTime> ParseErpDate(std::string_view text, const ErpDateFormat& format) {
  LocalDateTime result;
  auto mismatch = [&]() {
    return ValueError("\"" + std::string(text) + "\" does not match the date format");
  };
  size_t i = 0;
  for (size_t k = 0; k < format.elements.size(); ++k) {
    const auto& e = format.elements[k];
    if (e.field == Field::kLiteral) {
      if (text.substr(i, e.literal.size()) != e.literal) {
        return mismatch();
      }
      i += e.literal.size();
      continue;
    }
    if (e.field == Field::kZone) {
      size_t length = 0;
      std::optional<int> offset = ReadOffset(text.substr(i), length);
      if (!offset) {
        return mismatch();
      }
      result.offset_minutes = offset;
      i += length;
      continue;
    }
    size_t width = e.field == Field::kYear4 ? 4 : 2;
    // A field set off by literals on both sides may have one digit fewer ("5.3.2024"); next to
    // another field ("YYYYMMDD") the widths are what separates them.
    bool delimited =
        e.field != Field::kYear4 && e.field != Field::kYear2 &&
        (k == 0 || format.elements[k - 1].field == Field::kLiteral) &&
        (k + 1 == format.elements.size() || format.elements[k + 1].field == Field::kLiteral);
    size_t digits = 0;
    while (digits < width && i + digits < text.size() && IsDigit(text[i + digits])) {
      ++digits;
    }
    if (digits != width && !(delimited && digits == width - 1 && digits > 0)) {
      return mismatch();
    }
    int64_t number = 0;
    for (size_t d = 0; d < digits; ++d) {
      number = number * 10 + (text[i + d] - '0');
    }
    i += digits;
    switch (e.field) {
      case Field::kYear4:
        result.year = number;
        break;
      case Field::kYear2:
        result.year = number < 50 ? 2000 + number : 1900 + number;
        break;
      case Field::kMonth:
        result.month = static_cast<int>(number);
        break;
      case Field::kDay:
        result.day = static_cast<int>(number);
        break;
      case Field::kHour:
        result.hour = static_cast<int>(number);
        break;
      case Field::kMinute:
        result.minute = static_cast<int>(number);
        break;
      case Field::kSecond:
        result.second = static_cast<int>(number);
        break;
      default:
        break;
    }
  }
  if (i != text.size()) {
    return mismatch();
  }
  auto invalid = [&]() { return ValueError("\"" + std::string(text) + "\" is not a valid date"); };
  if (result.month && (*result.month < 1 || *result.month > 12)) {
    return invalid();
  }
  if (result.day) {
    // Without a year, 29 February is allowed.
    int64_t year = result.year.value_or(2000);
    if (*result.day < 1 || *result.day > DaysInMonth(year, result.month.value_or(1))) {
      return invalid();
    }
  }
  if ((result.hour && *result.hour > 23) || (result.minute && *result.minute > 59) ||
      (result.second && *result.second > 59)) {
    return ValueError("\"" + std::string(text) + "\" is not a valid time");
  }
  return result;
}

JResult<std::string> ToIso8601(const LocalDateTime& value) {
  bool has_time = value.hour || value.minute || value.second;
  bool has_date = value.year || value.month || value.day;
  std::string date;
  if (has_date) {
    if (!value.year || (value.day && !value.month)) {
      return ValueError("A date needs a year, and a month with its day");
    }
    if (*value.year < 0 || *value.year > 9999) {
      return ValueError("The year " + std::to_string(*value.year) + " does not fit four digits");
    }
    date = Pad(*value.year, 4);
    if (value.month) {
      date += "-" + Pad(*value.month, 2);
    }
    if (value.day) {
      date += "-" + Pad(*value.day, 2);
    }
  }
  if (!has_time) {
    return date;
  }
  std::string time = Pad(value.hour.value_or(0), 2) + ":" + Pad(value.minute.value_or(0), 2) + ":" +
                     Pad(value.second.value_or(0), 2);
  if (value.millisecond != 0) {
    time += "." + Pad(value.millisecond, 3);
  }
  if (!has_date) {
    return time;
  }
  if (!value.month || !value.day) {
    return ValueError("A time needs a full date (year, month and day) to make a timestamp");
  }
  return date + "T" + time + OffsetText(value.offset_minutes.value_or(0));
}

std::optional<LocalDateTime> ParseIsoLocal(std::string_view text) {
  LocalDateTime result;
  size_t i = 0;
  auto number = [&](size_t width) -> std::optional<int> {
    if (i + width > text.size()) {
      return std::nullopt;
    }
    int value = 0;
    for (size_t k = 0; k < width; ++k) {
      if (!IsDigit(text[i + k])) {
        return std::nullopt;
      }
      value = value * 10 + (text[i + k] - '0');
    }
    i += width;
    return value;
  };
  auto accept = [&](char c) {
    if (i < text.size() && text[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  bool has_date = text.size() >= 5 && text[4] == '-';
  if (has_date) {
    std::optional<int> year = number(4);
    std::optional<int> month = accept('-') ? number(2) : std::nullopt;
    std::optional<int> day = month && accept('-') ? number(2) : std::nullopt;
    if (!year || !month || !day || !ValidDate(*year, *month, *day)) {
      return std::nullopt;
    }
    result.year = *year;
    result.month = *month;
    result.day = *day;
    if (i == text.size()) {
      return result;
    }
    if (!accept('T') && !accept(' ')) {
      return std::nullopt;
    }
  }
  std::optional<int> hour = number(2);
  std::optional<int> minute = hour && accept(':') ? number(2) : std::nullopt;
  if (!minute || *hour > 23 || *minute > 59) {
    return std::nullopt;
  }
  result.hour = *hour;
  result.minute = *minute;
  result.second = 0;
  if (accept(':')) {
    std::optional<int> second = number(2);
    if (!second || *second > 59) {
      return std::nullopt;
    }
    result.second = *second;
    if (accept('.')) {
      size_t first = i;
      int millis = 0;
      while (i < text.size() && IsDigit(text[i])) {
        if (i - first < 3) {
          millis = millis * 10 + (text[i] - '0');
        }
        ++i;
      }
      if (i == first) {
        return std::nullopt;
      }
      for (size_t k = i - first; k < 3; ++k) {
        millis *= 10;
      }
      result.millisecond = millis;
    }
  }
  if (i < text.size()) {
    size_t length = 0;
    std::optional<int> offset = ReadOffset(text.substr(i), length);
    if (!offset || i + length != text.size()) {
      return std::nullopt;
    }
    result.offset_minutes = offset;
  }
  return result;
}

std::optional<LocalDateTime> FromUtcMillis(double millis) {
  if (!std::isfinite(millis) || std::fabs(millis) > kMaxTimeMillis) {
    return std::nullopt;
  }
  UtcFields f = BreakDown(static_cast<int64_t>(std::trunc(millis)));
  LocalDateTime result;
  result.year = f.year;
  result.month = f.month;
  result.day = f.day;
  result.hour = f.hour;
  result.minute = f.minute;
  result.second = f.second;
  result.millisecond = f.millisecond;
  result.offset_minutes = 0;
  return result;
}

}  // namespace erphub::jsonata
