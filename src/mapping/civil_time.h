#pragma once

#include <cstdint>

namespace erphub::jsonata {

// Proleptic Gregorian calendar arithmetic in UTC, with JavaScript Date's rules where the JSONata
// reference relies on them.

constexpr int64_t kMillisPerDay = 86400000;
// JavaScript dates span +-8.64e15 ms around the epoch.
constexpr double kMaxTimeMillis = 8.64e15;

// Days since 1970-01-01 of year-month(1..12)-day.
int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day);

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};
CivilDate CivilFromDays(int64_t days);

bool IsLeapYear(int64_t year);
int DaysInMonth(int64_t year, int month);

// A time in UTC broken into the fields JavaScript's getUTC* methods return.
struct UtcFields {
  int64_t year;
  int month;  // 1..12
  int day;
  int hour;
  int minute;
  int second;
  int millisecond;
  int weekday;  // 0 = Sunday .. 6 = Saturday
};
UtcFields BreakDown(int64_t millis);

// JavaScript's Date.UTC(year, month0, day, hours, minutes, seconds, ms): fields are truncated and
// may overflow into the next field; a year from 0 to 99 means 1900 + year. NaN when a field is
// NaN or the time is outside the range of JavaScript dates.
double JsDateUtc(double year, double month0, double day = 1, double hours = 0, double minutes = 0,
                 double seconds = 0, double ms = 0);
// The same without the two-digit-year rule (ISO 8601 year 0050 is the year 50).
double MakeUtcMillis(double year, double month0, double day = 1, double hours = 0,
                     double minutes = 0, double seconds = 0, double ms = 0);

}  // namespace erphub::jsonata
