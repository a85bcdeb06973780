#include "core/clock.h"

#include <cstdio>

namespace erphub {

std::string FormatUtc(Timestamp t) {
  using namespace std::chrono;
  const sys_days day = floor<days>(t);
  const year_month_day ymd(day);
  const microseconds in_day = t - day;
  const hh_mm_ss<microseconds> hms(in_day);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d.%06ldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<long>(hms.subseconds().count()));
  return buf;
}

Timestamp SystemClock::Now() const {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

Clock& SystemClock::Default() {
  static SystemClock clock;
  return clock;
}

FakeClock::FakeClock()
    : FakeClock(Timestamp(std::chrono::sys_days(std::chrono::year(2024) / 1 / 1))) {}

}  // namespace erphub
