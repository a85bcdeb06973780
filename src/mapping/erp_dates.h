#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/error.h"

namespace erphub::jsonata {

// Date and time formats common in ERP and EDI data: "YYYYMMDD" and "CCYYMMDD" (EDI dates),
// "YYMMDD", "HHMM", "HHMMSS", "YYYY-MM-DD", "DD.MM.YYYY" (European), "MM/DD/YYYY" (US), and
// combinations such as "CCYYMMDDHHMM" or "YYYY-MM-DDTHH:MM:SSZ".
//
// Tokens: YYYY or CCYY (four-digit year), YY (two-digit year: 00-49 is 20xx, 50-99 is 19xx),
// MM (month; minutes when it follows HH with no day or year token in between), DD, HH (00-23),
// SS, and Z (offset: "Z" or "+hh:mm"). "T", digits-free punctuation and spaces are literal; any
// other letter is an error. Day, month and time fields set off by punctuation on both sides
// also read a single digit ("5.3.2024" by "DD.MM.YYYY").
struct ErpDateFormat {
  enum class Field { kYear4, kYear2, kMonth, kDay, kHour, kMinute, kSecond, kZone, kLiteral };
  struct Element {
    Field field;
    std::string literal;
  };
  std::vector<Element> elements;
  bool has_date = false;
  bool has_time = false;
};

// A wall-clock date and time, with the offset from UTC where one is known.
struct LocalDateTime {
  std::optional<int64_t> year;
  std::optional<int> month;
  std::optional<int> day;
  std::optional<int> hour;
  std::optional<int> minute;
  std::optional<int> second;
  int millisecond = 0;
  std::optional<int> offset_minutes;
};

// Errors: D3910 for an unknown letter in the format.
JResult<ErpDateFormat> ParseErpDateFormat(std::string_view format);

// Errors: D3911 when `value` lacks a field the format needs or a year does not fit.
JResult<std::string> FormatErpDate(const LocalDateTime& value, const ErpDateFormat& format);

// Reads `text` by the format and checks the calendar (2024-02-30 is an error). Errors: D3911.
JResult<LocalDateTime> ParseErpDate(std::string_view text, const ErpDateFormat& format);

// ISO 8601 text of what `value` holds: "2024-03-15", "2024-03", "14:30:00",
// "2024-03-15T14:30:00Z" (UTC when no offset is known) or "2024-03-15T14:30:00+01:00".
// Errors: D3911 for a time with a partial date, or a date without a year.
JResult<std::string> ToIso8601(const LocalDateTime& value);

// Reads an ISO 8601 date, time or timestamp ("2024-03-15", "14:30", "2024-03-15T14:30:00.250",
// "2024-03-15 14:30:00+01:00"), keeping its wall clock and offset. nullopt if it is not one.
std::optional<LocalDateTime> ParseIsoLocal(std::string_view text);

// The UTC wall clock of milliseconds since the epoch (offset zero). nullopt outside the range of
// dates.
std::optional<LocalDateTime> FromUtcMillis(double millis);

}  // namespace erphub::jsonata
