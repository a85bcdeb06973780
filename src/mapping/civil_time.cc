#include "mapping/civil_time.h"

#include <cmath>
#include <initializer_list>
#include <limits>

namespace erphub::jsonata {

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2 ? 1 : 0;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  int64_t year_of_era = year - era * 400;
  int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t day_of_era = days - era * 146097;
  int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t mp = (5 * day_of_year + 2) / 153;
  int day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

bool IsLeapYear(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

UtcFields BreakDown(int64_t millis) {
  int64_t days = millis / kMillisPerDay;
  int64_t rest = millis % kMillisPerDay;
  if (rest < 0) {
    rest += kMillisPerDay;
    --days;
  }
  CivilDate date = CivilFromDays(days);
  UtcFields f;
  f.year = date.year;
  f.month = date.month;
  f.day = date.day;
  f.hour = static_cast<int>(rest / 3600000);
  f.minute = static_cast<int>(rest / 60000 % 60);
  f.second = static_cast<int>(rest / 1000 % 60);
  f.millisecond = static_cast<int>(rest % 1000);
  int64_t weekday = (days + 4) % 7;  // 1970-01-01 was a Thursday
  f.weekday = static_cast<int>(weekday < 0 ? weekday + 7 : weekday);
  return f;
}

double JsDateUtc(double year, double month0, double day, double hours, double minutes,
                 double seconds, double ms) {
  double y = std::trunc(year);
  if (y >= 0 && y <= 99) {
    y += 1900;
  }
  return MakeUtcMillis(y, month0, day, hours, minutes, seconds, ms);
}

double MakeUtcMillis(double year, double month0, double day, double hours, double minutes,
                     double seconds, double ms) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  for (double field : {year, month0, day, hours, minutes, seconds, ms}) {
    if (!std::isfinite(field)) {
      return kNaN;
    }
  }
  double y = std::trunc(year);
  double m = std::trunc(month0);
  double whole_year = y + std::floor(m / 12);
  double month_in_year = m - std::floor(m / 12) * 12;
  // Far outside the date range; also keeps the integer arithmetic below in range.
  if (std::fabs(whole_year) > 400000) {
    return kNaN;
  }
  double days = static_cast<double>(DaysFromCivil(static_cast<int64_t>(whole_year),
                                                  static_cast<int64_t>(month_in_year) + 1, 1)) +
                std::trunc(day) - 1;
  double time = std::trunc(hours) * 3600000 + std::trunc(minutes) * 60000 +
                std::trunc(seconds) * 1000 + std::trunc(ms);
  double t = days * kMillisPerDay + time;
  if (!std::isfinite(t) || std::fabs(t) > kMaxTimeMillis) {
    return kNaN;
  }
  return std::trunc(t) + 0.0;
}

}  // namespace erphub::jsonata
